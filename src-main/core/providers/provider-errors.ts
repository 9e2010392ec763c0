import OpenAI from 'openai'
import type { ErrorParams, MessageCode } from '../../contract/messages'

export interface ProviderFault {
  code: 'unauthorized' | 'model_not_found' | 'rate_limited' | 'unreachable' | 'timeout' | 'upstream_error'
  message: string
  /** The message as a code and params, for the studio to say in the user's language. */
  reason?: MessageCode
  params?: ErrorParams
  /** Worth retrying before the first token (429, 5xx, connection trouble). */
  retryable: boolean
}

/** Names what went wrong talking to a model provider, in words a user can act on. */
export function describeProviderFault(err: unknown, baseUrl: string): ProviderFault {
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    return { code: 'timeout', message: `The provider at ${baseUrl} did not answer in time`, reason: 'provider_timeout', params: { baseUrl }, retryable: true }
  }
  if (err instanceof OpenAI.APIConnectionError) {
    return {
      code: 'unreachable',
      message: `Cannot reach ${baseUrl}: check the URL and that the server is running`,
      reason: 'provider_unreachable',
      params: { baseUrl },
      retryable: true
    }
  }
  if (err instanceof OpenAI.APIError) {
    const detail = err.message.replace(/^\d{3}\s*/, '')
    const params = { status: err.status ?? '', detail }
    if (err.status === 401 || err.status === 403) {
      return {
        code: 'unauthorized',
        message: `The provider rejected the API key (${err.status}): ${detail}`,
        reason: 'provider_unauthorized',
        params,
        retryable: false
      }
    }
    if (err.status === 404) {
      return {
        code: 'model_not_found',
        message: `Not found at the provider (404): ${detail}. Check the model name and base URL`,
        reason: 'provider_model_not_found',
        params,
        retryable: false
      }
    }
    if (err.status === 429)
      return {
        code: 'rate_limited',
        message: `The provider is rate-limiting requests (429): ${detail}`,
        reason: 'provider_rate_limited',
        params,
        retryable: true
      }
    if (err.status !== undefined && err.status >= 500) {
      return { code: 'upstream_error', message: `The provider failed (${err.status}): ${detail}`, reason: 'provider_failed', params, retryable: true }
    }
    return {
      code: 'upstream_error',
      message: `The provider refused the request (${err.status ?? 'no status'}): ${detail}`,
      reason: 'provider_refused',
      params,
      retryable: false
    }
  }
  const detail = (err as Error)?.message ?? String(err)
  return { code: 'upstream_error', message: `Provider error: ${detail}`, reason: 'provider_error', params: { detail }, retryable: false }
}
