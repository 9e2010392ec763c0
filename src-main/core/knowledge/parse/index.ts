import { readFile } from 'node:fs/promises'
import type { DocumentFormat, FormatParser, ParseInput, ParsedDocument } from './types'
import { cannotRead, unreadable, type Said } from './errors'
import { detectFormat, extensionOf, supportedExtensions } from './formats'
import { parseTxt } from './txt'
import { parseMarkdown } from './markdown'
import { parseHtml } from './html'
import { parsePdf } from './pdf'
import { parseDocx } from './docx'
import { parseSpreadsheet } from './spreadsheet'
import { parseCsv } from './csv'
import { parseJson } from './json'
import { AppError } from '../../../contract/errors'

export type { DocumentFormat, ParseInput, ParsedDocument, Section } from './types'
export { detectFormat, supportedExtensions } from './formats'

const PARSERS: Record<DocumentFormat, FormatParser> = {
  txt: parseTxt,
  md: parseMarkdown,
  html: parseHtml,
  pdf: parsePdf,
  docx: parseDocx,
  spreadsheet: parseSpreadsheet,
  csv: parseCsv,
  json: parseJson
}

/** Formats people commonly try that we deliberately do not read, with what to do instead. */
const HINTS: Record<string, [string, Said]> = {
  doc: ['legacy Word .doc files are not supported; save it as .docx', { code: 'doc_legacy_word' }],
  ppt: ['PowerPoint files are not supported; export it as PDF', { code: 'doc_powerpoint' }],
  pptx: ['PowerPoint files are not supported; export it as PDF', { code: 'doc_powerpoint' }]
}

/**
 * Reads a document into sections of plain text with their heading path and page.
 * Throws AppError('validation_failed', 'Cannot read <file>: <reason>') for unsupported, corrupt
 * or empty files, so a queue can show the reason and go on with the next file.
 */
export async function parseDocument(input: ParseInput): Promise<ParsedDocument> {
  const { fileName } = input
  const format = detectFormat(fileName, input.mimeType)
  if (!format) {
    const ext = extensionOf(fileName)
    const supported = supportedExtensions.join(' ')
    const [reason, said] = HINTS[ext] ?? [
      `unsupported file type${ext ? ` .${ext}` : ''} (supported: ${supported})`,
      { code: 'doc_unsupported', params: { ext, supported } }
    ]
    throw cannotRead(fileName, reason, said)
  }
  const buffer = input.buffer ?? (await readInput(input))
  if (buffer.length === 0) throw cannotRead(fileName, 'the file is empty', { code: 'doc_empty' })

  let parsed: Omit<ParsedDocument, 'charCount'>
  try {
    parsed = await PARSERS[format](buffer, fileName)
  } catch (err) {
    if (err instanceof AppError) throw err
    throw unreadable(fileName, err)
  }
  const sections = parsed.sections.filter((s) => s.text.trim() !== '')
  const charCount = sections.reduce((sum, s) => sum + s.text.length, 0)
  if (charCount === 0) {
    if (format === 'pdf') throw cannotRead(fileName, 'no text found (a scanned PDF needs OCR, which is not supported)', { code: 'doc_pdf_no_text' })
    throw cannotRead(fileName, 'no text found', { code: 'doc_no_text' })
  }
  return { ...(parsed.title ? { title: parsed.title } : {}), sections, charCount }
}

async function readInput(input: ParseInput): Promise<Buffer> {
  if (!input.path) throw new AppError('bad_request', `Cannot read ${input.fileName}: neither a path nor a buffer was given`)
  try {
    return await readFile(input.path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT')
      throw new AppError('not_found', `Cannot read ${input.fileName}: file not found`, undefined, { reason: 'doc_gone', params: { name: input.fileName } })
    throw unreadable(input.fileName, err)
  }
}
