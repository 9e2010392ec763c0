import { createContext, useContext } from 'react'
import { useStore } from 'zustand'
import type { StoreApi } from 'zustand/vanilla'
import type { Studio } from './studio'

export const StudioContext = createContext<Studio | null>(null)

export function useStudio(): Studio {
  const studio = useContext(StudioContext)
  if (!studio) throw new Error('useStudio outside <StudioContext.Provider>')
  return studio
}

type StoreKey = 'sessions' | 'chat' | 'memory'
type StateOf<K extends StoreKey> = Studio[K] extends StoreApi<infer S> ? S : never

/** Reads one area's store: `useArea('memory', (s) => s.userId)`. */
export function useArea<K extends StoreKey, T>(key: K, selector: (state: StateOf<K>) => T): T {
  const store = useStudio()[key] as unknown as StoreApi<StateOf<K>>
  return useStore<StoreApi<StateOf<K>>, T>(store, selector)
}
