import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'

/**
 * A failure the caller can fix (bad data, unknown sheet, refused file name). Its message goes to the
 * model verbatim, so it must say what was wrong and what would be accepted.
 */
export class ToolError extends Error {
  override name = 'ToolError'
}

export function textResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }] }
}

/** Models read text content, so structured results travel as JSON text; compact, as every token costs. */
export function jsonResult(value: unknown): CallToolResult {
  return textResult(JSON.stringify(value))
}

export function errorResult(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true }
}

const systemErrorHints: Record<string, string> = {
  ECONNREFUSED: 'connection refused: nothing is listening there',
  ENOTFOUND: 'host name not found',
  ETIMEDOUT: 'timed out',
  ECONNRESET: 'connection reset by the peer',
  EACCES: 'permission denied',
  ENOENT: 'not found',
  ENOSPC: 'disk full'
}

/** Turns anything thrown into one line a model (and a person reading a chat log) can act on. */
export function describeError(error: unknown): string {
  if (error instanceof ToolError) return error.message
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code
    const hint = code ? systemErrorHints[code] : undefined
    return hint && !error.message.includes(hint) ? `${error.message} (${hint})` : error.message
  }
  return String(error)
}

/**
 * Wraps a tool handler so that every failure becomes an `isError` result instead of a protocol error:
 * the model then sees why the call failed and can retry with better input.
 */
export function guarded<A extends unknown[]>(handler: (...args: A) => Promise<CallToolResult> | CallToolResult): (...args: A) => Promise<CallToolResult> {
  return async (...args) => {
    try {
      return await handler(...args)
    } catch (error) {
      return errorResult(describeError(error))
    }
  }
}
