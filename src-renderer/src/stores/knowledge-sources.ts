import { createStore, type StoreApi } from 'zustand/vanilla'
import type { ApiInput } from '@contract/api'
import type { KnowledgeSource, SyncResult } from '@contract/knowledge'
import type { Api } from '../api/client'
import { toApiError, type ApiError } from '../api/errors'
import { upsert } from '../queries/collections'

export type SourceInput = Omit<ApiInput<'knowledgeBases.createSource'>, 'id'>
export type SourcePatch = Omit<ApiInput<'knowledgeBases.updateSource'>, 'id' | 'sourceId'>

export interface KnowledgeSourcesState {
  kbId: string | null
  items: KnowledgeSource[]
  loading: boolean
  error: ApiError | null
  /** Sources whose "sync now" is waiting for its answer. */
  syncing: string[]
  load(kbId: string): Promise<void>
  create(input: SourceInput): Promise<KnowledgeSource>
  update(sourceId: string, patch: SourcePatch): Promise<KnowledgeSource>
  remove(sourceId: string): Promise<void>
  sync(sourceId: string): Promise<SyncResult>
  /** `knowledge.sources` event: one source changed (sync state, stats). */
  onChanged(kbId: string): void
}

export type KnowledgeSourcesStore = StoreApi<KnowledgeSourcesState>

/** Database and API sources of the open knowledge base. */
export function createKnowledgeSourcesStore(api: Api): KnowledgeSourcesStore {
  let seq = 0
  return createStore<KnowledgeSourcesState>()((set, get) => {
    const kb = () => {
      const id = get().kbId
      if (!id) throw new Error('no knowledge base open')
      return id
    }
    return {
      kbId: null,
      items: [],
      loading: false,
      error: null,
      syncing: [],
      async load(kbId) {
        const n = ++seq
        set({ kbId, loading: true, ...(kbId !== get().kbId && { items: [] }) })
        try {
          const items = await api.call('knowledgeBases.sources', { id: kbId })
          if (n === seq) set({ items, loading: false, error: null })
        } catch (err) {
          if (n === seq) set({ loading: false, error: toApiError(err) })
        }
      },
      async create(input) {
        const source = await api.call('knowledgeBases.createSource', { ...input, id: kb() })
        set((s) => ({ items: upsert(s.items, source) }))
        return source
      },
      async update(sourceId, patch) {
        const source = await api.call('knowledgeBases.updateSource', { ...patch, id: kb(), sourceId })
        set((s) => ({ items: upsert(s.items, source) }))
        return source
      },
      async remove(sourceId) {
        await api.call('knowledgeBases.deleteSource', { id: kb(), sourceId })
        set((s) => ({ items: s.items.filter((x) => x.id !== sourceId) }))
      },
      async sync(sourceId) {
        const kbId = kb()
        set((s) => ({ syncing: [...s.syncing, sourceId] }))
        try {
          return await api.call('knowledgeBases.syncSource', { id: kbId, sourceId })
        } finally {
          set((s) => ({ syncing: s.syncing.filter((x) => x !== sourceId) }))
          if (get().kbId === kbId) void get().load(kbId)
        }
      },
      onChanged(kbId) {
        if (kbId === get().kbId) void get().load(kbId)
      }
    }
  })
}
