import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import type { McpToolInfo, ToolConfig, ToolStatus } from '../../contract/entities'
import type { ToolProgress } from '../../contract/chat'
import { APP_VERSION } from '../version'
import { describeCallError, describeConnectError, formatSeconds, isDisconnect, McpConnectError } from './errors'
import { createTransport, type TransportHandle } from './transports'
import type { BundledServersOptions } from './bundled-servers'

export interface ReconnectPolicy {
  /** First delay after a drop; doubles per failed attempt. */
  initialMs: number
  maxMs: number
  /** Background attempts before giving up until the next use. */
  attempts: number
}

export interface ConnectionOptions {
  callTimeoutMs: number
  connectTimeoutMs: number
  reconnect: ReconnectPolicy
  /** The PATH for stdio children (the login shell's, resolved once). */
  path: () => Promise<string>
  /** Where the bundled servers (agenta-mcp:<name>) are, when the host ships them. */
  bundled?: BundledServersOptions
}

export interface PromptInfo {
  name: string
  description: string
}
export interface ResourceInfo {
  uri: string
  name: string
  mimeType?: string
}

/** A call that failed before the server gave an answer, worded for the model and the trace. */
export class McpCallError extends Error {
  override name = 'McpCallError'
}

interface Session {
  client: Client
  handle: TransportHandle
  generation: number
  connectedAt: number
  /** Set before we close it ourselves, so the close is not taken for a crash. */
  closing: boolean
  /** Why a remote session is being torn down, when we noticed the drop on the error channel. */
  dropReason?: string
}

/** A connection stays "stable" after this long; a drop after that starts the backoff afresh. */
const STABLE_MS = 5_000

/**
 * One MCP server: connects on demand, keeps its tool list, calls with a timeout, and after a crash
 * or a dropped connection reconnects in the background with exponential backoff. Every state
 * change is reported through `onStatus`.
 */
export class McpConnection {
  private state: ToolStatus['state'] = 'idle'
  private error: string | null = null
  private toolList: McpToolInfo[] = []
  private promptList: PromptInfo[] = []
  private resourceList: ResourceInfo[] = []
  private updatedAt = Date.now()
  private session?: Session
  private connecting?: Promise<Session>
  private generation = 0
  private failures = 0
  private retryTimer?: NodeJS.Timeout
  private closed = false

  constructor(
    readonly toolId: string,
    readonly config: ToolConfig,
    private readonly opts: ConnectionOptions,
    private readonly onStatus: (status: ToolStatus) => void = () => {}
  ) {}

  status(): ToolStatus {
    return { toolId: this.toolId, state: this.state, error: this.error, tools: this.toolList, updatedAt: this.updatedAt }
  }
  get tools(): McpToolInfo[] {
    return this.toolList
  }
  get prompts(): PromptInfo[] {
    return this.promptList
  }
  get resources(): ResourceInfo[] {
    return this.resourceList
  }
  /** The stdio child's pid while connected (diagnostics, tests). */
  get pid(): number | null {
    return this.session?.handle.pid() ?? null
  }

  /** Starts connecting without waiting; failures land in the status. */
  connectInBackground(): void {
    if (this.closed || this.session || this.connecting) return
    this.ready().catch(() => undefined)
  }

  /** Connected and listed, connecting now if needed (a pending backoff is cut short: someone needs it). */
  async ready(): Promise<void> {
    await this.sessionNow()
  }

  private async sessionNow(): Promise<Session> {
    if (this.closed) throw new McpConnectError('this MCP server was removed or disabled', false, { reason: 'mcp_removed' })
    if (this.session) return this.session
    if (this.connecting) return this.connecting
    clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    const attempt = this.connect()
    this.connecting = attempt
    try {
      return await attempt
    } finally {
      if (this.connecting === attempt) this.connecting = undefined
    }
  }

  private setState(state: ToolStatus['state'], error: string | null = null) {
    this.state = state
    this.error = error
    this.updatedAt = Date.now()
    this.onStatus(this.status())
  }

