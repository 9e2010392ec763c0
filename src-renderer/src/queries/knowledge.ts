import { infiniteQueryOptions, keepPreviousData, queryOptions, useInfiniteQuery, useQuery, type QueryClient } from '@tanstack/react-query'
import type { ApiInput, ApiOutput } from '@contract/api'
import type { AddResult, ChunkView, DocumentStatus, IngestionProgress, KbDocument, KnowledgeBaseStatus } from '@contract/knowledge'
import type { Api } from '../api/client'
import type { ApiError } from '../api/errors'
import { useStudio } from '../stores/hooks'
import { apiQuery, callApi } from './api-query'
import { apiKey, type ApiKey } from './keys'
import type { ServerState } from './server-state'

/** The documents table's page and filter: client state of the screen, part of the query's key. */
export interface DocumentQuery {
  page: number
  pageSize: number
  q: string
  status: DocumentStatus | null
}

type DocumentsInput = ApiInput<'knowledgeBases.documents'>
export type DocumentPage = ApiOutput<'knowledgeBases.documents'>

export const firstQuery: DocumentQuery = { page: 1, pageSize: 20, q: '', status: null }
const emptyCounts: DocumentPage['counts'] = { total: 0, byStatus: {} }
const noDocs: KbDocument[] = []

/** The table's next page and filter: a new filter starts on its first page. */
export const nextQuery = (query: DocumentQuery, patch: Partial<DocumentQuery>): DocumentQuery => ({
  ...query,
  ...patch,
  ...((patch.q !== undefined || patch.status !== undefined) && patch.page === undefined && { page: 1 })
})

export const documentsInput = (kbId: string, query: DocumentQuery): DocumentsInput => ({
  id: kbId,
  offset: (query.page - 1) * query.pageSize,
  limit: query.pageSize,
  ...(query.q.trim() && { q: query.q.trim() }),
  ...(query.status && { status: query.status })
})

export interface DocumentsView {
  docs: KbDocument[]
  /** Documents matching the filter. */
  total: number
  /** Every document of the knowledge base by status. */
  counts: DocumentPage['counts']
  loading: boolean
  error: ApiError | null
  reload(): void
}

/** One page of a knowledge base's documents; `knowledge.documents` events re-read it (throttled). */
export function useDocuments(kbId: string, query: DocumentQuery): DocumentsView {
  const q = useQuery({
    ...apiQuery(useStudio().connection.api, 'knowledgeBases.documents', documentsInput(kbId, query)),
    // Another page or filter keeps the rows shown until its answer lands.
    placeholderData: keepPreviousData
  })
  return {
    docs: q.data?.items ?? noDocs,
    total: q.data?.total ?? 0,
    counts: q.data?.counts ?? emptyCounts,
    loading: q.isFetching,
    error: q.error,
    reload: () => void q.refetch()
  }
}

/**
 * A knowledge base's counts, chunks and ingestion progress. `knowledge.progress` events put their
 * progress in it (`ingestionProgress`); one that came while the status was on its way is newer
 * than the status's own, so it stays.
 */
export const statusQuery = (api: Api, kbId: string) => {
  const key = apiKey('knowledgeBases.status', { id: kbId })
  return queryOptions<KnowledgeBaseStatus, ApiError, KnowledgeBaseStatus, ApiKey<'knowledgeBases.status'>>({
    queryKey: key,
    queryFn: async ({ client }) => {
      const asked = Date.now()
      const status = await callApi(api, 'knowledgeBases.status', { id: kbId })
      const cached = client.getQueryState<KnowledgeBaseStatus>(key)
      return cached?.data && cached.dataUpdatedAt >= asked ? { ...status, progress: cached.data.progress } : status
    }
  })
}

/** The status, or null until read; a failed read keeps the last one (the documents list reports the connection problem). */
export const useKbStatus = (kbId: string): KnowledgeBaseStatus | null => useQuery(statusQuery(useStudio().connection.api, kbId)).data ?? null

/** `knowledge.progress`: the event carries the progress, which goes into the status as it is. */
export function ingestionProgress(queries: QueryClient, progress: IngestionProgress): void {
  const key = apiKey('knowledgeBases.status', { id: progress.kbId })
  const wasRunning = queries.getQueryData<KnowledgeBaseStatus>(key)?.progress.running
  queries.setQueryData<KnowledgeBaseStatus>(key, (status) => status && { ...status, progress })
  // The run just ended: the final counts are in the status, not in the progress event.
  if (wasRunning && !progress.running) void queries.invalidateQueries({ queryKey: key })
}

