import { guarded, jsonResult, ToolError } from '../../shared/results.js'
import { fileName, sheetName } from '../fields.js'
import { assertNoSheet, getSheet, readWorkbook, updateWorkbook, type Worksheet } from '../workbooks.js'
import { destroys, readOnly, writes, type ExcelTools } from './context.js'

function describeSheet(sheet: Worksheet) {
  const used = sheet.actualRowCount > 0
  return {
    name: sheet.name,
    rows: sheet.rowCount,
    columns: sheet.columnCount,
    usedRange: used ? sheet.dimensions.range : null
  }
}

export function registerSheetTools({ server, folder }: ExcelTools): void {
  server.registerTool(
    'list_sheets',
    {
      title: 'List sheets',
      description: 'List the sheets of a workbook with their size and used range.',
      inputSchema: { fileName },
      annotations: readOnly
    },
    guarded(async (input) => {
      const { file, workbook } = await readWorkbook(folder, input.fileName)
      return jsonResult({ file: file.name, sheets: workbook.worksheets.map(describeSheet) })
    })
  )

  server.registerTool(
    'add_sheet',
    {
      title: 'Add sheet',
      description: 'Add an empty sheet at the end of a workbook.',
      inputSchema: { fileName, sheetName },
      annotations: writes
    },
    guarded(async (input) => {
      const { file } = await updateWorkbook(folder, input.fileName, (workbook) => {
        assertNoSheet(workbook, input.sheetName)
        workbook.addWorksheet(input.sheetName)
      })
      return jsonResult({ file: file.name, added: input.sheetName, link: folder.link(file.name) })
    })
  )

  server.registerTool(
    'delete_sheet',
    {
      title: 'Delete sheet',
      description: 'Delete a sheet and everything on it. A workbook keeps at least one sheet.',
      inputSchema: { fileName, sheetName },
      annotations: destroys
    },
    guarded(async (input) => {
      const { file } = await updateWorkbook(folder, input.fileName, (workbook) => {
        const sheet = getSheet(workbook, input.sheetName)
        if (workbook.worksheets.length === 1) {
          throw new ToolError(`"${sheet.name}" is the only sheet; a workbook needs one (delete the file instead)`)
        }
        workbook.removeWorksheet(sheet.id)
      })
      return jsonResult({ file: file.name, deleted: input.sheetName })
    })
  )

  server.registerTool(
    'rename_sheet',
    {
      title: 'Rename sheet',
      description: 'Rename a sheet. Formulas on other sheets that refer to the old name are not rewritten.',
      inputSchema: { fileName, sheetName, newName: sheetName.describe('The new sheet name') },
      annotations: writes
    },
    guarded(async (input) => {
      const { file } = await updateWorkbook(folder, input.fileName, (workbook) => {
        const sheet = getSheet(workbook, input.sheetName)
        if (input.newName.toLowerCase() !== sheet.name.toLowerCase()) assertNoSheet(workbook, input.newName)
        sheet.name = input.newName
      })
      return jsonResult({ file: file.name, renamed: input.sheetName, to: input.newName })
    })
  )
}
