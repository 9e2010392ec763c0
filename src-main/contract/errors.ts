import { z } from 'zod'
import { ErrorParams, FieldError, fieldsFromIssues, type MessageCode } from './messages'

/** Every error that crosses a boundary (HTTP, IPC, socket) has one of these codes. */
export const errorStatus = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  headers_too_large: 431,
  too_many_requests: 429,
  upstream_error: 502,
  unavailable: 503,
  internal: 500
} as const

export type ErrorCode = keyof typeof errorStatus

export const ErrorBody = z.object({
  error: z.object({
    code: z.enum(Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    details: z.unknown().optional(),
    /** Which message this is, stable across versions and languages (contract/messages.ts), with its params. */
    reason: z.string().optional(),
    params: ErrorParams.optional(),
    /** A request's wrong fields, each with its own code and params (validation failures). */
    fields: z.array(FieldError).optional()
  })
})
export type ErrorBody = z.infer<typeof ErrorBody>
/** The `error` of the JSON error shape. */
export type WireError = ErrorBody['error']

/** The server's error when a body is in the JSON error shape, else undefined (a proxy's page, someone else's JSON). */
export function wireError(body: unknown): WireError | undefined {
  const parsed = ErrorBody.safeParse(body)
  return parsed.success ? parsed.data.error : undefined
}

/** What a person is told, as a code and params, beside the English message (see contract/messages.ts). */
export interface ErrorInfo {
  reason?: MessageCode
  params?: ErrorParams
  fields?: FieldError[]
}

/** Thrown by the core; hosts turn it into their wire form (HTTP status + ErrorBody, IPC reply). */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly info: ErrorInfo = {}
  ) {
    super(message)
    this.name = 'AppError'
  }
  get status(): number {
    return errorStatus[this.code]
  }
  toBody(): ErrorBody {
    const { reason, params, fields } = this.info
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
        ...(reason && { reason }),
        ...(params && { params }),
        ...(fields?.length && { fields })
      }
    }
  }
}

/** A 422 for wrong fields: `details.issues` (path + message) for older clients, `fields` with codes. */
export function fieldsError(fields: FieldError[], what = 'request', namePaths = true): AppError {
  const issues = fields.map((f) => ({ path: f.path, message: f.message }))
  const text = issues.map((i) => (i.path && namePaths ? `${i.path}: ${i.message}` : i.message)).join('; ')
  return new AppError('validation_failed', `Invalid ${what}: ${text}`, { issues }, { reason: 'invalid_request', fields })
}

/** One wrong field said by the core (`schedule.expression`, code `cron_out_of_range`, its params). */
export const fieldError = (path: string, code: MessageCode, params: ErrorParams | undefined, message: string, what?: string, namePaths?: boolean): AppError =>
  fieldsError([{ path, code, ...(params && { params }), message }], what, namePaths)

/** Turns a zod failure into a user-readable AppError ("name: Too small…; baseUrl: Invalid URL"). */
export function validationError(err: z.ZodError, what = 'request'): AppError {
  return fieldsError(fieldsFromIssues(err.issues), what)
}

/** mysql2's codes for a connection the server dropped or refused (socket errors come with `fatal: true`). */
const DATABASE_OUTAGE_CODES = new Set(['PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_SERVER_SHUTDOWN', 'ER_CON_COUNT_ERROR'])

/**
 * Which engine a failure says is away (the database or Redis), by the shape its client gives the
 * error; undefined for anything else. A team server's processes keep running through an engine's
 * restart and answer 503 meanwhile, rather than 500 (a bug) or a hang.
 */
export function engineOutage(err: unknown): 'database' | 'redis' | undefined {
  if (!err || typeof err !== 'object') return undefined
  const e = err as { name?: string; code?: unknown; message?: unknown; fatal?: unknown }
  const message = typeof e.message === 'string' ? e.message : ''
  // ioredis: commands fail after their retries, or at once on a connection it has given up on.
  if (e.name === 'MaxRetriesPerRequestError' || /^Connection is closed\.?$|Stream isn't writeable/.test(message)) return 'redis'
  // mysql2: a socket error is `fatal` (with its errno code); a dead pooled connection says so in words.
  if (e.fatal === true || (typeof e.code === 'string' && DATABASE_OUTAGE_CODES.has(e.code)) || /connection is in closed state|Pool is closed/i.test(message))
    return 'database'
  return undefined
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err
  if (err instanceof z.ZodError) return validationError(err)
  const engine = engineOutage(err)
  if (engine)
    return new AppError('unavailable', `The ${engine === 'redis' ? 'coordination service (Redis)' : 'database'} is not answering; try again in a moment`, {
      engine
    })
  return new AppError('internal', 'Internal error')
}
