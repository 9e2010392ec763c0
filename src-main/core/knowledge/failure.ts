import { AppError } from '../../contract/errors'
import type { ErrorParams } from '../../contract/messages'

/** A failure as the studio says it: the English message (API clients, logs) and a message code with params (contract/messages.ts). */
export interface Said {
  message: string
  reason: string
  params: ErrorParams
}

/**
 * An error as knowledge keeps it (a document's failure, a source's last sync, a re-embed): an
 * AppError's own reason, else its first field's code, else `fallback` with the error's text as
 * `detail` (its English message starts with `prefix` then, if given).
 */
export function sayFailure(err: unknown, fallback: 'ingest_failed' | 'source_sync_failed' | 'reembed_failed', prefix?: string): Said {
  if (err instanceof AppError) {
    const { reason, params, fields } = err.info
    const field = fields?.find((f) => f.code)
    if (reason && reason !== 'invalid_request') return { message: err.message, reason, params: params ?? {} }
    if (field) return { message: err.message, reason: field.code, params: field.params ?? {} }
    return { message: err.message, reason: fallback, params: { detail: err.message } }
  }
  const detail = (err as Error)?.message ?? String(err)
  return { message: prefix ? `${prefix}: ${detail}` : detail, reason: fallback, params: { detail } }
}
