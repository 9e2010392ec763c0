import { Router, type Request } from 'express'
import { endpoints, type EndpointName } from '../contract/api'
import { AppError } from '../contract/errors'
import { dispatch, type DispatchTarget } from '../core/dispatch'
import { contextOf } from './auth'

/** Input of a request: query (GET/DELETE) or body (POST/PUT), then path params on top. */
function rawInput(req: Request, method: string): Record<string, unknown> {
  const { token: _token, ...query } = req.query as Record<string, unknown>
  let base: Record<string, unknown> = query
  if (method === 'POST' || method === 'PUT') {
    const body = req.body
    if (body === undefined || body === null) base = {}
    else if (typeof body !== 'object' || Array.isArray(body)) throw new AppError('bad_request', 'Request body must be a JSON object')
    else base = body as Record<string, unknown>
  }
  return { ...base, ...req.params }
}

/** REST routes for every endpoint in the contract; nothing is routed by hand. Mount at /api, behind `identify`. */
export function restRouter(target: DispatchTarget): Router {
  const router = Router()
  for (const [name, ep] of Object.entries(endpoints) as [EndpointName, (typeof endpoints)[EndpointName]][]) {
    const method = ep.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete'
    router[method](ep.path.replace(/^\/api/, ''), async (req, res) => {
      const data = await dispatch(target, name, rawInput(req, ep.method), contextOf(res))
      res.status(name.endsWith('.create') ? 201 : 200).json(data)
    })
  }
  // A path of the contract asked with another method: 405 and the methods it has.
  const patterns = Object.values(endpoints).map((ep) => ({
    method: ep.method,
    re: new RegExp(`^${ep.path.replace(/^\/api/, '').replace(/:[A-Za-z_]\w*/g, '[^/]+')}/?$`, 'i')
  }))
  router.use((req, res, next) => {
    const allow: string[] = [...new Set(patterns.filter((p) => p.re.test(req.path)).map((p) => p.method))]
    if (allow.length && !allow.includes(req.method)) {
      res.setHeader('Allow', allow.join(', '))
      return next(new AppError('method_not_allowed', `${req.method} is not allowed on ${req.baseUrl}${req.path}: use ${allow.join(' or ')}`))
    }
    next(new AppError('not_found', `No API route ${req.method} ${req.baseUrl}${req.path}`))
  })
  return router
}