/** Documents were added, removed or queued: the knowledge base's pages and status are read again. */
export function ingestChanged(queries: QueryClient, kbId: string): void {
  void queries.invalidateQueries({ queryKey: ['knowledgeBases.documents', { id: kbId }] })
  void queries.invalidateQueries({ queryKey: apiKey('knowledgeBases.status', { id: kbId }) })
}

/** Rows changed by events are re-read at most this often: ingestion reports in bursts. */
const REFRESH_MS = 400
const waiting = new WeakMap<QueryClient, Set<string>>()

/**
 * `knowledge.documents`: throttled, not debounced, since a long ingestion sends changes without
 * pause (and each re-read would cancel the one before it).
 */
export function documentsChanged(queries: QueryClient, kbId: string): void {
  const kbs = waiting.get(queries) ?? new Set<string>()
  waiting.set(queries, kbs)
  if (kbs.has(kbId)) return
  kbs.add(kbId)
  setTimeout(() => {
    kbs.delete(kbId)
    ingestChanged(queries, kbId)
  }, REFRESH_MS)
}

const CHUNK_PAGE = 50

/** A document's chunks in order, a page at a time (each after those shown). */
export const chunksQuery = (api: Api, kbId: string, docId: string) =>
  infiniteQueryOptions<ApiOutput<'knowledgeBases.chunks'>, ApiError, { items: ChunkView[]; total: number }, ApiKey<'knowledgeBases.chunks'>, number>({
    queryKey: apiKey('knowledgeBases.chunks', { id: kbId, docId, limit: CHUNK_PAGE }),
    queryFn: ({ pageParam: offset }) => callApi(api, 'knowledgeBases.chunks', { id: kbId, docId, offset, limit: CHUNK_PAGE }),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => {
      const shown = pages.reduce((n, p) => n + p.items.length, 0)
      return last.items.length && shown < last.total ? shown : undefined
    },
    select: (data) => ({ items: data.pages.flatMap((p) => p.items), total: data.pages.at(-1)?.total ?? 0 })
  })

/** The chunks of the document the viewer shows (none: nothing is asked). */
export const useChunks = (kbId: string, docId: string | null) =>
  useInfiniteQuery({ ...chunksQuery(useStudio().connection.api, kbId, docId ?? ''), enabled: docId !== null })

/** Changes every cached page of the knowledge base's documents. */
function setPages({ queries }: ServerState, kbId: string, change: (page: DocumentPage) => DocumentPage) {
  for (const [key, page] of queries.getQueriesData<DocumentPage>({ queryKey: ['knowledgeBases.documents', { id: kbId }] }))
    if (page) queries.setQueryData(key, change(page))
}

export async function removeDocument(s: ServerState, kbId: string, docId: string): Promise<void> {
  await s.connection.api.call('knowledgeBases.deleteDocument', { id: kbId, docId })
  setPages(s, kbId, (p) => (p.items.some((d) => d.id === docId) ? { ...p, items: p.items.filter((d) => d.id !== docId), total: Math.max(0, p.total - 1) } : p))
  ingestChanged(s.queries, kbId)
}

export async function reindexDocument(s: ServerState, kbId: string, docId: string): Promise<KbDocument> {
  const doc = await s.connection.api.call('knowledgeBases.reindexDocument', { id: kbId, docId })
  setPages(s, kbId, (p) => ({ ...p, items: p.items.map((d) => (d.id === doc.id ? doc : d)) }))
  return doc
}

/** Queues every document again; returns how many. */
export async function reindexAll(s: ServerState, kbId: string): Promise<number> {
  const { queued } = await s.connection.api.call('knowledgeBases.reindex', { id: kbId })
  ingestChanged(s.queries, kbId)
  return queued
}

export async function addPaths(s: ServerState, kbId: string, paths: string[]): Promise<AddResult> {
  const result = await s.connection.api.call('knowledgeBases.addPaths', { id: kbId, paths })
  ingestChanged(s.queries, kbId)
  return result
}
