import { createStore, type StoreApi } from 'zustand/vanilla'
import type { KbSearchResult, SearchMode } from '@contract/knowledge'
import type { Api } from '../api/client'
import { toApiError, type ApiError } from '../api/errors'

export interface SearchParams {
  query: string
  mode: SearchMode
  topK: number
  scoreThreshold: number
}

export interface KnowledgeSearchState {
  params: SearchParams
  result: KbSearchResult | null
  /** The query the result answers (the field may have changed since). */
  resultQuery: string
  searching: boolean
  error: ApiError | null
  setParams(patch: Partial<SearchParams>): void
  search(kbId: string): Promise<void>
  reset(): void
}

export type KnowledgeSearchStore = StoreApi<KnowledgeSearchState>

export const defaultSearchParams: SearchParams = { query: '', mode: 'hybrid', topK: 5, scoreThreshold: 0 }

/** The search playground: try a query against one knowledge base the way an agent would. */
export function createKnowledgeSearchStore(api: Api): KnowledgeSearchStore {
  let seq = 0
  return createStore<KnowledgeSearchState>()((set, get) => ({
    params: defaultSearchParams,
    result: null,
    resultQuery: '',
    searching: false,
    error: null,
    setParams: (patch) => set((s) => ({ params: { ...s.params, ...patch } })),
    async search(kbId) {
      const { query, mode, topK, scoreThreshold } = get().params
      if (!query.trim()) return
      const n = ++seq
      set({ searching: true, error: null })
      try {
        const result = await api.call('knowledgeBases.search', { id: kbId, query: query.trim(), mode, topK, scoreThreshold })
        if (n === seq) set({ result, resultQuery: query.trim(), searching: false })
      } catch (err) {
        if (n === seq) set({ error: toApiError(err), searching: false })
      }
    },
    reset() {
      seq++
      set({ params: defaultSearchParams, result: null, resultQuery: '', searching: false, error: null })
    }
  }))
}
