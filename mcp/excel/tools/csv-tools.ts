import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { guarded, jsonResult, ToolError } from '../../shared/results.js'
import { displayValue, formatRange, parseCell, rangeFromValues } from '../cells.js'
import { parseCsv, toCsv } from '../csv.js'
import { fileName, optionalSheet } from '../fields.js'
import { clearValues, getOrAddSheet, getSheet, readWorkbook, updateWorkbook } from '../workbooks.js'
import { writes, type ExcelTools } from './context.js'

// CSV text longer than this is saved to the file but not echoed back into the conversation.
const maxInlineCsv = 20_000

const delimiter = z.string().length(1).optional().describe('Field delimiter; detected when omitted (",", ";", tab…)')

export function registerCsvTools({ server, folder }: ExcelTools): void {
  server.registerTool(
    'import_csv',
    {
      title: 'Import CSV',
      description:
        'Put CSV data into a sheet, replacing what the sheet held. Give the CSV text inline (csv) or the name of a .csv file in the data folder (csvFile). Creates the workbook and sheet when missing. Numbers become numbers; text such as "007" stays text.',
      inputSchema: {
        fileName,
        sheetName: optionalSheet,
        csv: z.string().optional().describe('CSV text'),
        csvFile: z.string().optional().describe('Name of a .csv file in the data folder'),
        delimiter,
        startCell: z.string().optional().describe('Top-left cell, default "A1"')
      },
      annotations: writes
    },
    guarded(async (input) => {
      if ((input.csv === undefined) === (input.csvFile === undefined)) {
        throw new ToolError('Give exactly one of csv (the text) or csvFile (a .csv file in the data folder)')
      }
      const text =
        input.csv ??
        (await readFile(folder.file(input.csvFile!, ['csv']).path, 'utf8').catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') throw new ToolError(`No CSV file "${input.csvFile}" in the data folder`)
          throw error
        }))
      const rows = parseCsv(text, input.delimiter)
      if (rows.length === 0) throw new ToolError('The CSV has no rows')
      const start = parseCell(input.startCell ?? 'A1')
      const range = rangeFromValues(start, rows)
      const { file, result: sheet } = await updateWorkbook(
        folder,
        input.fileName,
        (workbook) => {
          const sheet = getOrAddSheet(workbook, input.sheetName)
          // Replace, not overlay: stale rows below a shorter import would silently corrupt the data.
          clearValues(sheet)
          rows.forEach((row, r) => row.forEach((value, c) => (sheet.getCell(start.row + r, start.column + c).value = value)))
          return sheet.name
        },
        'create'
      )
      return jsonResult({ file: file.name, sheet, range: formatRange(range), rows: rows.length, link: folder.link(file.name) })
    })
  )

  server.registerTool(
    'export_csv',
    {
      title: 'Export CSV',
      description:
        'Save a sheet as a .csv file in the data folder (formulas as their computed values when known). Returns the CSV text when short, and the download link.',
      inputSchema: {
        fileName,
        sheetName: optionalSheet,
        csvFileName: z.string().optional().describe('Name of the .csv to write; default "<workbook>-<sheet>.csv"'),
        delimiter: z.string().length(1).optional().describe('Field delimiter, default ","')
      },
      annotations: writes
    },
    guarded(async (input) => {
      const { file, workbook } = await readWorkbook(folder, input.fileName)
      const sheet = getSheet(workbook, input.sheetName)
      const rows: ReturnType<typeof displayValue>[][] = []
      if (sheet.actualRowCount > 0) {
        const { bottom, right } = sheet.dimensions
        // Keep the sheet's own origin: leading empty rows and columns are part of its layout.
        for (let row = 1; row <= bottom; row++) {
          const cells = []
          for (let column = 1; column <= right; column++) cells.push(displayValue(sheet.getCell(row, column).value))
          rows.push(cells)
        }
      }
      const csv = toCsv(rows, input.delimiter)
      const defaultName = `${file.name.replace(/\.xlsx$/i, '')}-${sheet.name}.csv`.replace(/[/\\:*?"<>|]/g, '_')
      const target = folder.file(input.csvFileName ?? defaultName, ['csv'])
      // The BOM makes Excel read the file as UTF-8, so Chinese text does not turn into mojibake.
      await folder.locked(target.path, () => folder.writeAtomically(target.path, '\uFEFF' + csv))
      return jsonResult({
        file: target.name,
        sheet: sheet.name,
        rows: rows.length,
        link: folder.link(target.name),
        ...(csv.length <= maxInlineCsv ? { csv } : { note: `CSV is ${csv.length} characters; download it from the link` })
      })
    })
  )
}
