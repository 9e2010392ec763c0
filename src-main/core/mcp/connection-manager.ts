import type { Tool, ToolStatus } from '../../contract/entities'
import { AppError } from '../../contract/errors'
import type { StudioEvents } from '../events'
import type { ToolsService } from '../tools/tools-service'
import { McpConnection, type ConnectionOptions } from './connection'
import { isBundled } from './bundled-servers'
import { log } from '../../base/log'

interface Entry {
  tool: Tool
  conn: McpConnection
}

const configKey = (t: Tool) => JSON.stringify(t.config)

/**
 * One connection per saved MCP server. Connects every enabled server in the background at
 * start-up (never awaited) except the bundled ones, which start on first use, follows `tools.changed` (a new config means a new connection; a
 * deleted or disabled server is disconnected), and forwards each status change to the studio.
 */
export class ConnectionManager {
  private readonly entries = new Map<string, Entry>()
  /** Changes to one server are applied in order; a slow close must not race the next connect. */
  private changes: Promise<unknown> = Promise.resolve()
  private unsubscribe?: () => void
  private closed = false

  constructor(
    private readonly tools: ToolsService,
    private readonly events: StudioEvents,
    private readonly opts: ConnectionOptions & { autoConnect: boolean }
  ) {}

  start(): void {
    this.unsubscribe = this.events.subscribe((name, payload) => {
      if (name !== 'tools.changed') return
      const id = (payload as { id: string }).id
      this.changes = this.changes.then(() => this.onChanged(id)).catch((err) => log.warn({ err, toolId: id }, 'MCP server not updated'))
    })
    if (!this.opts.autoConnect) return
    // After the current tick, so creating the runtime never waits on listing or spawning.
    setImmediate(() => {
      if (this.closed) return
      this.tools
        .list()
        .then((all) => {
          for (const t of all) if (this.connectsEarly(t)) this.entry(t).conn.connectInBackground()
        })
        .catch((err) => log.warn({ err }, 'MCP servers not started'))
    })
  }

  /** Auto-connect covers the servers a person configured; the bundled ones wait until an agent needs them. */
  private connectsEarly(tool: Tool): boolean {
    return tool.enabled && this.opts.autoConnect && !isBundled(tool.config)
  }

  private entry(tool: Tool): Entry {
    let e = this.entries.get(tool.id)
    if (!e) {
      e = { tool, conn: this.newConnection(tool) }
      this.entries.set(tool.id, e)
    }
    return e
  }

  private newConnection(tool: Tool): McpConnection {
    // A replaced connection winding down must not overwrite the status of its successor.
    const conn: McpConnection = new McpConnection(tool.id, tool.config, this.opts, (status) => {
      if (!this.closed && this.entries.get(tool.id)?.conn === conn) this.events.emit('tools.status', status)
    })
    return conn
  }

  /** The live connection of a saved server (created on first use). */
  async get(toolId: string): Promise<Entry> {
    if (this.closed) throw new AppError('conflict', 'MCP support is shutting down')
    const known = this.entries.get(toolId)
    if (known) return known
    return this.entry(await this.tools.get(toolId))
  }

  /** The connection if one exists already, without touching the store (tests, diagnostics). */
  peek(toolId: string): McpConnection | undefined {
    return this.entries.get(toolId)?.conn
  }

  async status(): Promise<ToolStatus[]> {
    const all = await this.tools.list()
    return all.map((t) => this.entries.get(t.id)?.conn.status() ?? { toolId: t.id, state: 'idle', error: null, tools: [], updatedAt: t.updatedAt })
  }

  private async onChanged(id: string) {
    if (this.closed) return
    const current = this.entries.get(id)
    let tool: Tool | undefined
    try {
      tool = await this.tools.get(id)
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'not_found')) throw err
    }
    if (!tool) {
      if (!current) return
      this.entries.delete(id)
      await current.conn.close()
      this.events.emit('tools.status', { toolId: id, state: 'idle', error: null, tools: [], updatedAt: Date.now() })
      return
    }
    if (current && configKey(current.tool) === configKey(tool) && current.tool.enabled === tool.enabled) {
      // A new name or icon needs no new connection; the namespace follows the name at the next turn.
      current.tool = tool
      return
    }
    const wasUsed = !!current && current.conn.status().state !== 'idle'
    if (current) {
      this.entries.delete(id)
      await current.conn.close()
    }
    const next = this.entry(tool)
    if (tool.enabled && (this.connectsEarly(tool) || wasUsed)) next.conn.connectInBackground()
    else this.events.emit('tools.status', next.conn.status())
  }

  /** Disconnects everything; stdio children are ended (stdin closed, then signalled). */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.unsubscribe?.()
    await this.changes.catch(() => undefined)
    const all = [...this.entries.values()]
    this.entries.clear()
    await Promise.all(all.map((e) => e.conn.close()))
  }
}
