import { endpoints, isEndpointName, type ApiHandlers, type EndpointName } from '../contract/api'
import { AppError, toAppError, validationError } from '../contract/errors'
import { authorize, type Owners } from './access'
import type { RequestContext } from './context'

/** What dispatch needs from the core: the handlers, whose things are whose, and the audit log. */
export interface DispatchTarget {
  handlers: ApiHandlers<RequestContext>
  owners: Owners
  /** Called after a call succeeded (the audit log records the changes it cares about). */
  afterCall?(ctx: RequestContext, name: EndpointName, input: unknown, output: unknown): Promise<void>
}

/**
 * The one door into the core for every transport (REST, IPC, the MCP endpoint): checks that the
 * caller may make the call (the endpoint's `access`, contract/access.ts), checks the input against
 * the contract, runs the handler with the request context, and checks what it returns, so a core
 * bug surfaces as a 500 here rather than as a malformed answer in a client.
 */
export async function dispatch(target: DispatchTarget, name: string, rawInput: unknown, ctx: RequestContext): Promise<unknown> {
  if (!isEndpointName(name)) throw new AppError('not_found', `Unknown API method ${name}`)
  const endpoint = endpoints[name]
  const allowed = await authorize(name, endpoint.method, endpoint.access, rawInput ?? {}, ctx, target.owners)
  const parsed = endpoint.input.safeParse(allowed)
  if (!parsed.success) throw validationError(parsed.error)
  const handler = target.handlers[name] as (input: unknown, ctx: RequestContext) => Promise<unknown>
  const result = await handler(parsed.data, ctx)
  const checked = endpoint.output.safeParse(result)
  if (!checked.success) {
    ctx.log.error({ endpoint: name, issues: checked.error.issues }, 'handler returned data outside its contract')
    throw new AppError('internal', `Internal error in ${name}`)
  }
  if (target.afterCall) await target.afterCall(ctx, name, parsed.data, checked.data)
  return checked.data
}

/** Runs dispatch and folds any failure into a wire-safe AppError (never a stack trace). */
export async function dispatchSafe(
  target: DispatchTarget,
  name: string,
  rawInput: unknown,
  ctx: RequestContext
): Promise<{ ok: true; data: unknown } | { ok: false; error: AppError }> {
  try {
    return { ok: true, data: await dispatch(target, name, rawInput, ctx) }
  } catch (err) {
    const appErr = toAppError(err)
    if (appErr.code === 'internal' && !(err instanceof AppError)) ctx.log.error({ err, endpoint: name }, 'handler failed')
    return { ok: false, error: appErr }
  }
}

export type { EndpointName }
