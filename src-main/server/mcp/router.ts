import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { Router } from 'express'
import type { Runtime } from '../../core/runtime'
import { createAgentsMcpServer } from './agents-server'
import { log } from '../../base/log'

const methodNotAllowed = { jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this endpoint is stateless, POST JSON-RPC to /mcp' }, id: null }

/**
 * `/mcp`: streamable HTTP in stateless mode, as the SDK recommends for API-style servers: a fresh
 * server and transport per POST, so nothing accumulates per client and no session can go stale.
 * Mount behind the token check and a JSON body parser.
 */
export function mcpRouter(runtime: Runtime): Router {
  const router = Router()
  router.post('/', async (req, res) => {
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
      log.error({ err }, '/mcp request failed')
      if (!res.headersSent) res.status(500).json({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null })
    }
  })
  router.get('/', (_req, res) => void res.status(405).json(methodNotAllowed))
  router.delete('/', (_req, res) => void res.status(405).json(methodNotAllowed))
  return router
}
