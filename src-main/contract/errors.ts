import { z } from 'zod'

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
  internal: 500
} as const

export type ErrorCode = keyof typeof errorStatus

export const ErrorBody = z.object({
  error: z.object({
    code: z.enum(Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    details: z.unknown().optional()
  })
})
export type ErrorBody = z.infer<typeof ErrorBody>

/** Thrown by the core; hosts turn it into their wire form (HTTP status + ErrorBody, IPC reply). */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown
  ) {
    super(message)
    this.name = 'AppError'
  }
  get status(): number {
    return errorStatus[this.code]
  }
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } }
  }
}

/** Turns a zod failure into a user-readable AppError ("name: Too small…; baseUrl: Invalid URL"). */
export function validationError(err: z.ZodError, what = 'request'): AppError {
  const issues = err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
  const text = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')
  return new AppError('validation_failed', `Invalid ${what}: ${text}`, { issues })
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err
  if (err instanceof z.ZodError) return validationError(err)
  return new AppError('internal', 'Internal error')
}
