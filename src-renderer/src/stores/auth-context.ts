import { createContext, useContext } from 'react'
import { useStore } from 'zustand'
import type { AuthState, AuthStore } from './auth'

export const AuthContext = createContext<AuthStore | null>(null)

/** A slice of the sign-in state (who is using the studio, whether accounts are on). */
export function useAuth<T>(pick: (s: AuthState) => T): T {
  const store = useContext(AuthContext)
  if (!store) throw new Error('useAuth outside <AuthContext.Provider>')
  return useStore(store, pick)
}
