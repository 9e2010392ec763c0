import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect } from 'node:net'
import { join, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import express from 'express'
import { io as ioClient } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { closeLog, configureLog } from '../../src-main/base/log'
import { ErrorBody } from '../../src-main/contract/errors'
import { errorHandler, requestId } from '../../src-main/server/errors'
import { fromOwnPage } from '../../src-main/server/security'
import { bootServer, tempDir, type BootedServer } from '../utils/boot'
import { until } from '../utils/until'

/**
 * The HTTP and socket edge of the server under hostile input: nothing a client sends can end the
 * process, every refusal is a JSON error with the right status, cookies do not work across origins.
 */

const TOKEN = 'edge-token'
const root = resolve(import.meta.dirname, '../..')

/**
 * A raw HTTP/1.1 exchange: whatever bytes we like, the answer as text (status line, headers, body).
 * `end`: our side of the connection closes after the bytes (a client gone mid-request).
 */
function rawHttp(port: number, bytes: string | Buffer, { end = false } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let out = ''
    socket.on('data', (d) => (out += d))
    socket.on('end', () => resolve(out))
    socket.on('close', () => resolve(out))
    socket.on('error', reject)
    if (end) socket.end(bytes)
    else socket.write(bytes)
  })
}

/** A request with any headers (Host included), the answer's status, headers and parsed body. */
function send(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer }
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let text = ''
      res.on('data', (d) => (text += d))
      res.on('end', () => {
        let body: unknown = text
        try {
          body = JSON.parse(text)
        } catch {
          // not JSON: the assertion shows the text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body })
      })
    })
    req.on('error', reject)
    req.end(opts.body)
  })
}

/**
 * Socket.IO spoken by hand over a raw WebSocket, as a hostile page or script would: we choose the
 * handshake headers and the exact `40/studio,…` frames. Resolves with the namespace's answer frame.
 */
async function rawSocketIo(base: string, frames: string[], headers: Record<string, string> = {}): Promise<string[]> {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { headers })
  const received: string[] = []
  ws.on('message', (d) => received.push(String(d)))
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  await until(() => received.some((f) => f.startsWith('0{')), 'the engine.io open packet')
  // Each frame waits for its answer (40 connected / 44 refused, 43 for an event with an ack id):
  // the server drops events sent before their namespace is connected.
  const answers = () => received.filter((f) => /^4[034]/.test(f)).length
  for (const f of frames) {
    const before = answers()
    ws.send(f)
    if (f.startsWith('40') || /^42(\/[^,]*,)?\d+\[/.test(f)) await until(() => answers() > before || ws.readyState !== WebSocket.OPEN, `an answer to ${f}`)
  }
  ws.close()
  return received.filter((f) => /^4[034]/.test(f))
}

// ---------------------------------------------------------------------------------------------
// A real `agenta serve` process: a crash shows as the process gone, not as a test-runner warning.

interface Child {
  url: string
  port: number
  dataDir: string
  proc: ChildProcess
  alive(): Promise<boolean>
}

let child: Child

async function serveChild(): Promise<Child> {
  const dataDir = tempDir()
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'src-main/cli.ts'), 'serve', '--port', '0', '--data', dataDir, '--token', TOKEN, '--no-scheduler'],
    { cwd: root, env: { ...process.env, AGENTA_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] }
  )
  let out = ''
  proc.stdout!.on('data', (d) => (out += d))
  proc.stderr!.on('data', (d) => (out += d))
  const url = await new Promise<string>((res, rej) => {
    const check = () => {
      const m = out.match(/Studio: (http:\/\/\S+)\/\?token=/)
      if (m) res(m[1])
    }
    proc.stdout!.on('data', check)
    proc.on('exit', (code) => rej(new Error(`agenta serve exited ${code}: ${out}`)))
  })
  return {
    url,
    port: Number(new URL(url).port),
    dataDir,
    proc,
    async alive() {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`the server died: ${out.slice(-3000)}`)
      const res = await fetch(`${url}/healthz`)
      return res.status === 200
    }
  }
}

