import type { z } from 'zod'
import { AppError, validationError } from '../../contract/errors'

/** A JSON body checked against its schema: 400 when it is not an object, 422 naming each bad field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError('bad_request', `The body of ${what} must be a JSON object (Content-Type: application/json)`)
  }
  const parsed = schema.safeParse(body)
  if (!parsed.success) throw validationError(parsed.error, what)
  return parsed.data
}
