import { AppError } from '../../../contract/errors'

/** The one error shape for a file we cannot turn into text; the ingestion queue shows the message as the reason. */
export function cannotRead(fileName: string, reason: string, cause?: unknown): AppError {
  const err = new AppError('validation_failed', `Cannot read ${fileName}: ${reason}`)
  if (cause !== undefined) (err as Error & { cause?: unknown }).cause = cause
  return err
}

/** Library errors are often bare ("Invalid PDF structure.", "End of data reached"): keep their text, drop stack noise. */
export function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  return message.trim().replace(/\s+/g, ' ').slice(0, 300) || 'unknown error'
}
