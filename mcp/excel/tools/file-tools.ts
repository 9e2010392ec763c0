import { z } from 'zod'
import { guarded, jsonResult, ToolError } from '../../shared/results.js'
import { fileName, sheetName } from '../fields.js'
import { assertNoSheet, updateWorkbook } from '../workbooks.js'
import { destroys, readOnly, writes, type ExcelTools } from './context.js'

export function registerFileTools({ server, folder }: ExcelTools): void {
  server.registerTool(
    'list_files',
    {
      title: 'List files',
      description: 'List the workbooks (.xlsx) and CSV files in the data folder, with size, date and download link.',
      inputSchema: {},
      annotations: readOnly
    },
    guarded(async () => jsonResult({ files: await folder.list() }))
  )

  server.registerTool(
    'create_workbook',
    {
      title: 'Create workbook',
      description: 'Create a new .xlsx workbook with the given sheets. Returns its download link.',
      inputSchema: {
        fileName,
        sheets: z.array(sheetName).min(1).max(50).optional().describe('Sheet names, default ["Sheet1"]'),
        overwrite: z.boolean().optional().describe('Replace an existing file of that name (default false)')
      },
      annotations: writes
    },
    guarded(async (input) => {
      const sheets = input.sheets ?? ['Sheet1']
      const { file } = await updateWorkbook(
        folder,
        input.fileName,
        (workbook, { file, created }) => {
          if (!created) {
            throw new ToolError(`"${file.name}" already exists; pass overwrite: true to replace it, or pick another name`)
          }
          for (const name of sheets) {
            assertNoSheet(workbook, name)
            workbook.addWorksheet(name)
          }
        },
        input.overwrite ? 'replace' : 'create'
      )
      return jsonResult({ created: file.name, sheets, link: folder.link(file.name) })
    })
  )

  server.registerTool(
    'delete_file',
    {
      title: 'Delete file',
      description: 'Delete a workbook or CSV file from the data folder.',
      inputSchema: { fileName: fileName.describe('File name, e.g. "old.xlsx" or "export.csv"') },
      annotations: destroys
    },
    guarded(async (input) => jsonResult({ deleted: await folder.delete(input.fileName) }))
  )
}
