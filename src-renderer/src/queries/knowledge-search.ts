import { hashKey, keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import type { ApiInput } from '@contract/api'
import type { KbSearchResult, SearchMode } from '@contract/knowledge'
import type { Api } from '../api/client'
import type { ApiError } from '../api/errors'
import { useStudio } from '../stores/hooks'
import { callApi } from './api-query'
import { apiKey } from './keys'

/** The playground's fields: client state of the screen until a search is run. */
export interface SearchParams {
  query: string
  mode: SearchMode
  topK: number
  scoreThreshold: number
}

export type SearchInput = ApiInput<'knowledgeBases.search'>

export const defaultSearchParams: SearchParams = { query: '', mode: 'hybrid', topK: 5, scoreThreshold: 0 }

/** What a search asks, or null while the query is blank (nothing to ask). */
export function searchInput(kbId: string, { query, mode, topK, scoreThreshold }: SearchParams): SearchInput | null {
  const q = query.trim()
  return q ? { id: kbId, query: q, mode, topK, scoreThreshold } : null
}

/** A search's result with the query it answers (the field may have changed since). */
export interface SearchAnswer {
  result: KbSearchResult
  query: string
}

export const searchQuery = (api: Api, input: SearchInput) =>
  queryOptions<SearchAnswer, ApiError>({
    queryKey: apiKey('knowledgeBases.search', input),
    queryFn: async () => ({ result: await callApi(api, 'knowledgeBases.search', input), query: input.query })
  })

export interface SearchView {
  answer: SearchAnswer | null
  searching: boolean
  error: ApiError | null
  /** Runs the search (again, when it is the one shown). */
  search(input: SearchInput): void
}

/** The search playground's answer: the search last run, the one before it shown until it lands. */
export function useSearch(): SearchView {
  const api = useStudio().connection.api
  const [asked, ask] = useState<SearchInput | null>(null)
  const q = useQuery({ ...searchQuery(api, asked ?? { id: '', query: '' }), enabled: asked !== null, placeholderData: keepPreviousData })
  return {
    answer: q.data ?? null,
    searching: q.isFetching,
    error: q.error,
    search: (input) => (asked && hashKey([input]) === hashKey([asked]) ? void q.refetch() : ask(input))
  }
}
