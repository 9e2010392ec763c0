import type { NextFunction, Request, Response } from 'express'
import { AppError, toAppError } from '../contract/errors'
import { log } from '../base/log'

/** Express's body parser errors carry a `type`; map them to our codes. */
function fromExpress(err: unknown): AppError | undefined {
  const e = err as { type?: string; status?: number; limit?: number }
  if (e?.type === 'entity.too.large') return new AppError('payload_too_large', `Request body is larger than the limit of ${e.limit} bytes`)
  if (e?.type === 'entity.parse.failed') return new AppError('bad_request', 'Request body is not valid JSON')
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported') return new AppError('bad_request', 'Unsupported body encoding')
  return undefined
}

/** The last middleware: every error becomes `{error:{code,message}}`, never a stack trace. */
export function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction) {
  const appErr = fromExpress(err) ?? toAppError(err)
  if (appErr.code === 'internal' && !(err instanceof AppError)) log.error({ err, method: req.method, url: req.originalUrl }, 'request failed')
  if (res.headersSent) return res.end()
  res.status(appErr.status).json(appErr.toBody())
}
