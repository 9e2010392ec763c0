#!/usr/bin/env node
// A small sticky proxy for trying a team server on one machine without Caddy or nginx (and for
// bench/team): one port in front of several `agenta serve` processes. Not for production — use
// deploy/Caddyfile there.
//
//   node deploy/dev-proxy.mjs 8080 5001 5002
//
// A client without the `agenta_lb` cookie goes to the next process in turn and gets the cookie, so
// its later requests (Socket.IO's long-polling) stay on that process; WebSocket upgrades are piped
// to the chosen process as they are. A process that refuses the connection is skipped.
import { createServer, request } from 'node:http'
import { connect } from 'node:net'
import { pathToFileURL } from 'node:url'

const COOKIE = 'agenta_lb'

/** Starts the proxy; resolves with its port and a close function. */
export function startDevProxy({ port = 0, host = '127.0.0.1', upstreams }) {
  if (!upstreams.length) throw new Error('dev-proxy: give at least one upstream port')
  let next = 0
  const pick = (cookie) => {
    const m = /(?:^|;\s*)agenta_lb=(\d+)/.exec(cookie ?? '')
    if (m && Number(m[1]) < upstreams.length) return { index: Number(m[1]), fresh: false }
    const index = next++ % upstreams.length
    return { index, fresh: true }
  }

  const server = createServer((req, res) => {
    const { index, fresh } = pick(req.headers.cookie)
    const forward = (i, tries) => {
      const up = request({ host: '127.0.0.1', port: upstreams[i], method: req.method, path: req.url, headers: req.headers }, (upRes) => {
        const headers = { ...upRes.headers }
        if (fresh || i !== index) {
          const set = [].concat(headers['set-cookie'] ?? [])
          headers['set-cookie'] = [...set, `${COOKIE}=${i}; Path=/; HttpOnly; SameSite=Lax`]
        }
        res.writeHead(upRes.statusCode ?? 502, headers)
        upRes.pipe(res)
      })
      up.on('error', (err) => {
        // Nothing sent yet and the process is down: the next one takes the request (bodies are
        // not replayed, so only for requests whose body was not read yet: GET/HEAD).
        if (err.code === 'ECONNREFUSED' && tries < upstreams.length && (req.method === 'GET' || req.method === 'HEAD'))
          return forward((i + 1) % upstreams.length, tries + 1)
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: { code: 'upstream_error', message: `dev-proxy: process on port ${upstreams[i]}: ${err.code ?? err.message}` } }))
      })
      req.pipe(up)
    }
    forward(index, 1)
  })

  server.on('upgrade', (req, socket, head) => {
    const { index } = pick(req.headers.cookie)
    const up = connect(upstreams[index], '127.0.0.1', () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`]
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`)
      up.write(lines.join('\r\n') + '\r\n\r\n')
      if (head.length) up.write(head)
      up.pipe(socket).pipe(up)
    })
    const drop = () => {
      socket.destroy()
      up.destroy()
    }
    up.on('error', drop)
    socket.on('error', drop)
  })

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve({
        port: server.address().port,
        close: () =>
          new Promise((r) => {
            server.closeAllConnections()
            server.close(() => r())
          })
      })
    })
  })
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [port, ...ups] = process.argv.slice(2).map(Number)
  if (!Number.isInteger(port) || !ups.length || ups.some((p) => !Number.isInteger(p))) {
    process.stderr.write('usage: node deploy/dev-proxy.mjs LISTEN_PORT UPSTREAM_PORT [UPSTREAM_PORT…]\n')
    process.exit(2)
  }
  const { port: listening } = await startDevProxy({ port, upstreams: ups })
  process.stdout.write(`dev-proxy: http://127.0.0.1:${listening} → ${ups.map((p) => `127.0.0.1:${p}`).join(', ')} (sticky by cookie ${COOKIE})\n`)
}
