import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js'
import express, { Router, type NextFunction, type Request, type Response } from 'express'
import type { Runtime } from '../../core/runtime'
import { createAgentsMcpServer } from './agents-server'
import { fromExpress, requestLog } from '../errors'
import { contextOf } from '../auth'

/** A JSON-RPC 2.0 error answer; `id` is null because a message we could not read has none we trust. */
function rpcError(res: Response, status: number, code: number, message: string) {
  res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id: null })
}

/** One message or a non-empty batch of them, each a request, notification or response. */
function isJsonRpc(body: unknown): boolean {
  const messages = Array.isArray(body) ? body : [body]
  return messages.length > 0 && messages.every((m) => JSONRPCMessageSchema.safeParse(m).success)
}

/**
 * The body parser's failures (classified once, in ../errors.ts) in JSON-RPC terms: what MCP clients
 * read is `error.code`, -32600 for a body over the limit and -32700 for one that cannot be read.
 */
function bodyErrors(err: unknown, _req: Request, res: Response, next: NextFunction) {
  const bad = fromExpress(err)
  if (!bad) return next(err)
  if (bad.code === 'payload_too_large') return rpcError(res, bad.status, -32600, `Invalid Request: ${bad.message}`)
  rpcError(res, bad.status, -32700, `Parse error: ${bad.message}`)
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
    const ctx = contextOf(res)
    if (ctx.principal.kind === 'user' && !ctx.principal.scopes.includes('chat'))
      return rpcError(res, 403, -32001, 'Forbidden: this token lacks the "chat" scope that /mcp needs')
    try {
      server = await createAgentsMcpServer(runtime, ctx)
      await server.connect(transport)
      await transport.handleRequest(req, res, req.body)
    } catch (err) {
      requestLog(res).error({ err }, '/mcp request failed')
      if (!res.headersSent) rpcError(res, 500, -32603, 'Internal server error')
    }
  })
  // As the SDK's own stateless servers answer: 405 with a JSON-RPC error body, which MCP clients read.
  // `/mcp///` too: the shared 405 below all routers strips trailing slashes but speaks our shape.
  router.all(/^\/+$/, (req, res) => {
    res.setHeader('Allow', 'POST')
    rpcError(res, 405, -32000, `Method not allowed: ${req.method} on /mcp; this endpoint is stateless, POST JSON-RPC to it`)
  })
  return router
}
