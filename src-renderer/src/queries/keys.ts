import type { ApiInput, EndpointName } from '@contract/api'

/**
 * A query's cache key: the contract's endpoint name, then its input. The name alone
 * (`['agents.list']`) is a prefix of every input's key, which is what events invalidate.
 */
export type ApiKey<N extends EndpointName> = readonly [N, ApiInput<N>]

export const apiKey = <N extends EndpointName>(name: N, input: ApiInput<N> = {} as ApiInput<N>): ApiKey<N> => [name, input] as const
