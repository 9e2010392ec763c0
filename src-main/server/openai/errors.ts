import type { NextFunction, Request, Response } from 'express'
import { AppError, toAppError } from '../../contract/errors'
import { log } from '../../base/log'

/** OpenAI's error body: clients (and its SDK) read `error.message`, `type` and `code`. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null }
}

export function openAiError(message: string, type: string, code: string | null = null, param: string | null = null): OpenAiErrorBody {
  return { error: { message, type, param, code } }
}

/** An AppError as OpenAI would have said it: status, type and code its clients know. */
export function toOpenAi(err: AppError): { status: number; body: OpenAiErrorBody } {
  const details = err.details as { issues?: { path: string }[]; openAiCode?: string } | undefined
  const issues = details?.issues
  switch (err.code) {
    case 'unauthorized':
      return { status: 401, body: openAiError(err.message, 'invalid_request_error', 'invalid_api_key') }
    case 'forbidden':
      return { status: 403, body: openAiError(err.message, 'permission_error', 'permission_denied') }
    case 'not_found':
      return { status: 404, body: openAiError(err.message, 'invalid_request_error', 'model_not_found', 'model') }
    case 'validation_failed':
    case 'bad_request':
    case 'conflict':
      return { status: 400, body: openAiError(err.message, 'invalid_request_error', details?.openAiCode ?? null, issues?.[0]?.path || null) }
    case 'payload_too_large':
      return { status: 413, body: openAiError(err.message, 'invalid_request_error', 'payload_too_large') }
    case 'unsupported_media_type':
      return { status: 415, body: openAiError(err.message, 'invalid_request_error', 'unsupported_media_type') }
    default:
      return { status: err.status, body: openAiError(err.message, 'server_error', err.code) }
  }
}

/**
 * Whether a client may send the request again (openai-node obeys `x-should-retry`; without it, it
 * retries 429 and every 5xx). A failed turn may have run tools with side effects, so only a rate
 * limit hit before any tool ran is worth a retry; everything else says no.
 */
export const RETRY_AFTER_S = 2
export function retryHeaders(retry: boolean): Record<string, string> {
  return retry ? { 'x-should-retry': 'true', 'retry-after': String(RETRY_AFTER_S) } : { 'x-should-retry': 'false' }
}

/** A turn that failed upstream: the provider's fault keeps its meaning (rate limit, timeout). */
export function turnFailure(
  error: { code: string; message: string },
  opts: { toolsRan?: boolean } = {}
): { status: number; body: OpenAiErrorBody; headers: Record<string, string> } {
  if (error.code === 'rate_limited')
    return { status: 429, body: openAiError(error.message, 'rate_limit_error', 'rate_limit_exceeded'), headers: retryHeaders(!opts.toolsRan) }
  const no = retryHeaders(false)
  // The agent itself is not ready (no model): the request is at fault, not the server.
  if (error.code === 'no_model') return { status: 400, body: openAiError(error.message, 'invalid_request_error', 'no_model', 'model'), headers: no }
  if (error.code === 'timeout') return { status: 504, body: openAiError(error.message, 'server_error', 'timeout'), headers: no }
  return { status: 502, body: openAiError(error.message, 'server_error', error.code), headers: no }
}

/** Errors Express and its body parser raise before a route runs, as the request's fault they are. */
function fromExpress(err: unknown): AppError | undefined {
  if (err instanceof AppError) return undefined
  const e = err as { type?: string; limit?: number; status?: unknown; statusCode?: unknown }
  if (e?.type === 'entity.parse.failed') return new AppError('bad_request', 'We could not parse the JSON body of your request.')
  if (e?.type === 'entity.too.large') return new AppError('payload_too_large', `Request body is larger than the limit of ${e.limit} bytes`)
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported')
    return new AppError(
      'unsupported_media_type',
      'The body is in a charset or Content-Encoding this server cannot read: send UTF-8 JSON (gzip, deflate or br at most)'
    )
  if (err instanceof URIError) return new AppError('bad_request', 'The URL has invalid %-encoding')
  const status = typeof e?.status === 'number' ? e.status : e?.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) return new AppError('bad_request', 'The request could not be read')
  return undefined
}

/** The last middleware of /v1: every error in OpenAI's shape, none worth a retry. */
export function openAiErrorHandler(err: unknown, req: Request, res: Response, _next: NextFunction) {
  const appErr = fromExpress(err) ?? toAppError(err)
  if (appErr.code === 'internal' && !(err instanceof AppError)) log.error({ err, method: req.method, url: req.originalUrl }, 'request failed')
  if (res.headersSent) return res.end()
  const { status, body } = toOpenAi(appErr)
  res.status(status).set(retryHeaders(false)).json(body)
}
