import { AppError } from '../contract/errors'

/** A duplicate key, in either dialect. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; errno?: number }
  return e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === 'ER_DUP_ENTRY' || e?.errno === 1062
}

/** Runs a write and turns a duplicate key into a 409 with the caller's wording. */
export async function uniqueOr409<T>(write: () => Promise<T>, message: string): Promise<T> {
  try {
    return await write()
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('conflict', message)
    throw err
  }
}

export const bool = (v: number | boolean | null | undefined): boolean => v === 1 || v === true
export const int = (v: boolean): number => (v ? 1 : 0)
/** mysql2 may hand back BIGINT as a string. */
export const num = (v: number | string | null): number => (v === null ? 0 : Number(v))
export function json<T>(text: string | null, fallback: T): T {
  if (text === null || text === '') return fallback
  try {
    return JSON.parse(text) as T
  } catch {
    return fallback
  }
}
