import { SseError } from '@modelcontextprotocol/sdk/client/sse.js'
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js'
import { CommandNotFoundError } from './shell-path'
import type { TransportHandle } from './transports'
import type { ErrorParams, MessageCode } from '../../contract/messages'

/**
 * The connection-level failure of one attempt, already worded for a person: in English
 * (`message`, for logs and API clients) and as a message code with params the studio translates
 * (contract/messages.ts: the `mcp_*` codes).
 */
export class McpConnectError extends Error {
  constructor(
    message: string,
    /** Retrying the same config can help (server down, crashed) vs. it cannot (missing command, 401). */
    readonly transient: boolean,
    readonly info: { reason: MessageCode; params?: ErrorParams } = { reason: 'mcp_failed', params: { detail: message } }
  ) {
    super(message)
    this.name = 'McpConnectError'
  }
}

const networkHints: Record<string, string> = {
  ECONNREFUSED: 'connection refused: nothing is listening at',
  ENOTFOUND: 'host not found:',
  EAI_AGAIN: 'host name lookup failed (offline?):',
  ECONNRESET: 'connection reset by',
  ETIMEDOUT: 'connection timed out to',
  EHOSTUNREACH: 'host unreachable:',
  ENETUNREACH: 'network unreachable:',
  UND_ERR_SOCKET: 'connection dropped by',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out to'
}

/** The errno-like code somewhere in an error's cause chain (fetch wraps the socket error). */
export function networkCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown; message?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && e.code in networkHints) return e.code
    const m = typeof e.message === 'string' ? e.message.match(/\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\b/) : null
    if (m) return m[1]
  }
  return undefined
}

/** A dropped or unreachable remote peer, as opposed to an answer that says no. */
export function isDisconnect(err: unknown): boolean {
  if (networkCode(err)) return true
  const text = String((err as Error)?.message ?? err)
  if (err instanceof SseError && (err.code === undefined || err.code === -1)) return true
  return /SSE stream disconnected|fetch failed|terminated|other side closed|socket hang up|Maximum reconnection attempts|Failed to reconnect SSE stream/i.test(
    text
  )
}

function httpStatus(err: unknown): number | undefined {
  if (err instanceof StreamableHTTPError && typeof err.code === 'number' && err.code >= 100) return err.code
  if (err instanceof SseError && typeof err.code === 'number' && err.code >= 100) return err.code
  const m = String((err as Error)?.message ?? '').match(/\bHTTP (\d{3})\b|Non-200 status code \((\d{3})\)/)
  return m ? Number(m[1] ?? m[2]) : undefined
}

const clip = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n)}…` : s)

function withStderr(message: string, handle?: TransportHandle): string {
  const tail = handle?.stderrTail()
  return tail ? `${message}. Last output on stderr:\n${tail}` : message
}

function exitText(handle?: TransportHandle): string {
  const exit = handle?.exit()
  if (!exit) return 'the server process ended'
  return exit.signal ? `the server process was killed (${exit.signal})` : `the server process exited with code ${exit.code}`
}

/** Why connecting failed, in words a user can act on; `transient` says whether retrying may help. */
export function describeConnectError(err: unknown, handle?: TransportHandle): McpConnectError {
  if (err instanceof McpConnectError) return err
  const target = handle?.target ?? 'the server'
  if (err instanceof CommandNotFoundError) return new McpConnectError(err.message, false, { reason: 'mcp_command_not_found', params: { command: err.command } })
  const e = err as NodeJS.ErrnoException
  if (e?.syscall?.startsWith('spawn')) {
    const why = e.code === 'EACCES' ? 'permission denied' : e.code === 'ENOENT' ? 'not found (or its working directory is missing)' : e.message
    const reason = e.code === 'EACCES' ? 'mcp_start_denied' : e.code === 'ENOENT' ? 'mcp_start_missing' : 'mcp_start_failed'
    return new McpConnectError(`cannot start ${target}: ${why}`, false, { reason, params: { target, detail: e.message } })
  }
  if (err instanceof McpError && err.code === ErrorCode.ConnectionClosed && handle?.kind === 'stdio') {
    const exit = handle.exit()
    return new McpConnectError(withStderr(`${exitText(handle)} before it was ready`, handle), true, {
      reason: 'mcp_exited',
      params: { target, code: exit?.signal ?? exit?.code ?? '?', stderr: handle.stderrTail() ?? '' }
    })
  }
  const status = httpStatus(err)
  if (status !== undefined) {
    const body = String((err as Error).message)
      .replace(/^(Streamable HTTP error|SSE error): /, '')
      .replace(/^Error POSTing to endpoint: /, '')
    const reason =
      status === 401 ? 'unauthorized: check the headers (token)' : status === 403 ? 'forbidden' : status === 404 ? 'not found: check the URL path' : ''
    const code = status === 401 || status === 403 ? 'mcp_unauthorized' : status === 404 ? 'mcp_not_found' : 'mcp_http'
    return new McpConnectError(clip(`HTTP ${status} from ${target}${reason ? ` (${reason})` : ''}: ${body}`), status >= 500 || status === 429, {
      reason: code,
      params: { status, target, detail: clip(body, 200) }
    })
  }
  const code = networkCode(err)
  if (code) return new McpConnectError(`${networkHints[code]} ${target}`, true, { reason: 'mcp_unreachable', params: { target, code } })
  if (isDisconnect(err))
    return new McpConnectError(clip(`the connection to ${target} was lost: ${(err as Error)?.message ?? err}`), true, {
      reason: 'mcp_connection_lost',
      params: { target }
    })
  const message = (err as Error)?.message ?? String(err)
  return new McpConnectError(withStderr(clip(message), handle), handle?.kind === 'stdio' ? !!handle.exit() : true, {
    reason: 'mcp_failed',
    params: { detail: withStderr(clip(message), handle) }
  })
}

/** Why a call failed once the request was sent. */
export function describeCallError(err: unknown, tool: string, timeoutMs: number, handle?: TransportHandle): string {
  if (err instanceof McpError) {
    if (err.code === ErrorCode.RequestTimeout) return `${tool} did not answer within ${formatSeconds(timeoutMs)} and was cancelled`
    if (err.code === ErrorCode.ConnectionClosed) {
      return handle?.kind === 'stdio'
        ? withStderr(`${exitText(handle)} during the call to ${tool}`, handle)
        : `the connection to ${handle?.target ?? 'the server'} closed during the call to ${tool}`
    }
    // The server's own words (unknown tool, invalid arguments…).
    return err.message.replace(/^MCP error -?\d+: /, '')
  }
  if (isDisconnect(err)) return describeConnectError(err, handle).message
  return (err as Error)?.message ?? String(err)
}

export function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`
}
