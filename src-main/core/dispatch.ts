import { endpoints, isEndpointName, type ApiHandlers, type EndpointName } from '../contract/api'
import { AppError, toAppError, validationError } from '../contract/errors'
import { log } from '../base/log'

/**
 * The one door into the core for every transport (REST, IPC): checks the input against the
 * contract, runs the handler, and checks what it returns, so a core bug surfaces as a 500 here
 * rather than as a malformed answer in a client.
 */
export async function dispatch(handlers: ApiHandlers, name: string, rawInput: unknown): Promise<unknown> {
  if (!isEndpointName(name)) throw new AppError('not_found', `Unknown API method ${name}`)
  const endpoint = endpoints[name]
  const parsed = endpoint.input.safeParse(rawInput ?? {})
  if (!parsed.success) throw validationError(parsed.error)
  const handler = handlers[name] as (input: unknown) => Promise<unknown>
  const result = await handler(parsed.data)
  const checked = endpoint.output.safeParse(result)
  if (!checked.success) {
    log.error({ endpoint: name, issues: checked.error.issues }, 'handler returned data outside its contract')
    throw new AppError('internal', `Internal error in ${name}`)
  }
  return checked.data
}

/** Runs dispatch and folds any failure into a wire-safe AppError (never a stack trace). */
export async function dispatchSafe(
  handlers: ApiHandlers,
  name: string,
  rawInput: unknown
): Promise<{ ok: true; data: unknown } | { ok: false; error: AppError }> {
  try {
    return { ok: true, data: await dispatch(handlers, name, rawInput) }
  } catch (err) {
    const appErr = toAppError(err)
    if (appErr.code === 'internal' && !(err instanceof AppError)) log.error({ err, endpoint: name }, 'handler failed')
    return { ok: false, error: appErr }
  }
}

export type { EndpointName }
