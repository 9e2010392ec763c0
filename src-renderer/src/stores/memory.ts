import { createStore, type StoreApi } from 'zustand/vanilla'

/** Which memories of the user are shown: all, the shared pool, or what one agent sees. */
export type AgentFilter = { kind: 'all' } | { kind: 'shared' } | { kind: 'agent'; agentId: string }

/** What the memory screen shows; the users and their memories are queries (`queries/memory.ts`). */
export interface MemoryState {
  userId: string | null
  filter: AgentFilter
  /** The search, as asked of the server (the screen asks on Enter). */
  q: string
  select(userId: string | null): void
  setFilter(filter: AgentFilter): void
  search(q: string): void
}

export type MemoryStore = StoreApi<MemoryState>

export const createMemoryStore = (): MemoryStore =>
  createStore<MemoryState>()((set) => ({
    userId: null,
    filter: { kind: 'all' },
    q: '',
    select: (userId) => set({ userId }),
    setFilter: (filter) => set({ filter }),
    search: (q) => set({ q })
  }))
