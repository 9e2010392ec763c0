import { resolve } from 'node:path'
import { runCli } from '../shared/cli.js'
import { excelFlags, excelSettingsFrom } from './config.js'
import { createExcelServer } from './server.js'

await runCli({
  name: 'agenta-excel',
  entry: 'mcp/excel/main.ts',
  defaultPort: 3103,
  flags: excelFlags,
  createFactory(flags, env) {
    const settings = excelSettingsFrom(flags, env)
    process.stderr.write(`[agenta-excel] data folder: ${resolve(settings.dataDir)}\n`)
    return () => createExcelServer(settings)
  }
})
