import { randomUUID } from 'node:crypto'
import type { NextFunction, Request, Response } from 'express'
import { AppError, errorStatus, toAppError, type ErrorCode } from '../contract/errors'
import { log, type Logger } from '../base/log'

// A caller's id is kept when it could not disturb a log line or a header: short, plain characters.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/

/**
 * The first middleware: every request gets an id (the caller's `X-Request-Id` when sane, else a
 * new one), echoed on the answer and carried by the request's logger (`requestLog(res)`), so a
 * user's report and our log lines meet.
 */
export function requestId(req: Request, res: Response, next: NextFunction) {
  const given = req.headers['x-request-id']
  const id = typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID()
  res.setHeader('X-Request-Id', id)
  res.locals.requestId = id
  res.locals.log = log.child({ requestId: id })
  next()
}

/** The logger of the request this answer belongs to (the root logger outside a request). */
export const requestLog = (res: Response): Logger => (res.locals.log as Logger | undefined) ?? log

const byStatus = Object.fromEntries(Object.entries(errorStatus).map(([code, status]) => [status, code])) as Record<number, ErrorCode>

/**
 * Errors that Express, its body parsers and routers raise for a bad request carry a 4xx `status`
 * (http-errors) and sometimes a `type`; they are the client's fault, so they answer in our shape
 * with that status instead of an internal error.
 */
export function fromExpress(err: unknown): AppError | undefined {
  const e = err as { type?: string; status?: number; limit?: number; code?: string; expose?: boolean; message?: string }
  if (!e || typeof e !== 'object' || err instanceof AppError) return undefined
  if (e.type === 'entity.too.large') return new AppError('payload_too_large', `Request body is larger than the limit of ${e.limit} bytes`)
  if (e.type === 'entity.parse.failed') return new AppError('bad_request', 'Request body is not valid JSON')
  if (e.type === 'encoding.unsupported') return new AppError('unsupported_media_type', 'Unsupported Content-Encoding: send the body as is, gzip, deflate or br')
  if (e.type === 'charset.unsupported') return new AppError('unsupported_media_type', 'Unsupported charset: send the body as UTF-8')
  if (e.type === 'request.aborted') return new AppError('bad_request', 'The request was cut off before its body ended')
  if (err instanceof URIError) return new AppError('bad_request', 'The URL has malformed %-encoding')
  // A compressed body that does not decompress (zlib's Z_DATA_ERROR and friends).
  if (typeof e.code === 'string' && /^Z_|^ERR_(BROTLI|ZLIB)/.test(e.code))
    return new AppError('bad_request', 'The request body could not be decoded with its Content-Encoding')
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new AppError(byStatus[e.status] ?? 'bad_request', e.expose && e.message ? e.message : 'Bad request')
  }
  return undefined
}

/** The last middleware: every error becomes `{error:{code,message}}`, never a stack trace; every 5xx is logged with its request id. */
export function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction) {
  const appErr = fromExpress(err) ?? toAppError(err)
  if (appErr.status >= 500) requestLog(res).error({ err, code: appErr.code, method: req.method, path: req.path }, 'request failed')
  if (res.headersSent) return res.end()
  res.status(appErr.status).json(appErr.toBody())
}

/**
 * After every router: a path nobody answers. A known path asked with another method gets 405 and
 * `Allow`; anything else 404 — always in the JSON shape, never Express's HTML page.
 */
export function notFound(allowedMethods: (path: string) => string[] | undefined, hint: (path: string) => string | undefined = () => undefined) {
  return (req: Request, res: Response, next: NextFunction) => {
    const allow = allowedMethods(req.path)
    if (allow?.length && !allow.includes(req.method)) {
      res.setHeader('Allow', allow.join(', '))
      return next(new AppError('method_not_allowed', `${req.method} is not allowed on ${req.path}: use ${allow.join(' or ')}`))
    }
    const why = hint(req.path)
    next(new AppError('not_found', `Nothing at ${req.method} ${req.path}${why ? `: ${why}` : ''}`))
  }
}
