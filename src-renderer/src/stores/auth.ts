import { createStore, type StoreApi } from 'zustand/vanilla'
import type { Me, Preferences } from '@contract/accounts'

export type AuthStatus = 'checking' | 'ok' | 'unauthorized'

export interface AuthState {
  status: AuthStatus
  /** The page was opened with a `?token=` the server did not accept (it strips the right one). */
  rejectedToken: boolean
  /** The server signs people in (accounts on); false: the one token; null: not known yet. */
  accounts: boolean | null
  /** Accounts on and nobody yet: the first-run setup. */
  needsSetup: boolean
  /** Single sign-on is on: "Sign in with <name>". */
  sso: { name: string } | null
  /** Who is signed in (the owner on the desktop or with the server's token). */
  me: Me | null
  /** A signed-in person's own language and theme (null: the studio's settings, as for the owner). */
  prefs: Preferences | null
  set(status: AuthStatus): void
  setPrefs(prefs: Preferences | null): void
  setPeople(next: { accounts: boolean; needsSetup: boolean; sso?: { name: string } | null; me: Me | null }): void
}

export type AuthStore = StoreApi<AuthState>

export const createAuthStore = (rejectedToken = false): AuthStore =>
  createStore<AuthState>()((set) => ({
    status: 'checking',
    rejectedToken,
    accounts: null,
    needsSetup: false,
    sso: null,
    me: null,
    prefs: null,
    set: (status) => set({ status }),
    setPrefs: (prefs) => set({ prefs }),
    setPeople: (next) => set(next)
  }))

/** The role of the one using the studio: the owner may do everything, as an admin. */
export const roleOf = (me: Me | null): 'admin' | 'builder' | 'member' => (me?.kind === 'user' ? me.user.role : 'admin')
