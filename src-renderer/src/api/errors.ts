import { errorStatus, type ErrorCode } from '@contract/errors'

export interface FieldIssue {
  path: string
  message: string
}

/** Every failed call, whatever the transport: the server's code and message, and the HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number = errorStatus[code] ?? 500,
    readonly details?: unknown
  ) {
    super(message)
    this.name = 'ApiError'
  }

  /** Field-level problems of a `validation_failed` answer (`details.issues`), else none. */
  get issues(): FieldIssue[] {
    const issues = (this.details as { issues?: unknown } | undefined)?.issues
    if (!Array.isArray(issues)) return []
    return issues.filter((i): i is FieldIssue => typeof i?.path === 'string' && typeof i?.message === 'string')
  }
}

const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && Object.prototype.hasOwnProperty.call(errorStatus, code)

/** Builds an ApiError from an `{error:{code,message,details}}` body, or from the bare status when the body is not ours. */
export function apiErrorFrom(body: unknown, status: number): ApiError {
  const e = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error
  if (e && isErrorCode(e.code) && typeof e.message === 'string') return new ApiError(e.code, e.message, status, e.details)
  const code = (Object.entries(errorStatus).find(([, s]) => s === status)?.[0] as ErrorCode | undefined) ?? 'internal'
  return new ApiError(code, `HTTP ${status}`, status)
}

export const toApiError = (err: unknown): ApiError =>
  err instanceof ApiError ? err : new ApiError('internal', err instanceof Error ? err.message : String(err), 0)
