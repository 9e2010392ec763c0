import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js'
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { ToolConfig } from '../../contract/entities'
import { resolveCommand } from './shell-path'
import { expandBundled, type BundledServersOptions } from './bundled-servers'
import { StdioTransport } from './stdio-transport'

/** One transport plus what error messages need to know about it. */
export interface TransportHandle {
  transport: Transport
  kind: ToolConfig['transport']
  /** The command line or URL, for messages. */
  target: string
  /** The child's pid (stdio), for diagnostics and tests. */
  pid(): number | null
  /** Last lines the child wrote to stderr: servers explain their crashes there. */
  stderrTail(): string
  /** Exit code or signal of the child once it ended (stdio). */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | null
}

/**
 * Variables a server may need beyond the SDK's minimal set (HOME, PATH, USER…): locale for
 * non-ASCII output, temp dirs, and proxies so `npx`/`uvx` can download behind a company proxy.
 * The app's other variables (API keys, tokens) are not handed to third-party programs.
 */
const EXTRA_INHERITED = new Set([
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TMPDIR',
  'TEMP',
  'TMP',
  'XDG_RUNTIME_DIR',
  'XDG_CONFIG_HOME',
  'XDG_CACHE_HOME',
  'XDG_DATA_HOME'
])
const PROXY = /^(https?_proxy|all_proxy|no_proxy|npm_config_registry)$/i

export function childEnv(path: string, own: Record<string, string>, parent: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = { ...getDefaultEnvironment() }
  for (const [k, v] of Object.entries(parent)) {
    if (v !== undefined && (EXTRA_INHERITED.has(k) || PROXY.test(k))) env[k] = v
  }
  env.PATH = path
  return { ...env, ...own }
}

export async function createTransport(saved: ToolConfig, opts: { path: () => Promise<string>; bundled?: BundledServersOptions }): Promise<TransportHandle> {
  const config = expandBundled(saved, opts.bundled)
  if (config.transport === 'stdio') {
    // A PATH set in the tool's own env wins: the user said exactly where to look.
    const path = config.env.PATH ?? (await opts.path())
    const command = resolveCommand(config.command, { path, cwd: config.cwd })
    const transport = new StdioTransport({ command, args: config.args, env: childEnv(path, config.env), cwd: config.cwd })
    return {
      transport,
      kind: 'stdio',
      target: saved.transport === 'stdio' && saved.command !== config.command ? saved.command : [config.command, ...config.args].join(' '),
      pid: () => transport.pid,
      stderrTail: () => transport.stderrTail(),
      exit: () => transport.exit
    }
  }
  const url = new URL(config.url)
  // Both SDK transports add requestInit.headers to every request, the SSE stream's GET included.
  const requestInit: RequestInit = { headers: config.headers }
  const transport = config.transport === 'sse' ? new SSEClientTransport(url, { requestInit }) : new StreamableHTTPClientTransport(url, { requestInit })
  return { transport, kind: config.transport, target: config.url, pid: () => null, stderrTail: () => '', exit: () => null }
}
