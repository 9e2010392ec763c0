import type { CellValue } from 'exceljs'
import { ToolError } from '../shared/results.js'

// Excel's own limits, so a range we accept is one Excel can open.
const maxColumn = 16_384
const maxRow = 1_048_576

export interface CellAddress {
  row: number
  column: number
}

export interface CellRange {
  top: number
  left: number
  bottom: number
  right: number
}

export function columnNumber(letters: string): number {
  let n = 0
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64)
  return n
}

export function columnLetters(column: number): string {
  let letters = ''
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters
  return letters
}

export function parseCell(text: string): CellAddress {
  const match = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/.exec(text.trim())
  const address = match && { column: columnNumber(match[1]), row: Number(match[2]) }
  if (!address || address.row < 1 || address.row > maxRow || address.column > maxColumn) {
    throw new ToolError(`"${text}" is not a cell address: use A1 notation, e.g. "B3"`)
  }
  return address
}

/** "A1:C3", "B2" (one cell) or "C3:A1" (normalised). */
export function parseRange(text: string): CellRange {
  const [first, second, ...rest] = text.split(':')
  if (rest.length > 0) throw new ToolError(`"${text}" is not a range: use A1 notation, e.g. "A1:C10"`)
  const a = parseCell(first)
  const b = second === undefined ? a : parseCell(second)
  return {
    top: Math.min(a.row, b.row),
    left: Math.min(a.column, b.column),
    bottom: Math.max(a.row, b.row),
    right: Math.max(a.column, b.column)
  }
}

export function formatRange(range: CellRange): string {
  const start = `${columnLetters(range.left)}${range.top}`
  const end = `${columnLetters(range.right)}${range.bottom}`
  return start === end ? start : `${start}:${end}`
}

export function rangeFromValues(start: CellAddress, rows: unknown[][]): CellRange {
  const width = Math.max(1, ...rows.map((r) => r.length))
  const range = { top: start.row, left: start.column, bottom: start.row + Math.max(rows.length, 1) - 1, right: start.column + width - 1 }
  if (range.bottom > maxRow || range.right > maxColumn) throw new ToolError('The values do not fit on a sheet from that start cell')
  return range
}

export type InputValue = string | number | boolean | null

/** A leading "=" makes a formula, as when typing into Excel. */
export function toCellValue(value: InputValue): CellValue {
  if (typeof value === 'string' && value.startsWith('=') && value.length > 1) return { formula: value.slice(1) }
  return value
}

export type OutputValue = string | number | boolean | null | { formula: string; result: string | number | boolean | null }

/** exceljs' many cell shapes flattened into JSON a model can read; formulas keep their text. */
export function fromCellValue(value: CellValue): OutputValue {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value.toISOString()
  if (typeof value !== 'object') return value
  if ('formula' in value || 'sharedFormula' in value) {
    const formula = 'formula' in value ? value.formula : value.sharedFormula
    const result = value.result
    const plain = result === undefined ? null : typeof result === 'object' ? fromCellValue(result as CellValue) : result
    return { formula: `=${formula}`, result: plain === null || typeof plain !== 'object' ? plain : plain.result }
  }
  if ('richText' in value) return value.richText.map((part) => part.text).join('')
  if ('hyperlink' in value) return typeof value.text === 'string' ? value.text : value.hyperlink
  if ('error' in value) return value.error
  return JSON.stringify(value)
}

/** For CSV: a formula shows its last computed result, or its text when it was never computed. */
export function displayValue(value: CellValue): string | number | boolean | null {
  const plain = fromCellValue(value)
  if (plain !== null && typeof plain === 'object') return plain.result ?? plain.formula
  return plain
}
