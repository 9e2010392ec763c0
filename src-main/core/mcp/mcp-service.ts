import type { Kysely } from 'kysely'
import type { AgentToolBinding, McpToolInfo, ToolConfig, ToolStatus } from '../../contract/entities'
import { AppError } from '../../contract/errors'
import type { ErrorParams, MessageCode } from '../../contract/messages'
import { McpConnectError } from './errors'
import { agentToolsRepo, toBinding } from '../../store/repos/agent-tools'
import { agentsRepo } from '../../store/repos/agents'
import type { DB } from '../../store/schema'
import type { BundledServersOptions } from './bundled-servers'
import type { ToolProvider, ToolSpec } from '../chat/tool-registry'
import type { StudioEvents } from '../events'
import type { ToolsService } from '../tools/tools-service'
import { askConfirmation, type ClientSender } from './confirm'
import { McpConnection, type ConnectionOptions, type ReconnectPolicy } from './connection'
import { ConnectionManager } from './connection-manager'
import { loginShellPath } from './shell-path'
import { mapResult, namespacedName, selectTools, serverPrefix, toParameters } from './tool-adapter'
import { log } from '../../base/log'

export interface McpOptions {
  /** Per tool call, from request to answer (default 60 s). */
  callTimeoutMs: number
  /** Spawning/handshake/listing of one server (default 30 s: a first `npx -y` downloads). */
  connectTimeoutMs: number
  /** How long a turn waits for a server that is still connecting before going on without it. */
  turnConnectWaitMs: number
  /** How long a confirmation question waits for the person. */
  confirmTimeoutMs: number
  /** Longest tool result text handed to the model. */
  maxResultChars: number
  /** Connect enabled servers in the background at start-up and after they change. */
  autoConnect: boolean
  reconnect: ReconnectPolicy
  /** The PATH for stdio servers; default: the login shell's, merged with ours. */
  loginShellPath: () => Promise<string>
  /** Reaches socket clients for confirmation questions (the chat's ClientHub). */
  clients?: ClientSender
  /** Hosts that ship the bundled servers (mcp/) say where their built entries are. */
  bundled?: BundledServersOptions
}

export const defaultMcpOptions: McpOptions = {
  callTimeoutMs: 60_000,
  connectTimeoutMs: 30_000,
  turnConnectWaitMs: 15_000,
  confirmTimeoutMs: 300_000,
  maxResultChars: 100_000,
  autoConnect: true,
  reconnect: { initialMs: 500, maxMs: 30_000, attempts: 6 },
  loginShellPath: () => loginShellPath()
}

export type McpService = ReturnType<typeof mcpService>
export interface TestResult {
  ok: boolean
  latencyMs: number
  tools: McpToolInfo[]
  error?: string
  /** Why it failed as a message code and params (contract/messages.ts), for the studio to translate. */
  reason?: MessageCode
  params?: ErrorParams
}

function within<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer))
}

/**
 * MCP servers as agent tools: the connection manager, the per-agent bindings, the tool provider
 * the chat turn asks, and "test connection". Product rules: ./README.md.
 */
