// Shared by the digitalhuman browser tests: digitalhuman/ modules bundled for a test page with
// Vite (no app build needed), and a loopback server for the page, its bundle and its audio.
import { writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, resolve } from 'node:path'
import { build } from 'vite'
import { tempDir } from '../utils/boot'

export const ROOT = resolve(import.meta.dirname, '../..')

/** Bundles an entry module's source (it may import `${ROOT}/digitalhuman/...`) into one IIFE script. */
export async function bundleForPage(source: string): Promise<string> {
  const dir = tempDir('dh-page-')
  writeFileSync(join(dir, 'entry.js'), source)
  type Output = { output: { code?: string }[] }
  const out = (await build({
    configFile: false,
    logLevel: 'silent',
    root: dir,
    // Under the test runner (NODE_ENV=test) JSX compiles to the development runtime: give React
    // its development build to match (a page bundle has no process.env).
    define: { 'process.env.NODE_ENV': '"development"' },
    build: { write: false, minify: false, lib: { entry: join(dir, 'entry.js'), formats: ['iife'], name: 'dhTest' } }
  })) as Output[] | Output
  return (Array.isArray(out) ? out[0] : out).output[0].code!
}

export const PAGE_HTML = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>digital human</title><style>body{margin:0;font-family:sans-serif}.av{width:200px;height:240px;display:inline-block}</style></head><body><div id="stage" class="av"></div><div id="gallery"></div><script src="/bundle.js"></script></body></html>`

export type Route = (req: IncomingMessage, body: Buffer) => Promise<{ status?: number; type: string; body: Buffer | string | Uint8Array }>

/** Serves static files (path → [type, body]) and dynamic routes on 127.0.0.1. */
export async function servePage(
  files: Record<string, [string, Buffer | string]>,
  routes: Record<string, Route> = {}
): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (b: Buffer) => parts.push(b))
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]
      const route = routes[path]
      if (route) {
        route(req, Buffer.concat(parts)).then(
          (r) => res.writeHead(r.status ?? 200, { 'content-type': r.type }).end(r.body),
          (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(err.message)
        )
        return
      }
      const file = files[path]
      if (!file) return void res.writeHead(404).end()
      res.writeHead(200, { 'content-type': file[0] }).end(file[1])
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}
