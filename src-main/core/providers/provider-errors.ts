import OpenAI from 'openai'

export interface ProviderFault {
  code: 'unauthorized' | 'model_not_found' | 'rate_limited' | 'unreachable' | 'timeout' | 'upstream_error'
  message: string
  /** Worth retrying before the first token (429, 5xx, connection trouble). */
  retryable: boolean
}

/** Names what went wrong talking to a model provider, in words a user can act on. */
export function describeProviderFault(err: unknown, baseUrl: string): ProviderFault {
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    return { code: 'timeout', message: `The provider at ${baseUrl} did not answer in time`, retryable: true }
  }
  if (err instanceof OpenAI.APIConnectionError) {
    return { code: 'unreachable', message: `Cannot reach ${baseUrl}: check the URL and that the server is running`, retryable: true }
  }
  if (err instanceof OpenAI.APIError) {
    const detail = err.message.replace(/^\d{3}\s*/, '')
    if (err.status === 401 || err.status === 403) {
      return { code: 'unauthorized', message: `The provider rejected the API key (${err.status}): ${detail}`, retryable: false }
    }
    if (err.status === 404) {
      return { code: 'model_not_found', message: `Not found at the provider (404): ${detail}. Check the model name and base URL`, retryable: false }
    }
    if (err.status === 429) return { code: 'rate_limited', message: `The provider is rate-limiting requests (429): ${detail}`, retryable: true }
    if (err.status !== undefined && err.status >= 500) {
      return { code: 'upstream_error', message: `The provider failed (${err.status}): ${detail}`, retryable: true }
    }
    return { code: 'upstream_error', message: `The provider refused the request (${err.status ?? 'no status'}): ${detail}`, retryable: false }
  }
  return { code: 'upstream_error', message: `Provider error: ${(err as Error)?.message ?? String(err)}`, retryable: false }
}
