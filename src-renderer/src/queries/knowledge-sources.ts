import type { QueryClient } from '@tanstack/react-query'
import type { ApiInput } from '@contract/api'
import type { KnowledgeSource, SyncResult } from '@contract/knowledge'
import type { ApiError } from '../api/errors'
import { useApiQuery } from './api-query'
import { upsert } from './collections'
import { apiKey } from './keys'
import type { ServerState } from './server-state'

export type SourceInput = Omit<ApiInput<'knowledgeBases.createSource'>, 'id'>
export type SourcePatch = Omit<ApiInput<'knowledgeBases.updateSource'>, 'id' | 'sourceId'>

const none: KnowledgeSource[] = []
const sourcesKey = (kbId: string) => apiKey('knowledgeBases.sources', { id: kbId })

/** A knowledge base's database and API sources; `knowledge.sources` events (sync state, stats) re-read them. */
export function useSources(kbId: string): { items: KnowledgeSource[]; loading: boolean; error: ApiError | null } {
  const q = useApiQuery('knowledgeBases.sources', { id: kbId })
  return { items: q.data ?? none, loading: q.isFetching, error: q.error }
}

/** `knowledge.sources`: the event names the source; the list is read again. */
export const sourcesChanged = (queries: QueryClient, kbId: string) => void queries.invalidateQueries({ queryKey: sourcesKey(kbId) })

const keep = ({ queries }: ServerState, kbId: string, source: KnowledgeSource) => {
  queries.setQueryData<KnowledgeSource[]>(sourcesKey(kbId), (items) => (items ? upsert(items, source) : items))
  return source
}

export const createSource = async (s: ServerState, kbId: string, input: SourceInput) =>
  keep(s, kbId, await s.connection.api.call('knowledgeBases.createSource', { ...input, id: kbId }))

export const updateSource = async (s: ServerState, kbId: string, sourceId: string, patch: SourcePatch) =>
  keep(s, kbId, await s.connection.api.call('knowledgeBases.updateSource', { ...patch, id: kbId, sourceId }))

export async function removeSource(s: ServerState, kbId: string, sourceId: string): Promise<void> {
  await s.connection.api.call('knowledgeBases.deleteSource', { id: kbId, sourceId })
  s.queries.setQueryData<KnowledgeSource[]>(sourcesKey(kbId), (items) => items?.filter((x) => x.id !== sourceId))
}

/** Reads a source now; its sync state and stats are read again whatever the outcome. */
export async function syncSource(s: ServerState, kbId: string, sourceId: string): Promise<SyncResult> {
  try {
    return await s.connection.api.call('knowledgeBases.syncSource', { id: kbId, sourceId })
  } finally {
    sourcesChanged(s.queries, kbId)
  }
}
