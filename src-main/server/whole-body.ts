import type { NextFunction, Request, Response } from 'express'
import { AppError } from '../contract/errors'

const declaresBody = (req: Request) => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0

/**
 * Runs the route only once a body no parser read (sent as another type than JSON, which the route
 * then ignores) has arrived whole. A request cut off mid-body changes nothing: the same answer the
 * JSON parser gives one cut off inside a JSON body (`request.aborted`). Without this, a bodiless
 * action such as rotating an agent's key ran while its body was still on the way, or never came.
 */
export function wholeBody(req: Request, _res: Response, next: NextFunction): void {
  if (req.complete || !declaresBody(req)) return next()
  let done = false
  const go = (err?: AppError) => {
    if (done) return
    done = true
    next(err)
  }
  req.once('end', () => go())
  req.once('close', () => req.complete || go(new AppError('bad_request', 'The request was cut off before its body ended')))
  req.resume()
}
