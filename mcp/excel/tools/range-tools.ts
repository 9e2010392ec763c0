import { z } from 'zod'
import { guarded, jsonResult, ToolError } from '../../shared/results.js'
import { formatRange, fromCellValue, parseCell, parseRange, rangeFromValues, toCellValue, type CellRange } from '../cells.js'
import { cellValue, fileName, optionalSheet } from '../fields.js'
import { getOrAddSheet, getSheet, readWorkbook, updateWorkbook, type Worksheet } from '../workbooks.js'
import { readOnly, writes, type ExcelTools } from './context.js'

const maxFormatCells = 100_000

function usedRange(sheet: Worksheet): CellRange | undefined {
  if (sheet.actualRowCount === 0) return undefined
  const { top, left, bottom, right } = sheet.dimensions
  return { top, left, bottom, right }
}

const colour = z.string().regex(/^#?[0-9a-fA-F]{6}$/, 'Colours are hex RGB like "#FFCC00"')

/** exceljs wants opaque ARGB. */
function argb(hex: string): string {
  return `FF${hex.replace('#', '').toUpperCase()}`
}

export function registerRangeTools({ server, folder, maxReadCells }: ExcelTools): void {
  server.registerTool(
    'read_range',
    {
      title: 'Read range',
      description: 'Read cell values from a sheet as rows. Formulas come back as {formula, result}. Without a range, reads the used part of the sheet.',
      inputSchema: {
        fileName,
        sheetName: optionalSheet,
        range: z.string().optional().describe('A1 range such as "A1:D20"; default: the used range')
      },
      annotations: readOnly
    },
    guarded(async (input) => {
      const { file, workbook } = await readWorkbook(folder, input.fileName)
      const sheet = getSheet(workbook, input.sheetName)
      const range = input.range ? parseRange(input.range) : usedRange(sheet)
      if (!range) return jsonResult({ file: file.name, sheet: sheet.name, range: null, values: [] })
      const width = range.right - range.left + 1
      if (width > maxReadCells) throw new ToolError(`The range is ${width} columns wide; read at most ${maxReadCells} columns at once`)
      const shown = { ...range, bottom: Math.min(range.bottom, range.top + Math.floor(maxReadCells / width) - 1) }
      const values = []
      for (let row = shown.top; row <= shown.bottom; row++) {
        const cells = []
        for (let column = shown.left; column <= shown.right; column++) cells.push(fromCellValue(sheet.getCell(row, column).value))
        values.push(cells)
      }
      return jsonResult({
        file: file.name,
        sheet: sheet.name,
        range: formatRange(shown),
        values,
        ...(shown.bottom < range.bottom ? { truncated: `Showing ${formatRange(shown)} of ${formatRange(range)}; read the rest with a narrower range` } : {})
      })
    })
  )

  server.registerTool(
    'write_range',
    {
      title: 'Write range',
      description:
        'Write rows of values into a sheet starting at a cell. A string starting with "=" is a formula (e.g. "=SUM(B2:B4)"). Creates the workbook and the sheet when missing. Returns the download link.',
      inputSchema: {
        fileName,
        sheetName: optionalSheet,
        startCell: z.string().optional().describe('Top-left cell, default "A1"'),
        values: z.array(z.array(cellValue)).min(1).describe('Rows of cells: [["Name","Qty"],["Pen",3],["Total","=SUM(B2:B2)"]]')
      },
      annotations: writes
    },
    guarded(async (input) => {
      const start = parseCell(input.startCell ?? 'A1')
      const range = rangeFromValues(start, input.values)
      let formulas = 0
      const {
        file,
        result: sheet,
        created
      } = await updateWorkbook(
        folder,
        input.fileName,
        (workbook) => {
          const sheet = getOrAddSheet(workbook, input.sheetName)
          input.values.forEach((row, r) =>
            row.forEach((value, c) => {
              const cell = toCellValue(value)
              if (cell !== null && typeof cell === 'object') formulas++
              sheet.getCell(start.row + r, start.column + c).value = cell
            })
          )
          return sheet.name
        },
        'create'
      )
      return jsonResult({
        file: file.name,
        sheet,
        range: formatRange(range),
        cells: input.values.reduce((n, row) => n + row.length, 0),
        formulas,
        created,
        link: folder.link(file.name)
      })
    })
  )

  server.registerTool(
    'format_range',
    {
      title: 'Format range',
      description:
        'Format cells: bold/italic, font and fill colour, number format (e.g. "#,##0.00", "0%", "yyyy-mm-dd"), alignment, and the width of the range’s columns.',
      inputSchema: {
        fileName,
        sheetName: optionalSheet,
        range: z.string().describe('A1 range such as "A1:D1"'),
        bold: z.boolean().optional(),
        italic: z.boolean().optional(),
        fontColor: colour.optional().describe('Hex RGB, e.g. "#C00000"'),
        fillColor: colour.optional().describe('Background, hex RGB, e.g. "#FFFF00"'),
        numberFormat: z.string().max(100).optional().describe('Excel number format code'),
        horizontalAlignment: z.enum(['left', 'center', 'right']).optional(),
        wrapText: z.boolean().optional(),
        columnWidth: z.number().min(0).max(255).optional().describe('Width in characters for every column of the range')
      },
      annotations: writes
    },
    guarded(async (input) => {
      const { range: rangeText, fileName: name, sheetName, columnWidth, ...style } = input
      const range = parseRange(rangeText)
      const styled = Object.values(style).some((v) => v !== undefined)
      if (!styled && columnWidth === undefined) throw new ToolError('Nothing to format: give at least one formatting option')
      const cells = (range.bottom - range.top + 1) * (range.right - range.left + 1)
      if (styled && cells > maxFormatCells) throw new ToolError(`Format at most ${maxFormatCells} cells at once (this range has ${cells})`)

      const { file } = await updateWorkbook(folder, name, (workbook) => {
        const sheet = getSheet(workbook, sheetName)
        if (columnWidth !== undefined) {
          for (let column = range.left; column <= range.right; column++) sheet.getColumn(column).width = columnWidth
        }
        if (!styled) return
        for (let row = range.top; row <= range.bottom; row++) {
          for (let column = range.left; column <= range.right; column++) {
            const cell = sheet.getCell(row, column)
            // Merge into the existing font and alignment so bolding keeps an earlier colour.
            if (style.bold !== undefined || style.italic !== undefined || style.fontColor) {
              cell.font = {
                ...cell.font,
                ...(style.bold !== undefined ? { bold: style.bold } : {}),
                ...(style.italic !== undefined ? { italic: style.italic } : {}),
                ...(style.fontColor ? { color: { argb: argb(style.fontColor) } } : {})
              }
            }
            if (style.fillColor) cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: argb(style.fillColor) } }
            if (style.numberFormat) cell.numFmt = style.numberFormat
            if (style.horizontalAlignment || style.wrapText !== undefined) {
              cell.alignment = {
                ...cell.alignment,
                ...(style.horizontalAlignment ? { horizontal: style.horizontalAlignment } : {}),
                ...(style.wrapText !== undefined ? { wrapText: style.wrapText } : {})
              }
            }
          }
        }
      })
      return jsonResult({ file: file.name, formatted: formatRange(range), link: folder.link(file.name) })
    })
  )
}
