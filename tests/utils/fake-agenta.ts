import { createServer, type Server } from 'node:http'

/**
 * A server that looks like Agenta from outside (its OpenAPI document, /readyz, /api/auth/state)
 * with what a test chooses: another version, engines down, no accounts. For the desktop's
 * "Connect to a team server…" checks (core/team-servers.ts).
 */
export async function fakeAgenta(
  opts: { version?: string; ready?: boolean; accounts?: boolean; title?: string } = {}
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (req.url === '/api/openapi.json')
      return json(200, { openapi: '3.1.0', info: { title: opts.title ?? 'Agenta Studio API', version: opts.version ?? '9.0.0' } })
    if (req.url === '/readyz') return opts.ready === false ? json(503, { ok: false, failed: ['redis'], checks: {} }) : json(200, { ok: true, checks: {} })
    if (req.url === '/api/auth/state') return json(200, { accounts: opts.accounts ?? true, needsSetup: false, me: null })
    res.writeHead(404, { 'content-type': 'text/html' })
    res.end('<h1>Not here</h1>')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => new Promise((r) => server.close(() => r()))
  }
}
