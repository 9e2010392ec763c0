import type { AddressInfo } from 'node:net'
import type { Server as HttpServer } from 'node:http'
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js'

export type ServerFactory = () => McpServer

export interface RunningServer {
  /** Set for HTTP: the endpoint clients connect to. */
  url?: string
  close(): Promise<void>
}

export async function serveStdio(factory: ServerFactory): Promise<RunningServer> {
  const server = factory()
  await server.connect(new StdioServerTransport())
  return { close: () => server.close() }
}

const methodNotAllowed = JSON.stringify({
  jsonrpc: '2.0',
  error: { code: -32000, message: 'Method not allowed: this server is stateless, POST to /mcp' },
  id: null
})

/**
 * Stateless streamable HTTP, as the SDK recommends for API-style servers: a fresh McpServer and
 * transport per POST, so requests share nothing but the process and no session can leak or pile up.
 * The SDK's express app adds DNS-rebinding protection when bound to a loopback address.
 */
export async function serveHttp(factory: ServerFactory, options: { host: string; port: number }): Promise<RunningServer> {
  const app = createMcpExpressApp({ host: options.host })

  app.post('/mcp', async (req, res) => {
    const server = factory()
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined })
    res.on('close', () => {
      void transport.close()
      void server.close()
    })
    try {
      await server.connect(transport)
      await transport.handleRequest(req, res, req.body)
    } catch (error) {
      process.stderr.write(`MCP request failed: ${(error as Error).stack ?? String(error)}\n`)
      if (!res.headersSent) {
        res.status(500).json({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null })
      }
    }
  })
  app.get('/mcp', (_req, res) => void res.status(405).type('application/json').send(methodNotAllowed))
  app.delete('/mcp', (_req, res) => void res.status(405).type('application/json').send(methodNotAllowed))
  app.get('/health', (_req, res) => void res.json({ ok: true }))

  const http = await new Promise<HttpServer>((resolve, reject) => {
    const listening = app.listen(options.port, options.host, (error?: Error) => {
      if (error) reject(error)
      else resolve(listening)
    })
    listening.once('error', reject)
  })
  const { port } = http.address() as AddressInfo
  const host = options.host.includes(':') ? `[${options.host}]` : options.host
  return {
    url: `http://${host}:${port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve())
        http.closeAllConnections()
      })
  }
}
