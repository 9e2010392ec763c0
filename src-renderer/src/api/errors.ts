import { errorStatus, wireError, type ErrorCode, type WireError } from '@contract/errors'
import type { ErrorParams, FieldError } from '@contract/messages'
import i18next, { type TFunction } from 'i18next'

export interface FieldIssue {
  path: string
  message: string
}

/** The translatable part of an error: its message code and params, and its wrong fields (contract/messages.ts). */
export interface ErrorInfo {
  reason?: string
  params?: ErrorParams
  fields?: FieldError[]
}

/** Every failed call, whatever the transport: the server's code and message, and the HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number = errorStatus[code] ?? 500,
    readonly details?: unknown,
    readonly info: ErrorInfo = {}
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

  /** The wrong fields with their codes; an older server's `details.issues` count as uncoded. */
  get fields(): FieldError[] {
    return this.info.fields ?? this.issues.map((i) => ({ path: i.path, code: '', message: i.message }))
  }
}

/** An ApiError from the `error` object of the JSON error shape (HTTP body, IPC reply). */
export function fromWire(e: WireError, status?: number): ApiError {
  const info: ErrorInfo = { ...(e.reason && { reason: e.reason }), ...(e.params && { params: e.params }), ...(e.fields && { fields: e.fields }) }
  return new ApiError(e.code, e.message, status, e.details, info)
}

/** An ApiError from the server's error (contract/rest-request.ts `restAnswer`), or from the bare status when the body was not ours. */
export function apiErrorOf(e: WireError | undefined, status: number): ApiError {
  if (e) return fromWire(e, status)
  const code = (Object.entries(errorStatus).find(([, s]) => s === status)?.[0] as ErrorCode | undefined) ?? 'internal'
  return new ApiError(code, `HTTP ${status}`, status)
}

/** Builds an ApiError from an `{error:{code,message,details}}` body, or from the bare status when the body is not ours. */
export const apiErrorFrom = (body: unknown, status: number): ApiError => apiErrorOf(wireError(body), status)

/** The server could not be asked at all (network, server down). */
export const unreachableError = (detail: string) =>
  new ApiError('internal', `Cannot reach the server: ${detail}`, 0, undefined, { reason: 'server_unreachable', params: { detail } })

export const toApiError = (err: unknown): ApiError =>
  err instanceof ApiError ? err : new ApiError('internal', err instanceof Error ? err.message : String(err), 0)

// ---------- saying it in the user's language ----------

/** The translation keys of a code, most specific first: `too_small_string`, then `too_small`. */
function keysOf(code: string, params: ErrorParams | undefined): string[] {
  const variant = params?.origin ?? params?.format ?? params?.expected
  const base = `errors.reason.${code}`
  return variant === undefined ? [base] : [`${base}_${String(variant)}`, base]
}

const has = (keys: string[]) => keys.some((k) => i18next.exists(k))

/** One wrong field in the user's language; its English message when the code has no translation. */
export function translateField(field: FieldError, t: TFunction = i18next.t): string {
  const keys = keysOf(field.code, field.params)
  return field.code && has(keys) ? t(keys, { ...field.params }) : field.message
}

/** A message sent as a value (a provider test's result): its code translated, else its English words. */
export function translateMessage(m: { reason?: string; params?: ErrorParams; message: string }, t: TFunction = i18next.t): string {
  const keys = m.reason ? keysOf(m.reason, m.params) : []
  return keys.length && has(keys) ? t(keys, { ...m.params }) : m.message
}

/** Field labels for "where" in a message that has no form to point at (`allowedOrigins.0` → 允许的来源). */
function where(path: string, t: TFunction): string {
  const parts = path.split('.').filter((p) => !/^\d+$/.test(p))
  const key = [`errors.field.${parts.join('_')}`, `errors.field.${parts[0]}`].find((k) => i18next.exists(k))
  return key ? t(key) : path
}

/** Wrong fields as one line: "允许的来源：必须是网站来源…；名称：不能为空". */
export function translateFields(fields: FieldError[], t: TFunction = i18next.t): string {
  return fields.map((f) => (f.path ? `${where(f.path, t)}: ${translateField(f, t)}` : translateField(f, t))).join(t('errors.separator'))
}

/**
 * The one place server messages become words: the message code and params in the user's
 * language (`errors.reason.*`); a validation failure lists its fields; an error without a code
 * is said by its kind (`errors.code.*`) with the server's English words after it.
 */
export function translateError(err: unknown, t: TFunction = i18next.t): string {
  const e = toApiError(err)
  const fields = e.fields
  if (e.code === 'validation_failed' && fields.length && fields.some((f) => f.code)) return t('errors.invalid', { fields: translateFields(fields, t) })
  const { reason, params } = e.info
  if (reason) {
    const keys = keysOf(reason, params)
    if (has(keys)) return t(keys, { ...params })
  }
  // Not a server answer (a thrown Error in the studio itself): its own words.
  if (e.status === 0 && !reason) return e.message
  const kind = `errors.code.${e.code}`
  return i18next.exists(kind) && i18next.language !== 'en' ? t('errors.withDetail', { kind: t(kind), detail: e.message }) : e.message
}
