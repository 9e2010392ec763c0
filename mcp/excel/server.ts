import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { serverInfo } from '../shared/server-info.js'
import type { ExcelSettings } from './config.js'
import { DataFolder } from './data-folder.js'
import type { ExcelTools } from './tools/context.js'
import { registerCsvTools } from './tools/csv-tools.js'
import { registerFileTools } from './tools/file-tools.js'
import { registerRangeTools } from './tools/range-tools.js'
import { registerSheetTools } from './tools/sheet-tools.js'

export type ExcelServerOptions = ExcelSettings

export function createExcelServer(options: ExcelServerOptions): McpServer {
  const server = new McpServer(serverInfo('agenta-excel', 'Agenta Excel'), {
    instructions:
      'Workbooks live in one data folder and are named by plain file names ("sales.xlsx"). Results that create or change a file include a download link to give the user.'
  })
  const tools: ExcelTools = {
    server,
    folder: new DataFolder(options.dataDir, options.downloadBaseUrl),
    maxReadCells: options.maxReadCells ?? 10_000
  }
  registerFileTools(tools)
  registerSheetTools(tools)
  registerRangeTools(tools)
  registerCsvTools(tools)
  return server
}