export function mcpService(db: Kysely<DB>, tools: ToolsService, events: StudioEvents, options: Partial<McpOptions> = {}) {
  const opts: McpOptions = { ...defaultMcpOptions, ...options, reconnect: { ...defaultMcpOptions.reconnect, ...options.reconnect } }
  let path: Promise<string> | undefined
  const connOpts: ConnectionOptions = {
    callTimeoutMs: opts.callTimeoutMs,
    connectTimeoutMs: opts.connectTimeoutMs,
    reconnect: opts.reconnect,
    // Resolved once, on the first stdio start: a login shell costs tens of milliseconds to seconds.
    path: () => (path ??= opts.loginShellPath()),
    bundled: opts.bundled
  }
  // Connections need the real header and environment values, which the service's answers mask.
  const manager = new ConnectionManager({ ...tools, ...tools.withSecrets }, events, { ...connOpts, autoConnect: opts.autoConnect })
  manager.start()
  const bindingsRepo = agentToolsRepo(db)
  const agents = agentsRepo(db)

  async function agentId(idOrUuid: string): Promise<string> {
    const row = await agents.find(idOrUuid)
    if (!row) throw new AppError('not_found', `No agent with id or uuid ${idOrUuid}`)
    return row.id
  }

  /** `toolId`: the saved server being edited, whose masked values in `config` stand for the saved ones. */
  async function testConfig(shown: ToolConfig, toolId?: string): Promise<TestResult> {
    const config = toolId ? await tools.unmask(toolId, shown) : shown
    // A fresh connection, never the live one: testing must neither disturb running chats nor
    // report a cached success.
    const conn = new McpConnection('test', config, { ...connOpts, reconnect: { ...connOpts.reconnect, attempts: 0 } })
    const started = performance.now()
    try {
      await conn.ready()
      return { ok: true, latencyMs: Math.round(performance.now() - started), tools: conn.tools }
    } catch (err) {
      const info = err instanceof McpConnectError ? err.info : undefined
      return { ok: false, latencyMs: Math.round(performance.now() - started), tools: [], error: (err as Error).message, ...info }
    } finally {
      await conn.close()
    }
  }

  function declined(answer: string, name: string): string {
    if (answer === 'no') return `The user declined: ${name} was not run. Do not try it again unless the user asks.`
    if (answer === 'timeout') return `The user declined (no answer in time): ${name} was not run.`
    if (answer === 'nobody') return `${name} needs the user's confirmation and nobody can answer in this conversation, so it was not run.`
    return `The confirmation was cancelled: ${name} was not run.`
  }

  const provider: ToolProvider = {
    name: 'mcp',
    async toolsFor(ctx) {
      const rows = await bindingsRepo.forAgent(ctx.agent.id)
      if (!rows.length) return []
      // Servers connect in parallel; one slow or broken server costs at most turnConnectWaitMs
      // and leaves the others' tools in place.
      const servers = await Promise.all(
        rows.map(async (row) => {
          const binding = toBinding(row)
          try {
            const entry = await manager.get(binding.toolId)
            if (!entry.tool.enabled) return null
            await within(entry.conn.ready(), opts.turnConnectWaitMs, `still connecting after ${opts.turnConnectWaitMs} ms`)
            return { binding, tool: entry.tool, list: selectTools(entry.conn.tools, binding.enabledTools) }
          } catch (err) {
            log.warn({ err, toolId: binding.toolId }, 'MCP server left out of this turn')
            return null
          }
        })
      )
      const taken = new Set<string>()
      const specs: ToolSpec[] = []
      for (const s of servers) {
        if (!s) continue
        const prefix = serverPrefix(s.tool.name, s.tool.id)
        for (const info of s.list) {
          const name = namespacedName(prefix, info.name, taken)
          const { binding, tool } = s
          specs.push({
            name,
            description: info.description || `${info.name} (from ${tool.name})`,
            parameters: toParameters(info.inputSchema),
            // The MCP layer bounds the call itself (callTimeoutMs) and a confirmation has its own
            // timeout; the turn's generic tool limit must not cut either short.
            timeoutMs: Number.POSITIVE_INFINITY,
            async execute(args, tctx) {
              if (binding.requireConfirmation) {
                const answer = await askConfirmation(
                  tctx,
                  { server: tool.name, tool: info.name, args },
                  { clients: opts.clients, timeoutMs: opts.confirmTimeoutMs }
                )
                if (answer === 'always') {
                  // Stored on the binding (the editor's "ask before each call" switch shows it and
                  // can turn it back on); the rest of this turn stops asking too.
                  binding.requireConfirmation = false
                  await bindingsRepo.setRequireConfirmation(ctx.agent.id, tool.id, false).catch((err: unknown) => {
                    log.warn({ err, agentId: ctx.agent.id, toolId: tool.id }, 'always-allow not stored')
                  })
                } else if (answer !== 'yes') return { content: declined(answer, name), isError: true }
              }
              try {
                // The live connection at call time: the server may have been reconfigured since the turn began.
                const { conn } = await manager.get(tool.id)
                return mapResult(await conn.call(info.name, args, { signal: tctx.signal, onProgress: tctx.progress }), { maxChars: opts.maxResultChars })
              } catch (err) {
                return { content: `${name} failed: ${(err as Error).message}`, isError: true }
              }
            }
          })
        }
      }
      return specs
    }
  }

  return {
    status: (): Promise<ToolStatus[]> => manager.status(),
    async test(id: string): Promise<TestResult> {
      return testConfig((await tools.withSecrets.get(id)).config)
    },
    testConfig,
    async agentTools(idOrUuid: string): Promise<AgentToolBinding[]> {
      return (await bindingsRepo.forAgent(await agentId(idOrUuid))).map(toBinding)
    },
    async setAgentTools(idOrUuid: string, bindings: AgentToolBinding[]): Promise<AgentToolBinding[]> {
      const id = await agentId(idOrUuid)
      const seen = new Set<string>()
      for (const b of bindings) {
        if (seen.has(b.toolId)) throw new AppError('validation_failed', `Invalid request: bindings: tool ${b.toolId} is listed twice`)
        seen.add(b.toolId)
      }
      const existing = await bindingsRepo.existingToolIds([...seen])
      const missing = [...seen].filter((t) => !existing.has(t))
      if (missing.length) throw new AppError('not_found', `No tool with id ${missing.join(', ')}`)
      await bindingsRepo.replace(id, bindings)
      events.emit('agents.changed', { id })
      return (await bindingsRepo.forAgent(id)).map(toBinding)
    },
    toolProvider: (): ToolProvider => provider,
    /** The live connection of a saved server (connects on first use): diagnostics, tests, benchmarks. */
    connection: async (toolId: string): Promise<McpConnection> => (await manager.get(toolId)).conn,
    /** Calls one tool of a saved server directly, outside any turn. */
    async call(toolId: string, tool: string, args: Record<string, unknown>, o: Parameters<McpConnection['call']>[2] = {}) {
      const { conn } = await manager.get(toolId)
      return mapResult(await conn.call(tool, args, o), { maxChars: opts.maxResultChars })
    },
    close: () => manager.close()
  }
}
