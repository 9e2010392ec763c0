import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { AppError } from '../../../contract/errors'
import type { DocumentRow } from '../../../store/repos/documents'
import { parseDocument, type ParsedDocument } from '../parse'
import { cannotRead, unreadable } from '../parse/errors'

export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex')
/** A database row's or API item's identity of content: its title and text. */
export const itemHash = (name: string, body: string) => sha256(`${name}\u0000${body}`)

export interface ReadContent {
  hash: string
  bytes: number
  mtimeMs: number | null
  /** Parsed lazily: an unchanged document is never parsed. */
  parse(): Promise<ParsedDocument>
}

/**
 * Reads what a document is made of: the file (a path on disk, or an upload kept in the data
 * folder) or the text of a database row / API item kept in the row. One file at a time is held.
 */
export async function readContent(doc: Pick<DocumentRow, 'source_type' | 'source' | 'name' | 'body'>, maxBytes: number): Promise<ReadContent> {
  if (doc.source_type === 'database' || doc.source_type === 'api') {
    const text = doc.body ?? ''
    return {
      hash: itemHash(doc.name, text),
      bytes: Buffer.byteLength(text),
      mtimeMs: null,
      parse: async () => itemDocument(doc.name, text)
    }
  }
  let info
  try {
    info = await stat(doc.source)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT')
      throw new AppError('not_found', `Cannot read ${doc.name}: the file is gone`, undefined, { reason: 'doc_gone', params: { name: doc.name } })
    throw unreadable(doc.name, err)
  }
  if (!info.isFile()) throw cannotRead(doc.name, 'not a file', { code: 'doc_not_file' })
  if (info.size > maxBytes)
    throw cannotRead(doc.name, `${mb(info.size)} is over the ${mb(maxBytes)} limit per file`, {
      code: 'doc_too_large',
      params: { size: mb(info.size), limit: mb(maxBytes) }
    })
  const buffer = await readFile(doc.source)
  return {
    hash: sha256(buffer),
    bytes: buffer.length,
    mtimeMs: Math.floor(info.mtimeMs),
    parse: () => parseDocument({ buffer, fileName: doc.name })
  }
}

/** A database row or API item: its title becomes the heading, so it is searchable and shown with hits. */
export function itemDocument(title: string, text: string): ParsedDocument {
  if (!text.trim()) throw cannotRead(title, 'no text in the chosen columns or fields', { code: 'doc_item_no_text' })
  return { title, sections: [{ text, headingPath: [title] }], charCount: text.length }
}

export const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(bytes < 10_485_760 ? 1 : 0)} MB`
