import { AppError } from '../../../contract/errors'
import type { ParsedDocument } from '../parse/types'
import { overlapStart, splitRecursive, type Span } from './split'

export interface Chunk {
  /** 0-based position in the document. */
  index: number
  /** A verbatim slice of the document text (see documentText), trimmed of surrounding whitespace. */
  text: string
  headingPath: string[]
  page?: number
  /** Offset of `text` in documentText(doc). */
  charStart: number
}

export interface ChunkOptions {
  /** Maximum characters per chunk (UTF-16 code units, like String.length). */
  size: number
  /** Characters repeated from the end of the previous chunk of the same section; must be < size. */
  overlap: number
}

/** The text that Chunk.charStart points into: the sections' texts back to back, with no separator. */
export function documentText(doc: ParsedDocument): string {
  return doc.sections.map((s) => s.text).join('')
}

/**
 * Splits a parsed document into chunks of at most `size` characters, recursively by structure:
 * sections (headings, pages) are never mixed; inside a section the cuts fall on paragraphs, then
 * lines, sentences (English and Chinese punctuation), clauses, words, and only then characters.
 */
export function chunkDocument(doc: ParsedDocument, opts: ChunkOptions): Chunk[] {
  validate(opts)
  const chunks: Chunk[] = []
  let base = 0
  for (const section of doc.sections) {
    for (const span of chunkText(section.text, opts)) {
      chunks.push({
        index: chunks.length,
        text: section.text.slice(span.start, span.end),
        headingPath: [...section.headingPath],
        ...(section.page === undefined ? {} : { page: section.page }),
        charStart: base + span.start
      })
    }
    base += section.text.length
  }
  return chunks
}

function validate({ size, overlap }: ChunkOptions): void {
  if (!Number.isInteger(size) || size < 1) throw new AppError('validation_failed', `Chunk size must be a positive integer (got ${size})`)
  if (!Number.isInteger(overlap) || overlap < 0) {
    throw new AppError('validation_failed', `Chunk overlap must be a non-negative integer (got ${overlap})`)
  }
  if (overlap >= size) throw new AppError('validation_failed', `Chunk overlap must be smaller than chunk size (${overlap} ≥ ${size})`)
}

/** Spans of one section's text; each is at most `size` long and starts and ends on non-whitespace. */
export function chunkText(text: string, { size, overlap }: ChunkOptions): Span[] {
  // Pieces of at most size - overlap, so a piece plus a full overlap always fits in one chunk.
  const pieces = splitRecursive(text, { start: 0, end: text.length }, size - overlap)
  const spans: Span[] = []
  let i = 0
  let previous: Span | null = null
  let previousRawEnd = 0
  while (i < pieces.length) {
    while (i < pieces.length && isBlank(text, pieces[i])) i++
    if (i >= pieces.length) break
    let start: number = previous && overlap > 0 ? overlapStart(text, previous.start, previousRawEnd, overlap) : pieces[i].start
    // Skipped whitespace between the overlap and this piece could push it past size: give up overlap, not the limit.
    start = Math.max(start, pieces[i].end - size)
    let end = pieces[i].end
    i++
    while (i < pieces.length && pieces[i].end - start <= size) end = pieces[i++].end
    const trimmed = trim(text, { start, end })
    if (trimmed.end > trimmed.start) {
      spans.push(trimmed)
      previous = trimmed
      previousRawEnd = end
    }
  }
  return spans
}

function isBlank(text: string, span: Span): boolean {
  return text.slice(span.start, span.end).trim() === ''
}

function trim(text: string, span: Span): Span {
  let { start, end } = span
  while (start < end && /\s/.test(text[start])) start++
  while (end > start && /\s/.test(text[end - 1])) end--
  return { start, end }
}
