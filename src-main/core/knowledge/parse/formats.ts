import type { DocumentFormat } from './types'

const BY_EXTENSION: Record<string, DocumentFormat> = {
  txt: 'txt',
  text: 'txt',
  log: 'txt',
  md: 'md',
  markdown: 'md',
  mdx: 'md',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  pdf: 'pdf',
  docx: 'docx',
  xlsx: 'spreadsheet',
  xlsm: 'spreadsheet',
  xls: 'spreadsheet',
  ods: 'spreadsheet',
  csv: 'csv',
  tsv: 'csv',
  json: 'json',
  jsonl: 'json',
  ndjson: 'json'
}

const BY_MIME: Record<string, DocumentFormat> = {
  'text/plain': 'txt',
  'text/markdown': 'md',
  'text/x-markdown': 'md',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'spreadsheet',
  'application/vnd.ms-excel': 'spreadsheet',
  'application/vnd.oasis.opendocument.spreadsheet': 'spreadsheet',
  'text/csv': 'csv',
  'text/tab-separated-values': 'csv',
  'application/json': 'json',
  'application/x-ndjson': 'json'
}

/** File extensions parseDocument accepts (for upload filters and folder scans). */
export const supportedExtensions: readonly string[] = Object.keys(BY_EXTENSION).map((ext) => `.${ext}`)

export function extensionOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName
  const dot = base.lastIndexOf('.')
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : ''
}

/**
 * The extension decides when it is known: browsers and OSes send generic or wrong MIME types
 * (application/octet-stream, text/plain for .md) far more often than files carry wrong extensions.
 */
export function detectFormat(fileName: string, mimeType?: string): DocumentFormat | undefined {
  const byExt = BY_EXTENSION[extensionOf(fileName)]
  if (byExt) return byExt
  const mime = mimeType?.split(';')[0].trim().toLowerCase()
  return mime ? BY_MIME[mime] : undefined
}
