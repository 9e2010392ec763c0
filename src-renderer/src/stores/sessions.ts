import { createStore, type StoreApi } from 'zustand/vanilla'
import type { ChatSession, SessionOrigin } from '@contract/chat'
import type { Api } from '../api/client'
import { toApiError, type ApiError } from '../api/errors'
import { upsert } from '../queries/collections'

export interface SessionsState {
  agentId: string | null
  query: string
  /** Only sessions from there (the chat screen's filter); null: all. */
  origin: SessionOrigin | null
  items: ChatSession[]
  loading: boolean
  error: ApiError | null
  /** Lists an agent's sessions (newest first), optionally matching a search. */
  load(agentId: string | null, query?: string): Promise<void>
  /** Shows only the sessions from one place (null: all) and reloads. */
  setOrigin(origin: SessionOrigin | null): Promise<void>
  /** Re-reads the current list (after a turn changed a title or time). */
  refresh(): Promise<void>
  rename(id: string, title: string): Promise<ChatSession>
  remove(id: string): Promise<void>
  /** A session created elsewhere (the first message of a new chat) joins the list at once. */
  add(session: ChatSession): void
}

export type SessionsStore = StoreApi<SessionsState>

/**
 * Sessions the editor's live preview started before it chatted as STUDIO_USER: kept out of the
 * chat screen's list.
 */
export const PREVIEW_USER = 'preview'
/** The user the studio chats as, on the chat screen and in the editor's preview (so both share memories). */
export const STUDIO_USER = 'studio'

export function createSessionsStore(api: Api): SessionsStore {
  let seq = 0
  return createStore<SessionsState>()((set, get) => ({
    agentId: null,
    query: '',
    origin: null,
    items: [],
    loading: false,
    error: null,
    async load(agentId, query = '') {
      const n = ++seq
      set({ agentId, query, loading: true, ...(agentId !== get().agentId && { items: [] }) })
      if (!agentId) return set({ loading: false, items: [] })
      try {
        const q = query.trim()
        const origin = get().origin
        const items = await api.call('sessions.list', { agentId, ...(q && { q }), ...(origin && { origin }) })
        if (n === seq) set({ items: items.filter((s) => s.userId !== PREVIEW_USER), loading: false, error: null })
      } catch (err) {
        if (n === seq) set({ loading: false, error: toApiError(err) })
      }
    },
    refresh: () => get().load(get().agentId, get().query),
    setOrigin(origin) {
      set({ origin })
      return get().load(get().agentId, get().query)
    },
    async rename(id, title) {
      const session = await api.call('sessions.rename', { id, title })
      set((s) => ({ items: upsert(s.items, session) }))
      return session
    },
    async remove(id) {
      await api.call('sessions.delete', { id })
      set((s) => ({ items: s.items.filter((i) => i.id !== id) }))
    },
    add(session) {
      if (session.agentId !== get().agentId || session.userId === PREVIEW_USER) return
      if (get().origin && session.origin !== get().origin) return
      set((s) => ({ items: [session, ...s.items.filter((i) => i.id !== session.id)] }))
    }
  }))
}
