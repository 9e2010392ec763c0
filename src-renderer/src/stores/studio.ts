import { studioEvents, type StudioEventName } from '@contract/api'
import type { Connection } from '../api'
import type { QueryClient } from '@tanstack/react-query'
import { createConversationStore, type ConversationStore } from './conversation'
import { createSessionsStore, type SessionsStore } from './sessions'
import { createMemoryStore, type MemoryStore } from './memory'
import { createQueryClient } from '../queries/client'
import { applyEvent } from '../queries/events'
import { addSession, sessionsChanged } from '../queries/sessions'

export interface Studio {
  connection: Connection
  /** Server state (settings, the collections, models): cached answers keyed by endpoint, invalidated by studio events. */
  queries: QueryClient
  /** Which sessions the chat screen lists, and its open conversation. */
  sessions: SessionsStore
  chat: ConversationStore
  /** Which user, agent filter and search the memory screen shows. */
  memory: MemoryStore
  /** Keeps the cache fresh from studio events; returns the unsubscribe function. */
  listen(): () => void
}

/** The renderer's state, one store per area, all on one connection. */
export function createStudio(connection: Connection): Studio {
  const { api } = connection
  const server = { connection, queries: createQueryClient() }
  const studio: Omit<Studio, 'listen'> = {
    ...server,
    sessions: createSessionsStore(),
    memory: createMemoryStore(),
    chat: createConversationStore(api, {
      onSessionChange: (session) => ('title' in session ? addSession(server, session) : sessionsChanged(server))
    })
  }
  return {
    ...studio,
    listen: () =>
      connection.events((name, payload) => {
        const parsed = studioEvents[name as StudioEventName]?.safeParse(payload)
        if (!parsed?.success) return
        applyEvent(studio.queries, name as StudioEventName, parsed.data)
      })
  }
}