  private async connect(): Promise<Session> {
    const generation = ++this.generation
    this.setState('connecting')
    let handle: TransportHandle | undefined
    let client: Client | undefined
    let timer: NodeJS.Timeout | undefined
    try {
      handle = await createTransport(this.config, { path: this.opts.path, bundled: this.opts.bundled })
      client = new Client(
        { name: 'agenta-studio', version: APP_VERSION },
        { capabilities: {}, listChanged: { tools: { autoRefresh: false, onChanged: () => void this.refreshTools(generation) } } }
      )
      const session: Session = { client, handle, generation, connectedAt: 0, closing: false }
      // The SDK's own timeout covers only the initialize request; spawning, the SSE handshake and
      // listing must be bounded too, or one stuck server holds its status at "connecting" forever.
      const limit = this.opts.connectTimeoutMs
      const c = client
      await Promise.race([
        (async () => {
          await c.connect(handle!.transport, { timeout: limit })
          await this.list(c)
        })(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new McpConnectError(`no answer within ${formatSeconds(limit)} while connecting to ${handle!.target}`, true, {
                  reason: 'mcp_timeout',
                  params: { target: handle!.target, seconds: +(limit / 1000).toFixed(1) }
                })
              ),
            limit
          )
        })
      ])
      clearTimeout(timer)
      if (this.closed || generation !== this.generation) {
        await client.close().catch(() => undefined)
        throw new McpConnectError('the connection was replaced while it was being set up', false)
      }
      client.onclose = () => this.onDrop(session)
      client.onerror = (err) => {
        // Remote transports report a dead peer here and then wait (for ever) for answers that will
        // not come: tear the session down so pending calls fail now and the backoff starts.
        if (handle!.kind !== 'stdio' && !session.closing && isDisconnect(err) && this.session === session) {
          session.dropReason = describeConnectError(err, handle).message
          void client!.close().catch(() => undefined)
        }
      }
      session.connectedAt = Date.now()
      this.session = session
      this.setState('ready')
      return session
    } catch (err) {
      clearTimeout(timer)
      const failure = describeConnectError(err, handle)
      // Let the child go before reporting: a half-started server must not linger.
      if (client) await client.close().catch(() => undefined)
      else await handle?.transport.close().catch(() => undefined)
      if (generation === this.generation && !this.closed) {
        this.failures++
        this.setState('failed', failure.message)
        if (failure.transient) this.scheduleRetry()
      }
      throw failure
    }
  }

  private async list(client: Client) {
    const caps = client.getServerCapabilities() ?? {}
    const tools: McpToolInfo[] = []
    let cursor: string | undefined
    // A server with a huge (or endless) listing still gets bounded.
    for (let page = 0; page < 50; page++) {
      const res = await client.listTools(cursor ? { cursor } : undefined, { timeout: this.opts.connectTimeoutMs })
      for (const t of res.tools)
        tools.push({ name: t.name, description: t.description ?? t.title ?? '', inputSchema: t.inputSchema as Record<string, unknown> })
      cursor = res.nextCursor
      if (!cursor) break
    }
    this.toolList = tools
    // Prompts and resources are informative only (the studio shows them); a server that lists
    // them badly still serves its tools.
    this.promptList = caps.prompts
      ? await client
          .listPrompts(undefined, { timeout: this.opts.connectTimeoutMs })
          .then((r) => r.prompts.map((p) => ({ name: p.name, description: p.description ?? '' })))
          .catch(() => [])
      : []
    this.resourceList = caps.resources
      ? await client
          .listResources(undefined, { timeout: this.opts.connectTimeoutMs })
          .then((r) => r.resources.map((x) => ({ uri: x.uri, name: x.name, mimeType: x.mimeType })))
          .catch(() => [])
      : []
  }

  private async refreshTools(generation: number) {
    const s = this.session
    if (!s || s.generation !== generation) return
    try {
      await this.list(s.client)
      this.setState('ready')
    } catch {
      // The next reconnect lists again.
    }
  }

  private onDrop(session: Session) {
    if (session.closing || this.session !== session) return
    this.session = undefined
    const up = Date.now() - session.connectedAt
    if (up >= STABLE_MS) this.failures = 0
    this.failures++
    const why = session.dropReason ?? dropText(session.handle)
    this.setState('failed', why)
    this.scheduleRetry()
  }

  private scheduleRetry() {
    if (this.closed || this.retryTimer) return
    const { initialMs, maxMs, attempts } = this.opts.reconnect
    if (this.failures > attempts) return // stays failed; the next use tries again
    const delay = Math.min(maxMs, initialMs * 2 ** (this.failures - 1))
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      this.connectInBackground()
    }, delay)
    this.retryTimer.unref()
  }

  /**
   * Calls a tool. Throws McpCallError with the reason when no answer came (unreachable, timed out,
   * crashed); an answer with isError is returned as is.
   */
  async call(
    name: string,
    args: Record<string, unknown>,
    opts: { signal?: AbortSignal; timeoutMs?: number; onProgress?: (p: ToolProgress) => void } = {}
  ): Promise<CallToolResult> {
    const timeoutMs = opts.timeoutMs ?? this.opts.callTimeoutMs
    for (let attempt = 0; ; attempt++) {
      let session: Session
      try {
        session = await this.sessionNow()
      } catch (err) {
        throw new McpCallError(`the MCP server is unavailable: ${(err as Error).message}`)
      }
      // The SDK never removes its abort listener, and fires it (sending notifications/cancelled)
      // whenever the signal aborts later: a per-call signal keeps a long-lived turn signal clean.
      const local = new AbortController()
      const forward = () => local.abort(opts.signal?.reason)
      if (opts.signal?.aborted) forward()
      opts.signal?.addEventListener('abort', forward, { once: true })
      try {
        // With `onprogress` the SDK asks the server for progress notifications (a progress token).
        const onprogress = opts.onProgress && ((p: ToolProgress) => opts.onProgress!({ progress: p.progress, total: p.total, message: p.message }))
        return (await session.client.callTool({ name, arguments: args }, undefined, { timeout: timeoutMs, signal: local.signal, onprogress })) as CallToolResult
      } catch (err) {
        if (opts.signal?.aborted) throw new McpCallError(`the call to ${name} was cancelled`)
        // A remote server that restarted forgot our session: the call never ran, so one fresh
        // session and one retry are safe.
        if (attempt === 0 && sessionLost(err)) {
          await this.dropSession(session)
          continue
        }
        throw new McpCallError(
          session.dropReason ? `${session.dropReason} (during the call to ${name})` : describeCallError(err, name, timeoutMs, session.handle)
        )
      } finally {
        opts.signal?.removeEventListener('abort', forward)
      }
    }
  }

  private async dropSession(session: Session) {
    if (this.session === session) this.session = undefined
    session.closing = true
    await session.client.close().catch(() => undefined)
  }

  /** Disconnects for good (the tool was deleted, disabled or reconfigured, or the app stops). */
  async close(): Promise<void> {
    this.closed = true
    clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    this.generation++
    const pending = this.connecting
    const session = this.session
    this.session = undefined
    if (session) await this.dropSession(session)
    // A connect in flight ends on its own; its session is closed by the generation check.
    await pending?.catch(() => undefined)
    if (this.state !== 'idle') {
      this.toolList = []
      this.state = 'idle'
      this.error = null
      this.updatedAt = Date.now()
    }
  }
}

function dropText(handle: TransportHandle): string {
  if (handle.kind !== 'stdio') return `the connection to ${handle.target} was lost`
  const exit = handle.exit()
  const what = !exit
    ? 'the server process ended'
    : exit.signal
      ? `the server process was killed (${exit.signal})`
      : `the server process exited with code ${exit.code}`
  const tail = handle.stderrTail()
  return tail ? `${what}. Last output on stderr:\n${tail}` : what
}

function sessionLost(err: unknown): boolean {
  if (!(err instanceof StreamableHTTPError)) return false
  return err.code === 404 || (err.code === 400 && /session/i.test(err.message))
}
