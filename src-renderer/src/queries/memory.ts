import { keepPreviousData, useQuery, type QueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import type { ApiInput, ApiOutput } from '@contract/api'
import type { Memory, MemoryFailure } from '@contract/memory'
import type { Api } from '../api/client'
import type { ApiError } from '../api/errors'
import { useArea, useStudio } from '../stores/hooks'
import type { AgentFilter, MemoryStore } from '../stores/memory'
import { apiQuery, useApiQuery } from './api-query'
import { upsert } from './collections'
import { apiKey } from './keys'
import type { ServerState } from './server-state'

export type MemoryUser = ApiOutput<'memories.users'>[number]
export type MemoryInput = ApiInput<'memories.create'>
export type MemoryPatch = Omit<ApiInput<'memories.update'>, 'id'>
type ListInput = ApiInput<'memories.list'>

export const memoriesInput = (userId: string, filter: AgentFilter, q = ''): ListInput => {
  const text = q.trim()
  return { userId, ...(filter.kind === 'agent' && { agentId: filter.agentId }), ...(text && { q: text }) }
}

// The API has no "shared only" query: the shared pool is the user's memories of no agent.
const sharedOnly = (items: Memory[]) => items.filter((m) => m.agentId === null)

/** A user's memories, newest first, as the filter and search show them. */
export const memoriesQuery = (api: Api, userId: string, filter: AgentFilter, q = '') => ({
  ...apiQuery(api, 'memories.list', memoriesInput(userId, filter, q)),
  ...(filter.kind === 'shared' && { select: sharedOnly })
})

const noUsers: MemoryUser[] = []
const noMemories: Memory[] = []
const noFailures: MemoryFailure[] = []

/** Nobody picked yet (or the picked user was forgotten): the most recently updated user, the likeliest one wanted. */
export function pickFirst(view: MemoryStore, users: MemoryUser[]): void {
  if (!view.getState().userId && users[0]) view.getState().select(users[0].userId)
}

/** Users with memories, most recently updated first; one is picked as soon as there are some. */
export function useMemoryUsers(): { users: MemoryUser[]; loaded: boolean; error: ApiError | null } {
  const q = useApiQuery('memories.users')
  const view = useStudio().memory
  const picked = useArea('memory', (s) => s.userId)
  const users = q.data ?? noUsers
  useEffect(() => pickFirst(view, users), [view, picked, users])
  // Loaded stays true when a later read fails: the list read before is still shown, with the error.
  return { users, loaded: q.data !== undefined, error: q.error }
}

/** The picked user's memories for the filter and search in the memory store. */
export function useMemories(): { items: Memory[]; loading: boolean; error: ApiError | null } {
  const { userId, filter, q } = useArea('memory', (s) => s)
  const query = useQuery({
    ...memoriesQuery(useStudio().connection.api, userId ?? '', filter, q),
    enabled: userId !== null,
    // While a filter or search is asked, the same user's list stays; another user's does not.
    placeholderData: (prev, prevQuery) => ((prevQuery?.queryKey[1] as ListInput | undefined)?.userId === userId ? keepPreviousData(prev) : undefined)
  })
  return { items: query.data ?? noMemories, loading: query.isFetching, error: query.error }
}

/** The last failed extraction of each agent, newest first. */
export function useMemoryFailures(): { failures: MemoryFailure[]; error: ApiError | null } {
  const q = useApiQuery('memories.failures')
  return { failures: q.data ?? noFailures, error: q.error }
}

const setLists = ({ queries }: ServerState, change: (items: Memory[], input: ListInput) => Memory[], userId?: string) => {
  for (const [key, items] of queries.getQueriesData<Memory[]>({ queryKey: ['memories.list', userId ? { userId } : {}] }))
    if (items) queries.setQueryData(key, change(items, key[1] as ListInput))
}

/** A memory written changes its user's count and place in the users list: read it again. */
const usersChanged = (queries: QueryClient) => void queries.invalidateQueries({ queryKey: apiKey('memories.users') })

/** `memories.changed`: the users, that user's lists and (learning worked again for some agent) the failures. */
export function memoriesChanged(queries: QueryClient, userId: string): void {
  usersChanged(queries)
  void queries.invalidateQueries({ queryKey: ['memories.list', { userId }] })
  if (queries.getQueryData<MemoryFailure[]>(apiKey('memories.failures'))?.length) void queries.invalidateQueries({ queryKey: apiKey('memories.failures') })
}

/** `memories.failed`: the agent's failure replaces its last one, first in the list. */
export const memoryFailed = (queries: QueryClient, failure: MemoryFailure) =>
  queries.setQueryData<MemoryFailure[]>(apiKey('memories.failures'), (list) => list && [failure, ...list.filter((f) => f.agentId !== failure.agentId)])

export async function createMemory(s: ServerState, input: MemoryInput): Promise<Memory> {
  const memory = await s.connection.api.call('memories.create', input)
  // At once in the user's whole list; which agents see it, and what a search finds, the server says.
  setLists(s, (items, list) => (list.agentId || list.q ? items : [memory, ...items.filter((m) => m.id !== memory.id)]), memory.userId)
  memoriesChanged(s.queries, memory.userId)
  return memory
}

export async function updateMemory(s: ServerState, id: string, patch: MemoryPatch): Promise<Memory> {
  const memory = await s.connection.api.call('memories.update', { ...patch, id })
  setLists(s, (items) => (items.some((m) => m.id === id) ? upsert(items, memory) : items), memory.userId)
  return memory
}

export async function removeMemory(s: ServerState, id: string): Promise<void> {
  await s.connection.api.call('memories.delete', { id })
  setLists(s, (items) => items.filter((m) => m.id !== id))
  usersChanged(s.queries)
}

/** Deletes everything about the user (or one agent's own memories of them); resolves with how many went. */
export async function forgetMemories(s: ServerState, userId: string, agentId?: string): Promise<number> {
  const { deleted } = await s.connection.api.call('memories.forget', { userId, ...(agentId && { agentId }) })
  // A user forgotten leaves the list at once, so the screen moves on to the next one.
  if (!agentId) s.queries.setQueryData<MemoryUser[]>(apiKey('memories.users'), (users) => users?.filter((u) => u.userId !== userId))
  memoriesChanged(s.queries, userId)
  return deleted
}
