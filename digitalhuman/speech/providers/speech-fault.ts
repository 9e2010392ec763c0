// A speech vendor's fault in words an operator can act on: which call failed, which vendor, what
// kind of fault (a bad key, a used-up quota, a voice that does not exist…) and the vendor's own
// reason. Routes answer it as 502 upstream_error with `details.reason`.
import { AppError } from '../../../src-main/contract/errors'

export type SpeechFaultReason =
  'unauthorized' | 'quota_exceeded' | 'rate_limited' | 'model_not_found' | 'bad_request' | 'unreachable' | 'timeout' | 'upstream_error'

const PHRASE: Record<SpeechFaultReason, string> = {
  unauthorized: 'rejected the credentials (check the provider’s API key)',
  quota_exceeded: 'says the account’s quota or balance is used up',
  rate_limited: 'is limiting requests (too many at once)',
  model_not_found: 'does not know this model',
  bad_request: 'refused the request',
  unreachable: 'cannot be reached',
  timeout: 'did not answer in time',
  upstream_error: 'failed'
}

const RETRYABLE: ReadonlySet<SpeechFaultReason> = new Set(['rate_limited', 'unreachable', 'timeout', 'upstream_error'])

/** `Speech synthesis failed: DashScope rejected the credentials (…): InvalidApiKey: Invalid API-key provided.` */
export function speechFault(what: string, vendor: string, reason: SpeechFaultReason, detail?: string): AppError {
  const message = `${what}: ${vendor} ${PHRASE[reason]}${detail ? `: ${detail}` : ''}`
  return new AppError('upstream_error', message, { reason, retryable: RETRYABLE.has(reason) })
}

/** The fault of an HTTP status when the body says nothing more specific. */
export function reasonOfStatus(status: number): SpeechFaultReason {
  if (status === 401 || status === 403) return 'unauthorized'
  if (status === 404) return 'model_not_found'
  if (status === 429) return 'rate_limited'
  if (status === 402) return 'quota_exceeded'
  if (status >= 500) return 'upstream_error'
  return 'bad_request'
}

/** A network failure (refused, unknown host, reset) as opposed to an answer. */
export function isNetworkError(err: unknown): boolean {
  const code = (err as { code?: string; cause?: { code?: string } })?.code ?? (err as { cause?: { code?: string } })?.cause?.code
  return (
    typeof code === 'string' &&
    /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_SOCKET|UND_ERR_CONNECT_TIMEOUT)$/.test(code)
  )
}
