import { endpoints, type ApiClient, type ApiInput, type ApiOutput, type EndpointName } from '@contract/api'
import { ApiError, toApiError } from './errors'
import type { Transport } from './transport'

export type Api = ApiClient

export interface ApiHooks {
  /** The server refused our credentials (browser only): the app asks for the token. */
  onUnauthorized?: (err: ApiError) => void
}

/** The renderer's one Api: any transport, answers validated against the contract. */
export function createApi(transport: Transport, hooks: ApiHooks = {}): Api {
  return {
    async call<N extends EndpointName>(name: N, input: ApiInput<N>): Promise<ApiOutput<N>> {
      let raw: unknown
      try {
        raw = await transport(name, input)
      } catch (err) {
        const apiErr = toApiError(err)
        if (apiErr.code === 'unauthorized') hooks.onUnauthorized?.(apiErr)
        throw apiErr
      }
      const parsed = endpoints[name].output.safeParse(raw)
      if (!parsed.success) throw new ApiError('internal', `Unexpected answer from ${name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`, 0)
      return parsed.data as ApiOutput<N>
    }
  }
}
