import { queryOptions, useQuery, type UseQueryResult } from '@tanstack/react-query'
import type { ApiInput, ApiOutput, EndpointName } from '@contract/api'
import type { Api } from '../api/client'
import { toApiError, type ApiError } from '../api/errors'
import { useStudio } from '../stores/hooks'
import { apiKey } from './keys'

/** One endpoint call, failing with an ApiError (what a query's error is). */
export const callApi = <N extends EndpointName>(api: Api, name: N, input: ApiInput<N>): Promise<ApiOutput<N>> =>
  api.call(name, input).catch((err: unknown) => Promise.reject(toApiError(err)))

/** The same call for what only some people may read (an admin's): null for the others, not an error. */
export const callUnlessForbidden = <N extends EndpointName>(api: Api, name: N, input: ApiInput<N>): Promise<ApiOutput<N> | null> =>
  callApi(api, name, input).catch((err: ApiError) => {
    if (err.code === 'forbidden') return null
    throw err
  })

/** One endpoint call as a query: keyed by its name and input, failing with an ApiError. */
export const apiQuery = <N extends EndpointName>(api: Api, name: N, input: ApiInput<N> = {} as ApiInput<N>) =>
  queryOptions<ApiOutput<N>, ApiError>({
    queryKey: apiKey(name, input),
    queryFn: () => callApi(api, name, input)
  })

export interface ApiQueryOptions {
  /** False: read the cache only (e.g. before signing in, or until an id is known). */
  enabled?: boolean
}

/** `useApiQuery('agents.list')`: the endpoint's answer, cached and kept fresh by studio events. */
export function useApiQuery<N extends EndpointName>(name: N, input?: ApiInput<N>, opts: ApiQueryOptions = {}): UseQueryResult<ApiOutput<N>, ApiError> {
  const { api } = useStudio().connection
  return useQuery({ ...apiQuery(api, name, input), ...opts })
}
