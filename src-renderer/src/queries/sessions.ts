import { keepPreviousData, useQuery } from '@tanstack/react-query'
import type { ApiInput } from '@contract/api'
import type { ChatSession, SessionOrigin } from '@contract/chat'
import type { Api } from '../api/client'
import type { ApiError } from '../api/errors'
import { useArea, useStudio } from '../stores/hooks'
import { PREVIEW_USER } from '../stores/sessions'
import { apiQuery } from './api-query'
import { upsert } from './collections'
import type { ServerState } from './server-state'

type ListInput = ApiInput<'sessions.list'>

export const sessionsInput = (agentId: string, query = '', origin: SessionOrigin | null = null): ListInput => {
  const q = query.trim()
  return { agentId, ...(q && { q }), ...(origin && { origin }) }
}

const withoutPreview = (items: ChatSession[]) => items.filter((s) => s.userId !== PREVIEW_USER)

/** An agent's sessions, newest first, without the editor's preview sessions. */
export const sessionsQuery = (api: Api, input: ListInput) => ({ ...apiQuery(api, 'sessions.list', input), select: withoutPreview })

const none: ChatSession[] = []

/** The chat screen's list, for the agent, search and origin in the sessions store. */
export function useSessions(): { items: ChatSession[]; loading: boolean; error: ApiError | null } {
  const { agentId, query, origin } = useArea('sessions', (s) => s)
  const q = useQuery({
    ...sessionsQuery(useStudio().connection.api, sessionsInput(agentId ?? '', query, origin)),
    enabled: agentId !== null,
    // While a search or filter is asked, the same agent's list stays; another agent's does not.
    placeholderData: (prev, prevQuery) => ((prevQuery?.queryKey[1] as ListInput | undefined)?.agentId === agentId ? keepPreviousData(prev) : undefined)
  })
  return { items: q.data ?? none, loading: q.isFetching, error: q.error }
}

const listsOf = ({ queries }: ServerState, agentId?: string) =>
  queries.getQueriesData<ChatSession[]>({ queryKey: ['sessions.list', agentId ? { agentId } : {}] })

const setLists = (s: ServerState, change: (items: ChatSession[], input: ListInput) => ChatSession[], agentId?: string) => {
  for (const [key, items] of listsOf(s, agentId)) if (items) s.queries.setQueryData(key, change(items, key[1] as ListInput))
}

/** A session created elsewhere (the first message of a new chat) joins its agent's lists at once. */
export function addSession(s: ServerState, session: ChatSession): void {
  setLists(
    s,
    (items, input) => (input.origin && session.origin !== input.origin ? items : [session, ...items.filter((i) => i.id !== session.id)]),
    session.agentId
  )
}

/** A turn changed a session (its title, its time): the lists are read again. */
export const sessionsChanged = ({ queries }: ServerState, agentId?: string) =>
  void queries.invalidateQueries({ queryKey: ['sessions.list', agentId ? { agentId } : {}] })

export async function renameSession(s: ServerState, id: string, title: string): Promise<ChatSession> {
  const session = await s.connection.api.call('sessions.rename', { id, title })
  setLists(s, (items) => (items.some((i) => i.id === id) ? upsert(items, session) : items))
  return session
}

export async function removeSession(s: ServerState, id: string): Promise<void> {
  await s.connection.api.call('sessions.delete', { id })
  setLists(s, (items) => items.filter((i) => i.id !== id))
}
