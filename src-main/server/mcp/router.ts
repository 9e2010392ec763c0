import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js'
import express, { Router, type NextFunction, type Request, type Response } from 'express'
import type { Runtime } from '../../core/runtime'
import { createAgentsMcpServer } from './agents-server'
import { requestLog } from '../errors'

/** A JSON-RPC 2.0 error answer; `id` is null because a message we could not read has none we trust. */
function rpcError(res: Response, status: number, code: number, message: string) {
  res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id: null })
}

/** One message or a non-empty batch of them, each a request, notification or response. */
function isJsonRpc(body: unknown): boolean {
  const messages = Array.isArray(body) ? body : [body]
  return messages.length > 0 && messages.every((m) => JSONRPCMessageSchema.safeParse(m).success)
}

/** The body parser's failures in JSON-RPC terms: what MCP clients read is `error.code` -32700/-32600. */
function bodyErrors(err: unknown, _req: Request, res: Response, next: NextFunction) {
  const e = err as { type?: string; limit?: number; status?: number; code?: string }
  if (e?.type === 'entity.parse.failed') return rpcError(res, 400, -32700, 'Parse error: the body is not valid JSON')
  if (e?.type === 'entity.too.large') return rpcError(res, 413, -32600, `Invalid Request: the body is larger than ${e.limit} bytes`)
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return rpcError(res, 415, -32700, 'Parse error: send the body as UTF-8 JSON, as is or with gzip, deflate or br')
  // A compressed body that does not decompress, or one cut short: nothing could be read.
  if ((typeof e?.code === 'string' && /^Z_|^ERR_(BROTLI|ZLIB)/.test(e.code)) || (typeof e?.status === 'number' && e.status >= 400 && e.status < 500))
    return rpcError(res, 400, -32700, 'Parse error: the body could not be read')
  next(err)
}

/**
 * `/mcp`: streamable HTTP in stateless mode, as the SDK recommends for API-style servers: a fresh
 * server and transport per POST, so nothing accumulates per client and no session can go stale.
 * Mount behind the token check. Only POST: with no session there is no stream for GET to open.
 */
export function mcpRouter(runtime: Runtime, opts: { bodyLimit: string }): Router {
  const router = Router()
  // Any JSON value parses here (a bare string too), so what is not a message is told apart from what is not JSON.
  router.post('/', express.json({ limit: opts.bodyLimit, strict: false }), bodyErrors, async (req: Request, res: Response) => {
    if (req.body !== undefined && !isJsonRpc(req.body))
      return rpcError(res, 400, -32600, 'Invalid Request: send a JSON-RPC 2.0 request, notification or response (or a non-empty batch of them)')
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
    let server: Awaited<ReturnType<typeof createAgentsMcpServer>> | undefined
    // A client that hangs up cancels its turn (the tool handler's signal aborts on close).
    res.on('close', () => {
      void transport.close()
      void server?.close()
    })
    try {
      server = await createAgentsMcpServer(runtime)
      await server.connect(transport)
      await transport.handleRequest(req, res, req.body)
    } catch (err) {
      requestLog(res).error({ err }, '/mcp request failed')
      if (!res.headersSent) rpcError(res, 500, -32603, 'Internal server error')
    }
  })
  // As the SDK's own stateless servers answer: 405 with a JSON-RPC error body, which MCP clients read.
  router.all('/', (req, res) => {
    res.setHeader('Allow', 'POST')
    rpcError(res, 405, -32000, `Method not allowed: ${req.method} on /mcp; this endpoint is stateless, POST JSON-RPC to it`)
  })
  return router
}
