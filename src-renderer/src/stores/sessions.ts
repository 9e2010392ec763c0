import { createStore, type StoreApi } from 'zustand/vanilla'
import type { SessionOrigin } from '@contract/chat'

/** Which sessions the chat screen lists; the list itself is a query (`queries/sessions.ts`). */
export interface SessionsState {
  agentId: string | null
  /** The search, as asked of the server (the screen debounces typing). */
  query: string
  /** Only sessions from there (the chat screen's filter); null: all. */
  origin: SessionOrigin | null
  show(agentId: string | null, query?: string): void
  setOrigin(origin: SessionOrigin | null): void
}

export type SessionsStore = StoreApi<SessionsState>

/**
 * Sessions the editor's live preview started before it chatted as STUDIO_USER: kept out of the
 * chat screen's list.
 */
export const PREVIEW_USER = 'preview'
/** The user the studio chats as, on the chat screen and in the editor's preview (so both share memories). */
export const STUDIO_USER = 'studio'

export const createSessionsStore = (): SessionsStore =>
  createStore<SessionsState>()((set) => ({
    agentId: null,
    query: '',
    origin: null,
    show: (agentId, query = '') => set({ agentId, query }),
    setOrigin: (origin) => set({ origin })
  }))
