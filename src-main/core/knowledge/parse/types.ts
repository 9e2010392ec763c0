/** One run of text under one heading path (and, for paged formats, on one page). */
export interface Section {
  text: string
  /** Outermost heading first; [] before the first heading or in formats without headings. */
  headingPath: string[]
  /** 1-based; only for paged formats (PDF). */
  page?: number
}

export interface ParsedDocument {
  title?: string
  sections: Section[]
  /** Sum of the sections' text lengths (UTF-16 code units, like String.length). */
  charCount: number
}

export interface ParseInput {
  /** Read from disk when no buffer is given. */
  path?: string
  /** Wins over path, so a caller that already holds the bytes never causes a second read. */
  buffer?: Buffer
  /** Used for the format (by extension) and in error messages. */
  fileName: string
  mimeType?: string
}

export type DocumentFormat = 'txt' | 'md' | 'html' | 'pdf' | 'docx' | 'spreadsheet' | 'csv' | 'json'

/** What every format module implements: bytes in, sections out (title optional). */
export type FormatParser = (buffer: Buffer, fileName: string) => Promise<Omit<ParsedDocument, 'charCount'>>
