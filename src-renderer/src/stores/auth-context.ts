import { createContext, useContext } from 'react'
import { useStore } from 'zustand'
import { createAuthStore, type AuthState, type AuthStore } from './auth'

/** Outside the app's Boot (a screen rendered alone): the desktop's owner, with every right. */
const ownerStore = createAuthStore()
ownerStore.getState().setPeople({ accounts: false, needsSetup: false, me: { kind: 'owner' } })

export const AuthContext = createContext<AuthStore>(ownerStore)

/** A slice of the sign-in state (who is using the studio, whether accounts are on). */
export function useAuth<T>(pick: (s: AuthState) => T): T {
  return useStore(useContext(AuthContext), pick)
}
