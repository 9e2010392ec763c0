import { AppError } from '../../../contract/errors'
import type { ErrorParams, MessageCode } from '../../../contract/messages'

/** What a reason is as a message code (contract/messages.ts); the file's name is added as `name`. */
export interface Said {
  code: MessageCode
  params?: ErrorParams
}

/**
 * The one error shape for a file we cannot turn into text; the ingestion queue keeps the message
 * as the document's error and the code + params so the studio says it in the user's language.
 */
export function cannotRead(fileName: string, reason: string, said: Said, cause?: unknown): AppError {
  const err = new AppError('validation_failed', `Cannot read ${fileName}: ${reason}`, undefined, {
    reason: said.code,
    params: { name: fileName, ...said.params }
  })
  if (cause !== undefined) (err as Error & { cause?: unknown }).cause = cause
  return err
}

/** A library's own words for what is wrong with a file, said as "cannot read it: <detail>". */
export const unreadable = (fileName: string, err: unknown): AppError =>
  cannotRead(fileName, reasonOf(err), { code: 'doc_unreadable', params: { detail: reasonOf(err) } }, err)

/** A file that is not what its type says (`format`: PDF, DOCX, JSON, XLSX…), with the library's words. */
export const corrupt = (fileName: string, format: string, reason: string, err: unknown): AppError =>
  cannotRead(fileName, reason, { code: 'doc_corrupt', params: { format, detail: reasonOf(err) } }, err)

/** Library errors are often bare ("Invalid PDF structure.", "End of data reached"): keep their text, drop stack noise. */
export function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  return message.trim().replace(/\s+/g, ' ').slice(0, 300) || 'unknown error'
}