describe('nothing a client sends ends the process (a real `agenta serve`)', () => {
  beforeAll(async () => {
    child = await serveChild()
  }, 90_000)
  afterAll(() => {
    child?.proc.kill('SIGKILL')
  })

  it('refuses /studio handshakes with Origin: null, a non-string token, a mangled cookie or a foreign Host, and lives', async () => {
    const refusals: [string[], Record<string, string>][] = [
      [['40/studio,'], { origin: 'null' }],
      [['40/studio,{"token":1}'], {}],
      [['40/studio,{"token":{"a":[1]}}'], { origin: 'http://[' }],
      [['40/studio,'], { cookie: 'agenta_token=%ff' }]
    ]
    for (const [frames, headers] of refusals) {
      const answer = await rawSocketIo(child.url, frames, headers)
      expect(answer, JSON.stringify(headers)).toEqual([expect.stringMatching(/^44\/studio,\{"message":"unauthorized"\}$/)])
      expect(await child.alive()).toBe(true)
    }
    // A foreign Host does not get as far as a namespace: the Engine.IO handshake itself is refused.
    await expect(rawSocketIo(child.url, [`40/studio,{"token":"${TOKEN}"}`], { host: '127.0.0.1.nip.io' })).rejects.toThrow(/Unexpected server response: 40[03]/)
    expect(await child.alive()).toBe(true)
    // The right token still connects.
    expect(await rawSocketIo(child.url, [`40/studio,{"token":"${TOKEN}"}`])).toEqual([expect.stringMatching(/^40\/studio,\{"sid":/)])
  })

  it('answers garbage on the control socket with errors, and lives', async () => {
    expect(await rawSocketIo(child.url, ['40'], { origin: 'null' })).toEqual([expect.stringMatching(/^44\{"message":"origin null is not allowed"\}$/)])
    const answers = await rawSocketIo(child.url, [
      '40',
      '421["systemdata",12]',
      '422["agent_response","{not json"]',
      '423["digitalhuman_completion",null,null]'
    ])
    expect(answers[0]).toMatch(/^40\{"sid":/)
    for (const a of answers.slice(1)) expect(a).toMatch(/^43\d\[\{"status":"error","message":"Invalid payload/)
    expect(await child.alive()).toBe(true)
  })

  it('removes the partial file of a multipart upload cut inside the file part, and lives', async () => {
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }
    const kb = await (await fetch(`${child.url}/api/knowledge-bases`, { method: 'POST', headers, body: JSON.stringify({ name: 'cut' }) })).json()
    const boundary = 'XyZ'
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="notes.txt"\r\nContent-Type: text/plain\r\n\r\n`
    const part = head + 'a line of notes\n'.repeat(20_000)
    const incoming = join(child.dataDir, 'knowledge', 'uploads', '.incoming')
    const leftovers = () => {
      try {
        return readdirSync(incoming)
      } catch {
        return []
      }
    }
    const uploadHead = (length: number) =>
      `POST /api/knowledge-bases/${kb.id}/upload HTTP/1.1\r\nHost: 127.0.0.1:${child.port}\r\nAuthorization: Bearer ${TOKEN}\r\n` +
      `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`

    // The body ends inside the file part (no closing boundary): busboy's "Unexpected end of form".
    const answer = await rawHttp(child.port, uploadHead(part.length) + part)
    expect(answer).toMatch(/^HTTP\/1\.1 400 /)
    expect(ErrorBody.parse(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).error.message).toMatch(/multipart|interrupted/)
    expect(await child.alive()).toBe(true)
    await until(() => leftovers().length === 0, 'the partial file to be removed')

    // The connection itself drops mid-file.
    await new Promise<void>((resolve) => {
      const socket = connect(child.port, '127.0.0.1', () => {
        socket.write(uploadHead(part.length * 2) + part, () => setImmediate(() => socket.destroy()))
      })
      socket.on('close', () => resolve())
      socket.on('error', () => undefined)
    })
    expect(await child.alive()).toBe(true)
    await until(() => leftovers().length === 0, 'the partial file of the dropped upload to be removed')
    const docs = await (await fetch(`${child.url}/api/knowledge-bases/${kb.id}/documents`, { headers })).json()
    expect(docs).toEqual(expect.not.arrayContaining([expect.objectContaining({ name: 'notes.txt' })]))
  })
})

// ---------------------------------------------------------------------------------------------
// In-process server with a stand-in studio page.

let s: BootedServer

describe('the HTTP edge', () => {
  beforeAll(async () => {
    const rendererDir = tempDir('agenta-renderer-')
    mkdirSync(join(rendererDir, 'assets'))
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><div id="root"></div>')
    s = await bootServer({ server: { token: TOKEN, rendererDir } })
  })
  afterAll(() => s?.close())

  const cookie = `agenta_token=${TOKEN}`
  const isErrorShape = (body: unknown) => ErrorBody.safeParse(body).success

  it('answers only loopback IP literals and localhost among loopback-looking Host names', async () => {
    for (const host of ['127.0.0.1.nip.io', '127.evil.example', '127.0.0.1.', 'localhost.evil.example']) {
      const res = await send(`${s.url}/api/agents`, { headers: { host, authorization: `Bearer ${TOKEN}` } })
      expect(res.status, host).toBe(403)
      expect(isErrorShape(res.body)).toBe(true)
    }
    for (const host of ['127.0.0.1', `127.0.0.2:${s.server.port}`, `localhost:${s.server.port}`, '[::1]']) {
      expect((await send(`${s.url}/api/agents`, { headers: { host, authorization: `Bearer ${TOKEN}` } })).status, host).toBe(200)
    }
    const studio = ioClient(`${s.url}/studio`, {
      transports: ['websocket'],
      auth: { token: TOKEN },
      extraHeaders: { host: '127.0.0.1.nip.io' },
      reconnection: false
    })
    const refused = await new Promise<string>((resolve) => {
      studio.on('connect', () => resolve('connected'))
      studio.on('connect_error', (e) => resolve(e.message))
    })
    studio.close()
    expect(refused).not.toBe('connected')
    // Every namespace: the chat control socket too, and the handshake is refused before any namespace.
    expect((await send(`${s.url}/socket.io/?EIO=4&transport=polling`, { headers: { host: '127.0.0.1.nip.io' } })).status).toBe(403)
    expect((await send(`${s.url}/socket.io/?EIO=4&transport=polling`, { headers: { host: `127.0.0.1:${s.server.port}` } })).status).toBe(200)
  })

  it('refuses cookie-authenticated changes from another origin; same-origin pages and Bearer callers go through', async () => {
    const create = (headers: Record<string, string>) =>
      send(`${s.url}/api/agents`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ name: 'csrf' }) })
    const before = (await s.api('GET', '/api/agents')).body.length
    const foreign = await create({ cookie, origin: `http://127.0.0.1:8080` })
    expect(foreign.status).toBe(403)
    expect(foreign.body.error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/cross-origin/i) })
    expect((await create({ cookie, origin: 'null' })).status).toBe(403)
    expect((await create({ cookie, 'sec-fetch-site': 'same-site' })).status).toBe(403)
    expect((await s.api('GET', '/api/agents')).body).toHaveLength(before)
    // What the studio page sends: its own origin. Scripts with the token: no origin question.
    expect((await create({ cookie, origin: s.url })).status).toBe(201)
    expect((await create({ cookie, 'sec-fetch-site': 'same-origin' })).status).toBe(201)
    expect((await create({ authorization: `Bearer ${TOKEN}`, origin: 'http://127.0.0.1:8080' })).status).toBe(201)
    // Behind a reverse proxy that rewrites Host, the page's origin is a name the user allowed.
    const proxied = { method: 'POST', headers: { origin: 'https://studio.example', host: '127.0.0.1:5001' } }
    expect(fromOwnPage(proxied, ['studio.example'])).toBe(true)
    expect(fromOwnPage(proxied, [])).toBe(false)
    // Reading is not an attack the cookie needs guarding from (no CORS headers: the page cannot read it).
    expect((await send(`${s.url}/api/agents`, { headers: { cookie, origin: 'http://127.0.0.1:8080' } })).status).toBe(200)
  })

  it('turns ?token= into the cookie on any path without a 500 or a redirect off the server', async () => {
    for (const [path, location] of [
      ['//[', '/'],
      ['/.//evil.example/x', '/'],
      ['//evil.example/x', '/'],
      ['/agents', '/agents']
    ]) {
      const res = await rawHttp(s.server.port, `GET ${path}?token=${TOKEN} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
      expect(res, path).toMatch(/^HTTP\/1\.1 302 /)
      expect(res, path).toMatch(new RegExp(`\r\nLocation: ${location}\r\n`, 'i'))
    }
  })

  it('answers bad %-encoding with 400, and undecodable or unknown Content-Encoding with 400/415, in the JSON shape', async () => {
    for (const path of ['/chat/%ff', '/api/agents/%E0%A4%A', '/files/excel/%ff']) {
      const res = await send(`${s.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })
      expect(res.status, path).toBe(400)
      expect(res.body.error).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/%-encoding/) })
    }
    expect((await send(`${s.url}/chat/%ff`, {})).status).toBe(400)
    const post = (encoding: string, body: Buffer | string) =>
      send(`${s.url}/api/agents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-encoding': encoding },
        body
      })
    const garbled = await post('gzip', 'definitely not gzip')
    expect(garbled.status).toBe(400)
    expect(garbled.body.error).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/Content-Encoding/) })
    const unknown = await post('x-unknown', '{}')
    expect(unknown.status).toBe(415)
    expect(unknown.body.error.code).toBe('unsupported_media_type')
    expect((await post('gzip', gzipSync(JSON.stringify({ name: 'zipped' })))).status).toBe(201)
  })

  it('does not act on a request cut off inside a body no parser reads; a whole one still goes through', async () => {
    const agent = (
      await send(`${s.url}/api/agents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: '{"name":"Cut"}'
      })
    ).body
    const keyNow = async () => (await send(`${s.url}/api/agents/${agent.id}`, { headers: { authorization: `Bearer ${TOKEN}` } })).body.publicKey
    const before = await keyNow()
    // Two body bytes announced, none sent, then the connection closes (found by the fuzz run, seed 1298575943 case 104).
    const cut = await rawHttp(
      Number(new URL(s.url).port),
      `POST /api/agents/${agent.id}/rotate-key HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: \r\nContent-Length: 2\r\n\r\n`,
      { end: true }
    )
    // Before, the key was rotated and the answer was 200 (the route ran as soon as the headers were in).
    expect(cut).not.toMatch(/^HTTP\/1\.1 200/)
    expect(await keyNow()).toBe(before)
    // The same request with its two bytes (text/plain, ignored as before) rotates the key.
    const whole = await send(`${s.url}/api/agents/${agent.id}/rotate-key`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' },
      body: '{}'
    })
    expect(whole.status).toBe(200)
    expect(await keyNow()).not.toBe(before)
  })

  it('answers everything outside the studio page in the JSON error shape, 404 or 405 with Allow', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` }
    const cases: [string, string, number, string?][] = [
      ['GET', '/.well-known/oauth-authorization-server', 404],
      ['GET', '/.well-known/oauth-protected-resource/mcp', 404],
      ['GET', '/authorize', 404],
      ['POST', '/register', 404],
      ['GET', '/chat-message', 405, 'POST, OPTIONS'],
      ['GET', '/mcp/x', 404],
      ['PUT', '/mcp', 405, 'POST'],
      ['PATCH', '/mcp', 405, 'POST'],
      ['OPTIONS', '/mcp', 405, 'POST'],
      ['GET', '/mcp', 405, 'POST'],
      ['GET', '/mcp///', 405, 'POST'],
      ['GET', '/api/nope', 404],
      ['PATCH', '/api/agents', 405, 'GET, POST'],
      ['GET', '/v1/nope', 404],
      ['GET', '/assets/missing.js', 404],
      ['DELETE', '/', 405, 'GET, HEAD'],
      ['POST', '/healthz', 405, 'GET, HEAD']
    ]
    for (const [method, path, status, allow] of cases) {
      const res = await send(`${s.url}${path}`, { method, headers: auth })
      expect(res.status, `${method} ${path}`).toBe(status)
      expect(res.headers['content-type'], `${method} ${path}`).toMatch(/application\/json/)
      // /v1 speaks OpenAI's error shape, the /mcp endpoint JSON-RPC's (as the MCP SDK's servers do); everything else ours.
      if (path.startsWith('/v1')) expect(res.body.error).toMatchObject({ message: expect.any(String), type: expect.any(String) })
      else if (/^\/mcp\/*$/.test(path)) expect(res.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000, message: expect.any(String) } })
      else expect(isErrorShape(res.body), `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(true)
      if (allow) expect(res.headers.allow, `${method} ${path}`).toBe(allow)
    }
    // Refused before /v1's router (a foreign Host): still OpenAI's shape.
    const foreign = await send(`${s.url}/v1/models`, { headers: { ...auth, host: 'evil.example' } })
    expect(foreign.status).toBe(403)
    expect(foreign.body.error).toMatchObject({ type: 'permission_error', message: expect.stringContaining('evil.example') })
    // The studio page itself is still there.
    const page = await send(`${s.url}/`, {})
    expect(page.status).toBe(200)
    expect(page.body).toMatch(/<div id="root">/)
  })

  it('challenges with WWW-Authenticate: Bearer on /api, /mcp and /v1', async () => {
    for (const [method, path] of [
      ['GET', '/api/agents'],
      ['POST', '/mcp'],
      ['GET', '/v1/models']
    ]) {
      const res = await send(`${s.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined })
      expect(res.status, path).toBe(401)
      expect(res.headers['www-authenticate'], path).toMatch(/^Bearer realm="[^"]+", error="invalid_token", error_description="[^"]+"$/)
      expect(res.body.error.message, path).toMatch(/token/)
    }
  })

  it('gives MCP SDK clients without a token a clean 401, with or without an OAuth provider', async () => {
    const bare = new Client({ name: 'no-token', version: '1.0.0' })
    const err = await bare.connect(new StreamableHTTPClientTransport(new URL(`${s.url}/mcp`))).then(
      () => null,
      (e: unknown) => e as Error & { code?: number }
    )
    expect(err).toMatchObject({ code: 401, message: expect.stringMatching(/Missing or wrong access token/) })

    // mcp-remote and the Inspector bring an OAuth provider: discovery must end in "unauthorized", not in parsing our HTML.
    let redirected: URL | undefined
    const provider = {
      redirectUrl: 'http://127.0.0.1:1/callback',
      clientMetadata: { redirect_uris: ['http://127.0.0.1:1/callback'], client_name: 'edge-test' },
      clientInformation: () => undefined,
      saveClientInformation: () => undefined,
      tokens: () => undefined,
      saveTokens: () => undefined,
      redirectToAuthorization: (url: URL) => void (redirected = url),
      saveCodeVerifier: () => undefined,
      codeVerifier: () => 'v'
    }
    const oauth = new Client({ name: 'oauth', version: '1.0.0' })
    const failure = await oauth.connect(new StreamableHTTPClientTransport(new URL(`${s.url}/mcp`), { authProvider: provider })).then(
      () => null,
      (e: unknown) => e as Error
    )
    expect(failure).toBeInstanceOf(Error)
    expect(failure).not.toBeInstanceOf(SyntaxError)
    expect(String(failure)).not.toMatch(/Unexpected token|<!doctype/i)
    expect(String(failure)).toMatch(/does not use OAuth/)
    expect(redirected).toBeUndefined()
  })

  it('answers malformed JSON-RPC on /mcp with -32700 / -32600, and advertises no tool-list notifications', async () => {
    const post = (body: string) =>
      send(`${s.url}/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body
      })
    const parse = await post('{"jsonrpc": "2.0", "method": ')
    expect(parse.status).toBe(400)
    expect(parse.body).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: expect.stringMatching(/^Parse error/) }, id: null })
    for (const body of ['{}', '[]', '"hello"', '42', '{"jsonrpc":"1.0","method":"ping","id":1}', '[{"jsonrpc":"2.0","method":"ping","id":1}, 7]']) {
      const res = await post(body)
      expect(res.status, body).toBe(400)
      expect(res.body, body).toEqual({ jsonrpc: '2.0', error: { code: -32600, message: expect.stringMatching(/^Invalid Request/) }, id: null })
    }
    // A body that cannot be decoded is a parse error too, in JSON-RPC's shape (found by the fuzz suite).
    for (const [encoding, status] of [
      ['gzip', 400],
      ['deflate', 400],
      ['gzip, gzip', 415]
    ] as const) {
      const res = await send(`${s.url}/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-encoding': encoding, accept: 'application/json' },
        body: '{}'
      })
      expect(res.status, encoding).toBe(status)
      expect(res.body, encoding).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: expect.stringMatching(/^Parse error/) }, id: null })
    }

    await s.api('POST', '/api/agents', { name: 'Helper' })
    const client = new Client({ name: 'caps', version: '1.0.0' })
    await client.connect(new StreamableHTTPClientTransport(new URL(`${s.url}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }))
    const caps = client.getServerCapabilities()
    await client.close()
    expect(caps?.tools).toBeDefined()
    expect(caps?.tools?.listChanged).not.toBe(true)
  })

  it('answers HTTP that Node cannot parse with the JSON error shape', async () => {
    const bad = await rawHttp(s.server.port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n')
    expect(bad).toMatch(/^HTTP\/1\.1 400 /)
    expect(bad).toMatch(/content-type: application\/json/i)
    expect(isErrorShape(JSON.parse(bad.slice(bad.indexOf('\r\n\r\n') + 4)))).toBe(true)
    const huge = await rawHttp(s.server.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
    expect(huge).toMatch(/^HTTP\/1\.1 431 /)
    expect(JSON.parse(huge.slice(huge.indexOf('\r\n\r\n') + 4)).error.code).toBe('headers_too_large')
    const proxy = await rawHttp(s.server.port, 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n')
    expect(proxy).toMatch(/^HTTP\/1\.1 405 /)
    expect(JSON.parse(proxy.slice(proxy.indexOf('\r\n\r\n') + 4)).error.code).toBe('method_not_allowed')
  })

  it('gives every answer a request id: a sane X-Request-Id is kept, anything else replaced', async () => {
    const kept = await send(`${s.url}/healthz`, { headers: { 'x-request-id': 'trace-42.a' } })
    expect(kept.headers['x-request-id']).toBe('trace-42.a')
    const replaced = await send(`${s.url}/healthz`, { headers: { 'x-request-id': 'bad id %s\u00e9'.replace('\u00e9', 'e') + ' '.repeat(3) + 'x'.repeat(200) } })
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect((await send(`${s.url}/nope`, {})).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })
})

describe('the error handler', () => {
  it('logs every 5xx with its request id and the path as a field, and answers in the JSON shape', async () => {
    const dir = tempDir('agenta-log-')
    configureLog({ dir, console: 'none', level: 'info' })
    try {
      const app = express()
      app.use(requestId)
      app.get('/boom/:what', () => {
        throw new Error('kaput')
      })
      app.use(errorHandler)
      const server = app.listen(0, '127.0.0.1')
      await new Promise((r) => server.once('listening', r))
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
      const res = await send(`${url}/boom/%25s%25d`, { headers: { 'x-request-id': 'req-5xx-1' } })
      server.close()
      expect(res.status).toBe(500)
      expect(res.body).toEqual({ error: { code: 'internal', message: 'Internal error' } })
      await closeLog()
      const lines = readFileSync(join(dir, 'logs', 'agenta.log'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 50,
          msg: 'request failed',
          requestId: 'req-5xx-1',
          path: '/boom/%25s%25d',
          err: expect.objectContaining({ message: 'kaput' })
        })
      )
    } finally {
      configureLog({ console: 'none', level: 'silent' })
    }
  })
})
