import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { DataFolder } from '../data-folder.js'

export interface ExcelTools {
  server: McpServer
  folder: DataFolder
  /** Largest number of cells one read returns; more is truncated with a note, to keep replies model-sized. */
  maxReadCells: number
}

export const readOnly = { readOnlyHint: true, openWorldHint: false } as const
export const writes = { readOnlyHint: false, destructiveHint: false, openWorldHint: false } as const
export const destroys = { readOnlyHint: false, destructiveHint: true, openWorldHint: false } as const
