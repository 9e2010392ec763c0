import { createStore, type StoreApi } from 'zustand/vanilla'
import type { ApiInput, ApiOutput } from '@contract/api'
import type { Memory, MemoryFailure } from '@contract/memory'
import type { Api } from '../api/client'
import { toApiError, type ApiError } from '../api/errors'
import { upsert } from '../queries/collections'

export type MemoryUser = ApiOutput<'memories.users'>[number]
export type MemoryInput = ApiInput<'memories.create'>
export type MemoryPatch = Omit<ApiInput<'memories.update'>, 'id'>

/** Which memories of the user are shown: all, the shared pool, or what one agent sees. */
export type AgentFilter = { kind: 'all' } | { kind: 'shared' } | { kind: 'agent'; agentId: string }

export interface MemoryState {
  users: MemoryUser[]
  usersLoaded: boolean
  usersError: ApiError | null
  userId: string | null
  filter: AgentFilter
  q: string
  items: Memory[]
  loading: boolean
  error: ApiError | null
  loadUsers(): Promise<void>
  select(userId: string | null): Promise<void>
  setFilter(filter: AgentFilter): Promise<void>
  search(q: string): Promise<void>
  reload(): Promise<void>
  create(input: MemoryInput): Promise<Memory>
  update(id: string, patch: MemoryPatch): Promise<Memory>
  remove(id: string): Promise<void>
  /** Deletes everything about the user (or one agent's own memories of them). */
  forget(userId: string, agentId?: string): Promise<number>
  /** The last failed extraction of each agent, newest first. */
  failures: MemoryFailure[]
  loadFailures(): Promise<void>
  /** `memories.changed` studio event. */
  onChanged(userId: string): void
  /** `memories.failed` studio event. */
  onFailed(failure: MemoryFailure): void
}

export type MemoryStore = StoreApi<MemoryState>

/** Long-term memories of users, as the memory page shows and edits them. */
export function createMemoryStore(api: Api): MemoryStore {
  let usersSeq = 0
  let itemsSeq = 0
  return createStore<MemoryState>()((set, get) => ({
    users: [],
    usersLoaded: false,
    usersError: null,
    userId: null,
    filter: { kind: 'all' },
    q: '',
    items: [],
    loading: false,
    error: null,
    failures: [],

    async loadFailures() {
      try {
        set({ failures: await api.call('memories.failures', {}) })
      } catch (err) {
        // The list of memories still works without it; the next event or visit tries again.
        set({ error: toApiError(err) })
      }
    },
    async loadUsers() {
      const n = ++usersSeq
      try {
        const users = await api.call('memories.users', {})
        if (n !== usersSeq) return
        set({ users, usersLoaded: true, usersError: null })
        // Nobody picked yet: the most recently updated user is the likeliest one wanted.
        if (!get().userId && users[0]) await get().select(users[0].userId)
      } catch (err) {
        if (n === usersSeq) set({ usersError: toApiError(err) })
      }
    },
    async select(userId) {
      set({ userId, ...(userId !== get().userId && { items: [] }) })
      await get().reload()
    },
    async setFilter(filter) {
      set({ filter })
      await get().reload()
    },
    async search(q) {
      set({ q })
      await get().reload()
    },
    async reload() {
      const { userId, filter, q } = get()
      const n = ++itemsSeq
      if (!userId) return set({ items: [], loading: false, error: null })
      set({ loading: true })
      try {
        const found = await api.call('memories.list', {
          userId,
          ...(filter.kind === 'agent' && { agentId: filter.agentId }),
          ...(q.trim() && { q: q.trim() })
        })
        // The API has no "shared only" query: the shared pool is the user's memories of no agent.
        const items = filter.kind === 'shared' ? found.filter((m) => m.agentId === null) : found
        if (n === itemsSeq) set({ items, loading: false, error: null })
      } catch (err) {
        if (n === itemsSeq) set({ loading: false, error: toApiError(err) })
      }
    },
    async create(input) {
      const memory = await api.call('memories.create', input)
      if (memory.userId === get().userId) set((s) => ({ items: [memory, ...s.items.filter((m) => m.id !== memory.id)] }))
      void get().loadUsers()
      return memory
    },
    async update(id, patch) {
      const memory = await api.call('memories.update', { ...patch, id })
      set((s) => ({ items: upsert(s.items, memory) }))
      return memory
    },
    async remove(id) {
      await api.call('memories.delete', { id })
      set((s) => ({ items: s.items.filter((m) => m.id !== id) }))
      void get().loadUsers()
    },
    async forget(userId, agentId) {
      const { deleted } = await api.call('memories.forget', { userId, ...(agentId && { agentId }) })
      if (!agentId && get().userId === userId) set({ userId: null, items: [] })
      await get().loadUsers()
      if (get().userId) await get().reload()
      return deleted
    },
    onChanged(userId) {
      void get().loadUsers()
      if (userId === get().userId) void get().reload()
      // Learning worked again for some agent: its failure may be gone.
      if (get().failures.length) void get().loadFailures()
    },
    onFailed(failure) {
      set((s) => ({ failures: [failure, ...s.failures.filter((f) => f.agentId !== failure.agentId)] }))
    }
  }))
}
