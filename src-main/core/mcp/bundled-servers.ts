import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { ToolConfig } from '../../contract/entities'
import type { ToolsService } from '../tools/tools-service'
import type { SettingsService } from '../settings/settings-service'

/** The MCP servers that ship with the app (mcp/): chart, email, excel. */
export const BUNDLED_SERVERS = {
  chart: { remark: 'Charts from data (line, bar, pie, …), drawn in the chat as chart cards', icon: '📊' },
  email: { remark: 'Send email over SMTP (set SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASS, SMTP_FROM in its environment)', icon: '✉️' },
  excel: { remark: 'Create, read and write Excel workbooks; files are offered as downloads', icon: '📗' }
} as const
export type BundledName = keyof typeof BUNDLED_SERVERS

/**
 * Saved configs name a bundled server symbolically (`agenta-mcp:chart`), never by path: the
 * install folder changes with every update and differs between the desktop app and `agenta serve`.
 */
const SYMBOL = /^agenta-mcp:(chart|email|excel)$/

export interface BundledServersOptions {
  /** Folder of the built entries `mcp-<name>.js` (out/main). */
  dir: string
  /** The app's data folder: the Excel server keeps its workbooks under it. */
  dataDir: string
  /** Where the local server offers Excel files for download, when it runs. */
  downloadBaseUrl(): string | undefined
}

/** Whether a saved config names a bundled server: those start on first use, never at start-up (each costs ~70–90 MB of RSS idle). */
export function isBundled(config: ToolConfig): boolean {
  return config.transport === 'stdio' && SYMBOL.test(config.command)
}

/** Turns a symbolic bundled-server config into a real command: this same runtime binary running the built entry. */
export function expandBundled(config: ToolConfig, opts: BundledServersOptions | undefined): ToolConfig {
  if (config.transport !== 'stdio') return config
  const name = SYMBOL.exec(config.command)?.[1] as BundledName | undefined
  if (!name) return config
  if (!opts) throw new Error(`${config.command} is a bundled server, but this host does not ship them`)
  const script = join(opts.dir, `mcp-${name}.js`)
  if (!existsSync(script)) throw new Error(`The bundled ${name} server is missing (${script}); rebuild the app`)
  const env: Record<string, string> = {
    // Electron's binary behaves as plain Node with this; Node ignores it.
    ELECTRON_RUN_AS_NODE: '1',
    ...(name === 'excel' && { AGENTA_EXCEL_DIR: join(opts.dataDir, 'files', 'excel') }),
    ...(name === 'excel' && opts.downloadBaseUrl() && { AGENTA_DOWNLOAD_BASE_URL: `${opts.downloadBaseUrl()}/files/excel/` }),
    ...config.env
  }
  return { ...config, command: process.execPath, args: [script, '--transport', 'stdio', ...config.args], env }
}

/** Adds the bundled servers as tools once, on first start; a user who deletes one keeps it deleted. */
export async function seedBundledTools(tools: ToolsService, settings: SettingsService): Promise<void> {
  if (await settings.raw.get<boolean>('mcp.bundledSeeded')) return
  const existing = new Set((await tools.list()).map((t) => t.name))
  for (const [name, info] of Object.entries(BUNDLED_SERVERS)) {
    if (existing.has(name)) continue
    await tools.create({
      name,
      remark: info.remark,
      category: 'built-in',
      icon: info.icon,
      color: '#1677ff',
      toolType: 'internal',
      enabled: true,
      config: { transport: 'stdio', command: `agenta-mcp:${name}`, args: [], env: {} }
    })
  }
  await settings.raw.set('mcp.bundledSeeded', true)
}
