import { createStore, type StoreApi } from 'zustand/vanilla'

export type AuthStatus = 'checking' | 'ok' | 'unauthorized'

export interface AuthState {
  status: AuthStatus
  /** The page was opened with a `?token=` the server did not accept (it strips the right one). */
  rejectedToken: boolean
  set(status: AuthStatus): void
}

export type AuthStore = StoreApi<AuthState>

export const createAuthStore = (rejectedToken = false): AuthStore =>
  createStore<AuthState>()((set) => ({
    status: 'checking',
    rejectedToken,
    set: (status) => set({ status })
  }))
