import Papa from 'papaparse'
import { ToolError } from '../shared/results.js'

export type CsvValue = string | number | boolean | null

/**
 * Only canonical numbers become numbers: "007" or "1e3" stay text, because in CSV they are usually
 * codes, and silently turning a product code into 7 cannot be undone.
 */
function typed(text: string): CsvValue {
  if (text === '') return null
  const number = Number(text)
  if (text.trim() === text && Number.isFinite(number) && String(number) === text) return number
  return text
}

export function parseCsv(text: string, delimiter?: string): CsvValue[][] {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), {
    delimiter: delimiter ?? '',
    skipEmptyLines: 'greedy'
  })
  const fatal = parsed.errors.find((e) => e.type === 'Quotes')
  if (fatal) throw new ToolError(`CSV is malformed at row ${(fatal.row ?? 0) + 1}: ${fatal.message}`)
  return parsed.data.map((row) => row.map(typed))
}

export function toCsv(rows: CsvValue[][], delimiter = ','): string {
  return Papa.unparse(
    rows.map((row) => row.map((v) => (v === null ? '' : v))),
    { delimiter, newline: '\r\n' }
  )
}
