import { parseInteger, settingReader, type FlagSpecs, type FlagValues } from '../shared/args.js'

export const excelFlags = {
  'data-dir': { type: 'string', description: 'folder holding the workbooks (default ./excel-files)', env: 'AGENTA_EXCEL_DIR' },
  'download-base-url': {
    type: 'string',
    description: 'URL prefix for download links, e.g. http://127.0.0.1:5001/files/excel',
    env: 'AGENTA_DOWNLOAD_BASE_URL'
  },
  'max-read-cells': { type: 'string', description: 'most cells one read_range returns (default 10000)', env: 'AGENTA_EXCEL_MAX_READ_CELLS' }
} satisfies FlagSpecs

export interface ExcelSettings {
  dataDir: string
  downloadBaseUrl?: string
  maxReadCells?: number
}

export function excelSettingsFrom(flags: FlagValues<typeof excelFlags>, env: NodeJS.ProcessEnv): ExcelSettings {
  const read = settingReader(excelFlags, flags, env)
  return {
    dataDir: read('data-dir') ?? './excel-files',
    downloadBaseUrl: read('download-base-url'),
    maxReadCells: parseInteger(read('max-read-cells'), 'AGENTA_EXCEL_MAX_READ_CELLS', 1)
  }
}
