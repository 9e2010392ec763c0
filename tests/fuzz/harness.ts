import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib'
import Database from 'better-sqlite3'
import { build as esbuild } from 'esbuild'
import fc from 'fast-check'
import { z } from 'zod'
import { endpoints } from '../../src-main/contract/api'
import { ErrorBody } from '../../src-main/contract/errors'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'
import {
  caseArb,
  contractRoutes,
  protocolRoutes,
  SOCKET_EVENTS,
  VALID_STUDIO_AUTH,
  type FuzzCase,
  type GenContext,
  type HttpCase,
  type Mut,
  type Route,
  type SocketCase,
  type Val
} from './arbitraries'
import { sendRaw, type RawRequest, type RawResponse } from './raw-http'

/**
 * Runs fuzz cases against a server in a child process and checks each answer: the process lives
 * (it answers /healthz after every case), no 5xx, every error in its protocol's shape, nothing
 * refused is executed. Failures are grouped into classes (kind + route + detail), and each class
 * keeps its smallest reproducer, shrunk by dropping mutations.
 */

const repo = resolve(import.meta.dirname, '../..')
const TOKEN = 'fuzz-token-5b9e2c1d7a'
const FOREIGN_ORIGIN = 'http://127.0.0.1:8080'
const ALLOWED_ORIGIN = 'https://allowed.example'

export type FailureKind = 'crash' | 'hang' | '5xx' | 'shape' | 'accepted' | 'state' | 'leak'

export interface Failure {
  kind: FailureKind
  route: string
  detail: string
}

export interface FailureClass extends Failure {
  key: string
  count: number
  /** Index of the first case (replay it with FUZZ_CASE). */
  first: number
  reproducer: string
  minimized: boolean
}

export interface FuzzReport {
  seed: number
  cases: number
  seconds: number
  casesPerSecond: number
  counts: Record<FailureKind, number>
  byRoute: Record<string, Partial<Record<FailureKind, number>>>
  classes: FailureClass[]
  /** Lines the server logged at error level, by message. */
  serverErrors: Record<string, number>
  restarts: number
}

// ---------- the server process ----------

interface Child {
  proc: ChildProcess
  port: number
  dataDir: string
  stderr: string
  errors: { msg: string; err?: string }[]
  dead: boolean
  db?: Database.Database
}

function fakeRenderer(root: string): string {
  const dir = join(root, 'renderer')
  mkdirSync(dir, { recursive: true })
  // The SPA fallback and the phone page are served from these, as from the built renderer.
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><body><div id="root"></div></body></html>')
  writeFileSync(join(dir, 'phone.html'), '<!doctype html><html><head></head><body><div id="phone"></div></body></html>')
  return dir
}

/**
 * The child's sources bundled once per run (esbuild, packages left external): it then starts in
 * ~2.5 s instead of ~8 s under tsx, which matters when a crash means a restart.
 */
async function bundleChild(): Promise<string> {
  const out = join(repo, 'out/fuzz', `server-child-${process.pid}.mjs`)
  await esbuild({
    entryPoints: [join(repo, 'tests/fuzz/server-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: out,
    logLevel: 'warning'
  })
  return out
}

async function startChild(root: string, n: number, entry: string): Promise<Child> {
  const dataDir = join(root, `data-${n}`)
  mkdirSync(dataDir, { recursive: true })
  const proc = spawn(process.execPath, [entry, dataDir, TOKEN, fakeRenderer(root)], {
    cwd: repo,
    env: { ...process.env, AGENTA_MALLOC_TUNED: '1' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const child: Child = { proc, port: 0, dataDir, stderr: '', errors: [], dead: false }
  proc.on('exit', () => (child.dead = true))
  proc.stderr!.on('data', (d: Buffer) => (child.stderr = (child.stderr + d.toString()).slice(-8000)))
  let pending = ''
  const ready = new Promise<number>((res, rej) => {
    proc.stdout!.on('data', (d: Buffer) => {
      pending += d.toString()
      let nl
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl)
        pending = pending.slice(nl + 1)
        try {
          const o = JSON.parse(line) as { ready?: string; level?: number; msg?: string; err?: { message?: string } }
          if (o.ready) res(Number(new URL(o.ready).port))
          else if ((o.level ?? 0) >= 50) child.errors.push({ msg: o.msg ?? '?', err: o.err?.message })
        } catch {
          // not a log line
        }
      }
    })
    proc.on('exit', (code) => rej(new Error(`fuzz server exited (${code}) before listening: ${child.stderr}`)))
  })
  child.port = await ready
  return child
}

function stopChild(child: Child): Promise<void> {
  child.db?.close()
  if (child.dead) return Promise.resolve()
  return new Promise((res) => {
    const t = setTimeout(() => child.proc.kill('SIGKILL'), 5000)
    child.proc.once('exit', () => {
      clearTimeout(t)
      res()
    })
    child.proc.kill('SIGTERM')
  })
}

// ---------- talking to it ----------

async function api(child: Child, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`http://127.0.0.1:${child.port}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`)
  return text ? JSON.parse(text) : null
}

interface Seed {
  agent: { id: string; uuid: string; publicKey: string }
  hidden: { id: string; uuid: string; publicKey: string }
}

const multipart = (boundary: string, parts: { field: string; filename?: string; ctype?: string; content: string }[]) =>
  Buffer.from(
    parts
      .map(
        (p) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${p.field}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}\r\n` +
          `${p.ctype ? `Content-Type: ${p.ctype}\r\n` : ''}\r\n${p.content}\r\n`
      )
      .join('') + `--${boundary}--\r\n`
  )

/** The entities the cases refer to: a provider on the fake model server, published and unpublished agents, a session, a knowledge base with a document, a memory, a tool, a schedule. */
async function seed(child: Child, llm: FakeLlm): Promise<Seed> {
  const provider = await api(child, 'POST', '/api/providers', { name: 'fake', baseUrl: llm.baseUrl, apiKey: 'k' })
  await api(child, 'POST', `/api/providers/${provider.id}/refresh-models`)
  const models = (await api(child, 'GET', '/api/models')) as { id: string; name?: string; modelId?: string; type: string }[]
  const embed = models.find((m) => m.type === 'embedding')
  const agent = await api(child, 'POST', '/api/agents', {
    name: 'Fuzz Agent',
    providerId: provider.id,
    model: 'fake-chat',
    published: true,
    allowedOrigins: [ALLOWED_ORIGIN]
  })
  const hidden = await api(child, 'POST', '/api/agents', { name: 'Hidden', providerId: provider.id, model: 'fake-chat' })
  await api(child, 'POST', '/api/agents', { name: 'No Model', published: true })
  await api(child, 'POST', '/api/sessions', { agentId: agent.id })
  const kb = await api(child, 'POST', '/api/knowledge-bases', { name: 'kb', embeddingModelId: embed?.id ?? null })
  const up = await sendRaw(child.port, {
    method: 'POST',
    target: `/api/knowledge-bases/${kb.id}/upload`,
    headers: [
      ['Authorization', `Bearer ${TOKEN}`],
      ['Content-Type', 'multipart/form-data; boundary=seed']
    ],
    body: multipart('seed', [{ field: 'file', filename: 'seed.md', content: '# Tea\n\nGreen tea is picked in spring.' }])
  })
  if (up.status !== 201) throw new Error(`seed upload → ${up.status} ${up.body.toString().slice(0, 200)}`)
  await api(child, 'POST', '/api/memories', { userId: 'u1', text: 'likes tea' })
  await api(child, 'POST', '/api/tools', { name: 'tool', config: { transport: 'stdio', command: '/nonexistent/fuzz-command' } })
  await api(child, 'POST', '/api/schedules', {
    name: 'sched',
    instruction: 'hi',
    agentId: agent.id,
    schedule: { type: 'interval', every: 10000, unit: 'hours' }
  })
  return { agent, hidden }
}

// ---------- resolving a case into bytes ----------

class Refs {
  private cache = new Map<string, Promise<Val[]>>()
  constructor(private child: Child) {}
  clear() {
    this.cache.clear()
  }
  list(path: string): Promise<Val[]> {
    let p = this.cache.get(path)
    if (!p) {
      p = this.load(path).catch(() => [])
      this.cache.set(path, p)
    }
    return p
  }
  private async load(path: string): Promise<Val[]> {
    if (path === 'mcp:tools') {
      const res = await fetch(`http://127.0.0.1:${this.child.port}/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} })
      })
      return ((await res.json()) as { result?: { tools?: Val[] } }).result?.tools ?? []
    }
    const data = await api(this.child, 'GET', path)
    if (Array.isArray(data)) return data
    const arr = data && typeof data === 'object' ? Object.values(data).find(Array.isArray) : undefined
    return (arr as Val[]) ?? []
  }
}

const isObj = (v: unknown): v is Record<string, Val> => !!v && typeof v === 'object' && !Array.isArray(v)

interface Resolved {
  params: Record<string, string>
  symbols: Record<string, string>
}

async function resolveVal(v: Val, refs: Refs, r: Resolved): Promise<Val> {
  if (typeof v === 'string') return v.replace(/\{(llm|files|token)\}/g, (_m, k: string) => r.symbols[k])
  if (Array.isArray(v)) return Promise.all(v.map((x) => resolveVal(x, refs, r)))
  if (!isObj(v)) return v
  if ('$huge' in v && typeof v.$huge === 'number') return 'x'.repeat(v.$huge)
  if ('$ref' in v && isObj(v.$ref)) {
    const { list, i, field } = v.$ref as { list: string; i: number; field: string }
    const path = list.replace(/:(\w+)/g, (_m, p: string) => encodeURIComponent(r.params[p] ?? 'x'))
    const items = await refs.list(path)
    if (!items.length) return 'missing'
    const item = items[i % items.length]
    return isObj(item) ? ((item[field] ?? item.id ?? 'missing') as Val) : item
  }
  const out: Record<string, Val> = {}
  for (const [k, x] of Object.entries(v))
    Object.defineProperty(out, k, { value: await resolveVal(x, refs, r), enumerable: true, writable: true, configurable: true })
  return out
}

const setIn = (obj: Val | undefined, path: string[], value: Val | undefined): Val => {
  const base: Record<string, Val> = isObj(obj) ? { ...obj } : {}
  const [k, ...rest] = path
  if (k === undefined) return value ?? null
  const next = rest.length ? setIn(base[k], rest, value) : value
  if (next === undefined) delete base[k]
  else Object.defineProperty(base, k, { value: next, enumerable: true, writable: true, configurable: true })
  return base
}

/** encodeURIComponent that takes lone surrogates too (as a browser does: U+FFFD). */
const enc = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'))
const wire = (v: Val): string => (typeof v === 'string' ? v : JSON.stringify(v))

interface Built {
  req: RawRequest
  /** What the server is expected to see as input when no transport-level mutation hides it (oracle). */
  input?: Record<string, Val>
  method: string
  path: string
  auth: HttpCase['auth']
  origin?: string
  host?: string
}

async function build(c: HttpCase, refs: Refs, seedInfo: Seed, symbols: Record<string, string>): Promise<Built> {
  const r: Resolved = { params: {}, symbols }
  for (const [name, v] of Object.entries(c.params)) r.params[name] = String(wire(await resolveVal(v, refs, r)))
  const last = <T extends Mut['t']>(t: T) => c.muts.filter((m): m is Extract<Mut, { t: T }> => m.t === t).at(-1)
  const auth = last('auth')?.v ?? c.auth
  const method = last('method')?.v ?? c.method
  let path = c.path.replace(/:(\w+)/g, (_m, p: string) => {
    const raw = c.muts.find((m) => m.t === 'rawParam' && m.p === p) as Extract<Mut, { t: 'rawParam' }> | undefined
    return raw ? raw.v : enc(r.params[p] ?? '')
  })
  for (const m of c.muts) if (m.t === 'suffix') path += m.v

  let query = (await resolveVal(c.query, refs, r)) as Record<string, Val>
  let body = c.body === undefined ? undefined : await resolveVal(c.body, refs, r)
  const hasBody = c.body !== undefined || c.parts !== undefined
  for (const m of c.muts) {
    if (m.t === 'set') {
      const v = await resolveVal(m.v, refs, r)
      if (hasBody) body = setIn(body, m.path, v)
      else query = setIn(query, m.path, v) as Record<string, Val>
    } else if (m.t === 'drop') {
      if (hasBody) body = setIn(body, m.path, undefined)
      else query = setIn(query, m.path, undefined) as Record<string, Val>
    }
  }
  const qs = Object.entries(query).map(([k, v]) => `${enc(k)}=${enc(wire(v))}`)
  for (const m of c.muts) if (m.t === 'rawQuery') qs.push(m.v)
  // Another agent's key must be one of an agent unpublished now (a case may have published the seeded one).
  const unpublished = (await refs.list('/api/agents')).find((a) => isObj(a) && a.published === false) as { publicKey?: string } | undefined
  const key = auth === 'key' || auth === 'keyHeader' ? seedInfo.agent.publicKey : auth === 'keyOther' ? (unpublished?.publicKey ?? 'pk_wrong') : 'pk_wrong'
  if (auth === 'query') qs.push(`token=${TOKEN}`)
  const target = path + (qs.length ? (path.includes('?') ? '&' : '?') + qs.join('&') : '')

  const headers: [string, string][] = []
  if (auth === 'token') headers.push(['Authorization', `Bearer ${TOKEN}`])
  if (auth === 'wrong') headers.push(['Authorization', 'Bearer wrong-token'])
  if (auth === 'empty') headers.push(['Authorization', 'Bearer '])
  if (auth === 'basic') headers.push(['Authorization', `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`])
  if (auth === 'key' || auth === 'keyWrong' || auth === 'keyOther') headers.push(['Authorization', `Bearer ${key}`])
  if (auth === 'keyHeader') headers.push(['X-Agenta-Key', key])
  if (auth === 'cookie' || auth === 'cookieForeign') headers.push(['Cookie', `agenta_token=${TOKEN}`])
  if (auth === 'cookieForeign') headers.push(['Origin', FOREIGN_ORIGIN])
  if (c.family === 'mcp') headers.push(['Accept', 'application/json, text/event-stream'])
  for (const m of c.muts) if (m.t === 'header') headers.push([m.k, m.v])

  let payload: Buffer | undefined
  let ctype: string | null = null
  let cutAt: number | undefined
  if (c.parts) {
    const parts = await Promise.all(c.parts.map(async (p) => ({ ...p, content: String(await resolveVal(p.content, refs, r)) })))
    payload = multipart('fuzzB0undary', parts)
    const b = last('boundary')?.v
    ctype =
      b === 'missing'
        ? 'multipart/form-data'
        : b === 'other'
          ? 'multipart/form-data; boundary=other'
          : b === 'quoted'
            ? 'multipart/form-data; boundary="fuzzB0undary"'
            : 'multipart/form-data; boundary=fuzzB0undary'
    const t = last('truncate')
    if (t) payload = payload.subarray(0, Math.floor(payload.length * t.keep))
  } else if (body !== undefined) {
    payload = Buffer.from(JSON.stringify(body))
    ctype = 'application/json'
  }
  const rawBody = last('rawBody')
  if (rawBody) {
    payload =
      rawBody.hex !== undefined
        ? Buffer.from(rawBody.hex, 'hex')
        : rawBody.nest !== undefined
          ? Buffer.from('['.repeat(rawBody.nest) + ']'.repeat(rawBody.nest === 100_000 ? 0 : rawBody.nest))
          : rawBody.huge !== undefined
            ? Buffer.from(`{"a":"${'x'.repeat(rawBody.huge)}"}`)
            : Buffer.from(rawBody.text ?? '')
    ctype ??= 'application/json'
  }
  const ct = last('ctype')
  if (ct) ctype = ct.v
  if (ctype !== null && payload) headers.push(['Content-Type', ctype])
  const encoding = last('cenc')
  if (encoding && payload) {
    if (encoding.valid) {
      const e = encoding.v.toLowerCase()
      payload = e === 'gzip' ? gzipSync(payload) : e === 'deflate' ? deflateSync(payload) : e === 'br' ? brotliCompressSync(payload) : payload
    }
    headers.push(['Content-Encoding', encoding.v])
  }
  const cut = last('cut')
  if (cut && payload) cutAt = Math.floor(payload.length * cut.keep)

  // The oracle applies only when the server sees exactly the input we modelled.
  const opaque = c.muts.some((m) => ['rawParam', 'suffix', 'rawQuery', 'rawBody', 'ctype', 'cenc', 'cut', 'truncate', 'boundary', 'method'].includes(m.t))
  const input = opaque || c.family === 'upload' ? undefined : { ...(hasBody ? (isObj(body) ? body : {}) : mapValues(query, (v) => wire(v))), ...r.params }
  const hdr = (k: string) => headers.filter(([h]) => h.toLowerCase() === k).map(([, v]) => v)
  // Node keeps the first Host and joins repeated Origins, as the server then sees them.
  const origins = hdr('origin')
  return {
    req: { method, target, headers, body: payload, cutAt },
    input,
    method,
    path,
    auth,
    origin: origins.length ? origins.join(', ') : undefined,
    host: hdr('host')[0]
  }
}

const mapValues = (o: Record<string, Val>, f: (v: Val) => Val) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)])) as Record<string, Val>

// ---------- checks ----------

const OpenAiErrorShape = z.object({ error: z.object({ message: z.string(), type: z.string() }) })
const JsonRpcError = z.object({ jsonrpc: z.literal('2.0'), error: z.object({ code: z.number().int(), message: z.string() }) })
/** Host names the server must answer to: loopback with any port (a malformed `[::1` is still loopback, and no browser sends it). */
const hostAllowedLike = (h: string | undefined) => h === undefined || /^(127\.0\.0\.1|localhost|\[?::1\]?)(:\d+)?$/.test(h)

function parseJson(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8'))
  } catch {
    return undefined
  }
}

/** Which error shape an answer at this path must have; undefined for UI pages. */
function shapeFor(path: string): 'api' | 'openai' | 'jsonrpc' | 'ui' {
  if (/^\/v1\b/.test(path)) return 'openai'
  // Only the endpoint itself speaks JSON-RPC; /mcp/x is a path nobody serves.
  if (/^\/mcp\/*$/.test(path.split(/[?#]/)[0])) return 'jsonrpc'
  if (/^\/chat\/[^/]+/.test(path) && !/^\/chat\/?$/.test(path)) return 'ui'
  return 'api'
}

function checkShape(path: string, res: RawResponse): string | undefined {
  const kind = shapeFor(path)
  const json = parseJson(res.body)
  // What Node's HTTP parser refuses (an unknown method, headers over the limit) never reaches a
  // route, so no protocol is known yet: the API's shape is the answer everywhere.
  const parsed = ErrorBody.safeParse(json)
  if (parsed.success && (res.status === 431 || (res.status === 400 && parsed.data.error.message === 'Malformed HTTP request'))) return undefined
  const ctype = res.headers['content-type'] ?? ''
  if (kind === 'ui' && /html/.test(ctype)) return undefined
  if (kind === 'openai') return OpenAiErrorShape.safeParse(json).success ? undefined : `not the OpenAI error shape (${describeBody(res)})`
  if (kind === 'jsonrpc') {
    if (JsonRpcError.safeParse(json).success) return undefined
    // A batch answer is an array of responses; an auth/host refusal may use the API shape.
    if (ErrorBody.safeParse(json).success && (res.status === 401 || res.status === 403)) return undefined
    return `not a JSON-RPC error (${describeBody(res)})`
  }
  return ErrorBody.safeParse(json).success ? undefined : `not {"error":{"code","message"}} (${describeBody(res)})`
}

const describeBody = (res: RawResponse) => {
  const ctype = (res.headers['content-type'] ?? 'no content-type').split(';')[0]
  const text = res.body.toString('utf8').replace(/\s+/g, ' ').trim()
  return `${ctype}, ${text ? JSON.stringify(text.slice(0, 60)) : 'empty body'}`
}

/** Must the server refuse this request whatever its body (credentials, host, origin)? */
function mustRefuse(route: Route | undefined, b: Built): string | undefined {
  if (b.host !== undefined && !hostAllowedLike(b.host)) return `Host: ${b.host}`
  // Another method than the route's reaches another handler (or none): the route's rules do not apply.
  if (!route || (b.method !== route.method && !/^\/(api|mcp)\b/.test(b.path))) return undefined
  const foreign = b.origin !== undefined && b.origin !== `http://${b.host ?? '127.0.0.1'}`
  const safe = b.method === 'GET' || b.method === 'HEAD' || b.method === 'OPTIONS'
  if (route.auth === 'studio') {
    // Reading with the cookie from another origin is not required to fail (CORS keeps the answer from the page); changing is.
    if (b.auth === 'cookieForeign' && safe) return undefined
    if (!VALID_STUDIO_AUTH.includes(b.auth)) return `auth ${b.auth}`
    if (b.auth === 'cookie' && foreign && !safe) return `cookie from origin ${b.origin}`
  }
  if (route.auth === 'chat') {
    if (['none', 'wrong', 'empty', 'basic', 'keyWrong', 'keyOther', 'cookieForeign'].includes(b.auth)) return `auth ${b.auth}`
    if (b.auth === 'cookie' && foreign) return `cookie from origin ${b.origin}`
    if ((b.auth === 'key' || b.auth === 'keyHeader') && foreign && b.origin !== ALLOWED_ORIGIN) return `key from origin ${b.origin}`
  }
  return undefined
}

// ---------- state ----------

const VOLATILE = /At$|^(next|last)|status|count|progress|running|total|chunks|bytes|eta/i
const stable = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(stable)
    : isObj(v)
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([k]) => !VOLATILE.test(k))
            .map(([k, x]) => [k, stable(x)])
        )
      : v

const getRoutes = new Set(
  Object.values(endpoints)
    .filter((e) => e.method === 'GET')
    .map((e) => e.path)
)

/** The GET route that shows what a request could change: the route's own path or the nearest one above it. */
function subjectOf(c: HttpCase): string | undefined {
  if (c.family === 'upload') return '/api/knowledge-bases/:id/documents'
  if (!c.path.startsWith('/api/')) return undefined
  const segs = c.path.split('/')
  for (let n = segs.length; n > 2; n--) {
    const p = segs.slice(0, n).join('/')
    if (getRoutes.has(p)) return p
  }
  return undefined
}

async function snapshot(child: Child, c: HttpCase, params: Record<string, string>): Promise<string> {
  child.db ??= new Database(join(child.dataDir, 'agenta.db'), { readonly: true, fileMustExist: true })
  const sessions = (child.db.prepare("SELECT count(*) AS n FROM chat_sessions WHERE user_id <> 'scheduler'").get() as { n: number }).n
  const subject = subjectOf(c)
  let shown: unknown = null
  if (subject) {
    const path = subject.replace(/:(\w+)/g, (_m, p: string) => encodeURIComponent(params[p] ?? ''))
    shown = await api(child, 'GET', path).catch((err: Error) => err.message.replace(/^.*→ (\d+).*$/s, '$1'))
  }
  return JSON.stringify({ sessions, subject: stable(shown) })
}

// ---------- running cases ----------

export interface Outcome {
  failures: Failure[]
  status: number
  /** The request as sent, for the reproducer (ids are those of the run that failed). */
  shown: string
}

interface Env {
  child: Child
  refs: Refs
  seed: Seed
  routes: Map<string, Route>
  symbols: Record<string, string>
}

/**
 * A 502/504 that says a model provider or embedding server did not answer (ours: `upstream_error`;
 * /v1: OpenAI's `server_error` with `x-should-retry`) is the gateway status for a fault upstream,
 * as the contract declares it, not the server failing: a fuzzed provider points at a closed port.
 */
function upstreamFault(res: { status: number; headers: Record<string, string | undefined>; body: Buffer }): boolean {
  if (res.status !== 502 && res.status !== 504) return false
  try {
    const body = JSON.parse(res.body.toString('utf8')) as { error?: { code?: string; type?: string } }
    return body.error?.code === 'upstream_error' || (body.error?.type === 'server_error' && res.headers['x-should-retry'] === 'false')
  } catch {
    return false
  }
}

async function runHttp(env: Env, c: HttpCase): Promise<Outcome> {
  const route = env.routes.get(c.route)
  const b = await build(c, env.refs, env.seed, env.symbols)
  const refuse = mustRefuse(route, b)
  const writes = !['GET', 'HEAD', 'OPTIONS'].includes(b.method)
  const before = writes ? await snapshot(env.child, c, Object.fromEntries(Object.entries(b.input ?? {}).map(([k, v]) => [k, String(v)]))) : undefined
  const res = await sendRaw(env.child.port, b.req)
  const shown = showRequest(b, c)
  if (process.env.FUZZ_DEBUG) process.stderr.write(`${b.req.method} ${b.req.target.slice(0, 120)} → ${res.status} ${res.body.subarray(0, 300).toString()}\n`)
  const failures: Failure[] = []
  const f = (kind: FailureKind, detail: string) => failures.push({ kind, route: c.route, detail })
  if (res.timedOut) f('hang', 'no answer in 15 s')
  const cut = b.req.cutAt !== undefined
  if (!cut && !res.timedOut) {
    // A server may answer a large body early and close: TCP then drops the answer with the reset.
    if (res.dropped && (b.req.body?.length ?? 0) < 1_000_000) f('shape', 'connection closed without an answer')
    else if (res.status >= 500 && !upstreamFault(res)) f('5xx', `${res.status} ${describeBody(res)}`)
    else if (res.status >= 400 && res.status < 500 && b.method !== 'HEAD') {
      const bad = checkShape(b.path, res)
      if (bad) f('shape', `${res.status} ${bad}`)
      if (res.status === 401 && /^\/(api|v1|mcp)(\/|$)/.test(b.path) && !/bearer/i.test(res.headers['www-authenticate'] ?? ''))
        f('shape', '401 without WWW-Authenticate: Bearer')
    }
    if (res.status >= 200 && res.status < 400) {
      if (c.family === 'probe') f('shape', `${res.status} ${describeBody(res)} for a path no page lives at`)
      else if (refuse) f('accepted', `${res.status} with ${refuse}`)
      else if (route?.schema && b.input && !route.schema.safeParse(b.input).success) f('accepted', `${res.status} for input the contract refuses`)
    }
    const text = res.body.toString('utf8')
    if (/\n\s+at \S+ \(?\/.+:\d+:\d+/.test(text)) f('leak', `${res.status} body holds a stack trace`)
    if (refuse && text.includes(TOKEN)) f('leak', `${res.status} body holds the token`)
  }
  // A crash is reported as such; what a dead server answers (nothing) or holds says nothing more.
  if (env.child.dead) return { failures: failures.filter((x) => x.kind !== 'shape' || !x.detail.includes('without an answer')), status: res.status, shown }
  if (writes && before !== undefined && (refuse || cut || res.status >= 400)) {
    const after = await snapshot(env.child, c, Object.fromEntries(Object.entries(b.input ?? {}).map(([k, v]) => [k, String(v)])))
    if (after !== before)
      f('state', `${cut ? 'cut request' : refuse ? `refused (${refuse})` : `answered ${res.status}`} but changed ${subjectOf(c) ?? 'sessions'}`)
  }
  if (writes) env.refs.clear()
  return { failures, status: res.status, shown }
}

async function runRaw(env: Env, c: Extract<FuzzCase, { kind: 'raw' }>): Promise<Outcome> {
  const head = c.head.replace(/\{host\}/g, `127.0.0.1:${env.child.port}`).replace(/\{token\}/g, TOKEN)
  const res = await sendRaw(env.child.port, { head, method: '', target: '', headers: [], body: c.body ? Buffer.from(c.body, 'latin1') : undefined })
  const failures: Failure[] = []
  const shown = JSON.stringify(c.head.slice(0, 300) + (c.body ?? ''))
  if (res.timedOut) failures.push({ kind: 'hang', route: c.route, detail: 'no answer in 15 s' })
  else if (res.dropped) failures.push({ kind: 'shape', route: c.route, detail: 'connection closed without an answer' })
  else if (res.status >= 500) failures.push({ kind: '5xx', route: c.route, detail: `${res.status} ${describeBody(res)}` })
  else if (res.status >= 400) {
    const bad = checkShape('/', res)
    if (bad) failures.push({ kind: 'shape', route: c.route, detail: `${res.status} ${bad}` })
  }
  return { failures, status: res.status, shown }
}

/** Engine.IO v4 over long-polling, by hand, so every header and packet byte is ours. */
async function runSocket(env: Env, c: SocketCase): Promise<Outcome> {
  const port = env.child.port
  const failures: Failure[] = []
  const f = (kind: FailureKind, detail: string) => failures.push({ kind, route: c.route, detail })
  const shown = `Socket.IO (Engine.IO polling); headers ${JSON.stringify(c.headers)}${c.authKind.startsWith('cookie') ? ' + studio cookie' : ''}; CONNECT ${c.nsp} ${c.auth === undefined ? '' : JSON.stringify(c.auth)}; then ${JSON.stringify(c.packets).slice(0, 300)}`
  const headers: [string, string][] = c.headers.map(([k, v]) => [k, v])
  if (c.authKind === 'cookie' || c.authKind === 'cookieForeign') headers.push(['Cookie', `agenta_token=${TOKEN}`])
  const poll = (sid?: string, body?: string, timeoutMs = 5000) =>
    sendRaw(
      port,
      {
        method: body === undefined ? 'GET' : 'POST',
        target: `/socket.io/?EIO=4&transport=polling${sid ? `&sid=${sid}` : ''}`,
        headers: body === undefined ? headers : [...headers, ['Content-Type', 'text/plain;charset=UTF-8']],
        body: body === undefined ? undefined : Buffer.from(body)
      },
      timeoutMs
    )
  const open = await poll()
  if (open.timedOut) return { failures: [{ kind: 'hang', route: c.route, detail: 'no Engine.IO handshake answer' }], status: 0, shown }
  if (open.status >= 500) f('5xx', `handshake ${open.status}`)
  const sid = /"sid":"([^"]+)"/.exec(open.body.toString())?.[1]
  if (!sid) return { failures, status: open.status, shown }
  const prefix = c.nsp === '/' ? '' : `${c.nsp},`
  const authText = c.auth === undefined ? '' : JSON.stringify(c.auth).replace(/\{token\}/g, TOKEN)
  await poll(sid, `40${prefix}${authText}`)
  const reply = await poll(sid, undefined, 3000)
  const text = reply.body.toString()
  const connected = new RegExp(`(^|\\x1e)40${prefix.replace(/[/]/g, '\\/')}\\{"sid"`).test(text)
  const host = headers.filter(([k]) => k.toLowerCase() === 'host')[0]?.[1]
  const origins = headers.filter(([k]) => k.toLowerCase() === 'origin').map(([, v]) => v)
  const origin = origins.length ? origins.join(', ') : undefined
  const foreign = origin !== undefined && origin !== `http://${host ?? `127.0.0.1:${port}`}`
  if (connected) {
    let why: string | undefined
    if (c.nsp !== '/' && c.nsp !== '/studio') why = `namespace ${c.nsp}`
    else if (!hostAllowedLike(host)) why = `Host: ${host}`
    else if (c.nsp === '/studio' && !(c.authKind === 'token' || (c.authKind === 'cookie' && !foreign)))
      why = `auth ${c.authKind}${c.authKind === 'cookie' ? ` from origin ${origin}` : ''}`
    else if (c.nsp === '/' && foreign && origin !== ALLOWED_ORIGIN) why = `origin ${origin}`
    if (why) f('accepted', `connected with ${why}`)
  }
  let ackId = 0
  for (const p of connected ? c.packets : c.packets.filter((x) => x.t === 'raw')) {
    if (env.child.dead) break
    if (p.t === 'raw') {
      await poll(sid, p.v)
      continue
    }
    const payload = JSON.stringify(p.payload).replace(/\{token\}/g, TOKEN)
    const id = ++ackId
    await poll(sid, `42${prefix}${id}${JSON.stringify([p.name]).slice(0, -1)},${payload}]`)
    const schema = SOCKET_EVENTS[p.name]
    if (c.nsp !== '/' || !schema) continue
    const ack = await poll(sid, undefined, 3000)
    const m = new RegExp(`43${id}(\\[.*\\])`).exec(ack.body.toString())
    const answer = m ? (parseJson(Buffer.from(m[1])) as unknown[] | undefined)?.[0] : undefined
    const okShape = z.union([z.object({ status: z.literal('success') }), z.object({ status: z.literal('error'), message: z.string() })]).safeParse(answer)
    if (!m) continue
    if (!okShape.success) f('shape', `${p.name} ack ${JSON.stringify(answer)?.slice(0, 60)}`)
    let decoded: unknown = p.payload
    if (typeof decoded === 'string') {
      try {
        decoded = JSON.parse(decoded)
      } catch {
        // kept as text, as the server does
      }
    }
    if (okShape.success && okShape.data.status === 'success' && !schema.safeParse(decoded).success)
      f('accepted', `${p.name} acked success for a payload the contract refuses`)
  }
  await poll(sid, '1').catch(() => undefined)
  return { failures, status: open.status, shown }
}

// ---------- the run ----------

export interface RunOptions {
  seed: number
  cases: number
  /** Run only this case index (replay). */
  only?: number
  minimize?: boolean
  progress?: (done: number, total: number, failures: number) => void
  /** Stop after this many server restarts (a crash-heavy run would spend its time restarting). */
  maxRestarts?: number
}

const emptyCounts = (): Record<FailureKind, number> => ({ crash: 0, hang: 0, '5xx': 0, shape: 0, accepted: 0, state: 0, leak: 0 })

export async function runFuzz(opts: RunOptions): Promise<FuzzReport> {
  const root = mkdtempSync(join(process.env.AGENTA_TEST_TMP ?? tmpdir(), 'agenta-fuzz-'))
  const files = join(root, 'files')
  mkdirSync(files, { recursive: true })
  writeFileSync(join(files, 'notes.txt'), 'Black tea is oxidised; green tea is not.')
  writeFileSync(join(files, 'faq.md'), '# FAQ\n\nOpen from 9 to 5.')
  const llm = await startFakeLlm()
  const symbols = { llm: llm.baseUrl, files, token: TOKEN }
  const entry = await bundleChild()
  let restarts = 0
  const child = await startChild(root, restarts, entry)
  const seedInfo = await seed(child, llm)
  // After the first crash a seeded spare server waits, so a crash costs no start-up time.
  let spare: Promise<{ child: Child; seed: Seed }> | undefined
  const fresh = async () => {
    const c = await startChild(root, ++restarts, entry)
    return { child: c, seed: await seed(c, llm) }
  }
  const openapi = await (await fetch(`http://127.0.0.1:${child.port}/api/openapi.json`)).json()
  const routes = [...contractRoutes(openapi), ...protocolRoutes()]
  const routeMap = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]))
  const ctx: GenContext = {
    urls: ['{llm}', 'http://127.0.0.1:1/v1'],
    files: ['{files}/notes.txt', '{files}/faq.md'],
    lists: Object.values(endpoints)
      .filter((e) => e.method === 'GET' && !e.path.includes(':'))
      .map((e) => e.path)
  }
  const cases = fc.sample(caseArb(routes, ctx), { seed: opts.seed, numRuns: opts.cases })
  let env: Env = { child, refs: new Refs(child), seed: seedInfo, routes: routeMap, symbols }

  const restart = async () => {
    await stopChild(env.child)
    const next = await (spare ?? fresh())
    spare = fresh()
    spare.catch(() => undefined)
    env = { ...env, child: next.child, refs: new Refs(next.child), seed: next.seed }
    crashes++
  }
  let crashes = 0

  /** One case, then the liveness check; a dead or stuck server is restarted for the next case. */
  const runOne = async (c: FuzzCase): Promise<{ failures: Failure[]; shown: string }> => {
    const errorsBefore = env.child.errors.length
    let out: Outcome
    try {
      out = c.kind === 'http' ? await runHttp(env, c) : c.kind === 'raw' ? await runRaw(env, c) : await runSocket(env, c)
    } catch (err) {
      out = { failures: [], status: 0, shown: JSON.stringify(c).slice(0, 400) }
      if (!env.child.dead) throw err
    }
    const failures = out.failures
    // A 5xx names what the server logged for it, so one cause on many routes is one class.
    const logged = env.child.errors.slice(errorsBefore).find((e) => e.err)
    for (const fl of failures) if (fl.kind === '5xx' && logged) fl.detail += ` — server: ${logged.err}`
    const health = env.child.dead ? undefined : await sendRaw(env.child.port, { method: 'GET', target: '/healthz', headers: [] }, 5000)
    if (env.child.dead || !health || health.status !== 200) {
      // Give a dying process a moment to exit so its last words are in stderr.
      for (let i = 0; i < 20 && !env.child.dead; i++) await new Promise((r) => setTimeout(r, 50))
      const why = env.child.dead ? lastError(env.child.stderr) : `no /healthz answer (${health?.timedOut ? 'timeout' : health?.status})`
      failures.push({ kind: env.child.dead ? 'crash' : 'hang', route: c.route, detail: why })
      await restart()
    }
    for (const e of env.child.errors.slice(errorsBefore))
      if (/unhandled|uncaught/i.test(e.msg)) failures.push({ kind: 'crash', route: c.route, detail: `${e.msg}: ${e.err ?? ''}` })
    return { failures, shown: out.shown }
  }

  const classes = new Map<string, FailureClass & { case: FuzzCase }>()
  const counts = emptyCounts()
  const byRoute: FuzzReport['byRoute'] = {}
  const serverErrors: Record<string, number> = {}
  const started = Date.now()
  const indexes = opts.only !== undefined ? [opts.only] : cases.map((_c, i) => i)
  let done = 0
  for (const i of indexes) {
    if (opts.maxRestarts !== undefined && crashes >= opts.maxRestarts) break
    const c = cases[i]
    const errorsBefore = env.child.errors.length
    const t0 = Date.now()
    const { failures, shown } = await runOne(c)
    if (process.env.FUZZ_PROFILE) process.stderr.write(`${Date.now() - t0}ms #${i} ${c.kind} ${c.route}\n`)
    for (const e of env.child.errors.slice(errorsBefore))
      serverErrors[`${e.msg}${e.err ? `: ${e.err.slice(0, 80)}` : ''}`] = (serverErrors[`${e.msg}${e.err ? `: ${e.err.slice(0, 80)}` : ''}`] ?? 0) + 1
    for (const fl of dedupe(failures)) {
      counts[fl.kind]++
      const r = (byRoute[fl.route] ??= {})
      r[fl.kind] = (r[fl.kind] ?? 0) + 1
      const key = classKey(fl)
      const cls = classes.get(key)
      if (cls) {
        cls.count++
        if (size(c) < size(cls.case)) Object.assign(cls, { case: c, first: i, reproducer: shown })
      } else classes.set(key, { ...fl, route: classRoute(fl), key, count: 1, first: i, case: c, reproducer: shown, minimized: false })
    }
    done++
    opts.progress?.(
      done,
      indexes.length,
      Object.values(counts).reduce((a, b) => a + b, 0)
    )
  }
  const seconds = (Date.now() - started) / 1000

  for (const cls of classes.values()) {
    if (opts.minimize !== false && cls.case.kind === 'http' && cls.case.muts.length > 0) {
      const small = await minimize(cls.case, cls.key, runOne)
      if (small) Object.assign(cls, { case: small.case, reproducer: small.shown, minimized: true })
    }
  }
  await stopChild(env.child)
  if (spare) await stopChild((await spare).child)
  await llm.close()
  rmSync(entry, { force: true })
  rmSync(root, { recursive: true, force: true })
  return {
    seed: opts.seed,
    cases: done,
    seconds,
    casesPerSecond: Math.round((done / seconds) * 10) / 10,
    counts,
    byRoute,
    classes: [...classes.values()].map(({ case: _c, ...rest }) => rest).sort((a, b) => a.kind.localeCompare(b.kind) || a.route.localeCompare(b.route)),
    serverErrors,
    restarts: crashes
  }
}

const lastError = (stderr: string) =>
  (
    stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /Error|error|reject/.test(l) && !/^at /.test(l))
      .at(-1) ?? 'process exited'
  ).slice(0, 160)

const dedupe = (fs: Failure[]) => [...new Map(fs.map((x) => [classKey(x), x])).values()]
const size = (c: FuzzCase) => JSON.stringify(c).length

/** Failures are the same class when kind, route and the gist of the detail agree (numbers and quoted text dropped). */
/**
 * Causes that do not depend on the route (Node's own answers to malformed HTTP, a missing header
 * on every 401, one server error behind many routes) are one class per protocol, not per route.
 */
function classRoute(f: Failure): string {
  const generic = /empty body|closed without an answer|WWW-Authenticate|server: (Failed to decode|URI malformed)/.test(f.detail)
  if (!generic) return f.route
  return f.route.startsWith('raw') ? 'raw HTTP' : `${/^\S+ (\/[^/]*)/.exec(f.route)?.[1] ?? f.route}/*`
}

export function classKey(f: Failure): string {
  const route = classRoute(f)
  const gist = f.detail
    .replace(/"[^"]*"/g, '"…"')
    .replace(/'[^']*'/g, "'…'")
    .replace(/\b[0-9a-f]{8,}\b/g, '#')
    .replace(/:\d+/g, ':#')
  return `${f.kind} | ${route} | ${gist}`
}

/** Greedy shrinking: drop each mutation (then each body field) while the same failure class still shows. */
async function minimize(
  c: HttpCase,
  key: string,
  runOne: (c: FuzzCase) => Promise<{ failures: Failure[]; shown: string }>
): Promise<{ case: HttpCase; shown: string } | undefined> {
  let best: { case: HttpCase; shown: string } | undefined
  const tryCase = async (x: HttpCase) => {
    const out = await runOne(x)
    if (!out.failures.some((fl) => classKey(fl) === key)) return false
    best = { case: x, shown: out.shown }
    return true
  }
  let cur = c
  for (let i = cur.muts.length - 1; i >= 0; i--) {
    const next = { ...cur, muts: cur.muts.filter((_m, j) => j !== i) }
    if (await tryCase(next)) cur = next
  }
  if (isObj(cur.body)) {
    for (const k of Object.keys(cur.body)) {
      const body = { ...(cur.body as Record<string, Val>) }
      delete body[k]
      const next = { ...cur, body }
      if (await tryCase(next)) cur = next
    }
  }
  return best
}

function showRequest(b: Built, c: HttpCase): string {
  const head = [`${b.req.method} ${b.req.target.slice(0, 200)}`, ...b.req.headers.map(([k, v]) => `${k}: ${v.replace(TOKEN, '<token>').slice(0, 100)}`)].join(
    '\n'
  )
  const body = b.req.body ? `\n\n${b.req.body.subarray(0, 300).toString('utf8')}${b.req.body.length > 300 ? `… (${b.req.body.length} bytes)` : ''}` : ''
  const cut = b.req.cutAt !== undefined ? `\n(connection closed after ${b.req.cutAt} of ${b.req.body?.length} body bytes)` : ''
  return head + body + cut + (c.muts.length ? `\nmutations: ${JSON.stringify(c.muts).slice(0, 300)}` : '')
}

/** The report as text: totals, failures by route, then each distinct class with its reproducer. */
export function formatReport(r: FuzzReport): string {
  const lines = [
    `fuzz: seed ${r.seed} (replay: FUZZ_SEED=${r.seed}), ${r.cases} cases in ${r.seconds.toFixed(1)} s = ${r.casesPerSecond} cases/s, ${r.restarts} server restarts`,
    `crashes ${r.counts.crash}, hangs ${r.counts.hang}, 5xx ${r.counts['5xx']}, bad shape ${r.counts.shape}, wrongly accepted ${r.counts.accepted}, refused-but-changed ${r.counts.state}, leaks ${r.counts.leak}`
  ]
  const routes = Object.entries(r.byRoute).sort(([a], [b]) => a.localeCompare(b))
  if (routes.length) {
    lines.push('', 'failures by route:')
    for (const [route, c] of routes)
      lines.push(
        `  ${route.padEnd(52)} ${Object.entries(c)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}`
      )
  }
  if (r.classes.length) {
    lines.push('', `${r.classes.length} distinct failures:`)
    r.classes.forEach((c, i) => {
      lines.push('', `#${i + 1} [${c.kind}] ${c.route}: ${c.detail} (×${c.count}; first case ${c.first}: FUZZ_SEED=${r.seed} FUZZ_CASE=${c.first})`)
      lines.push(...c.reproducer.split('\n').map((l) => `    ${l}`))
    })
  }
  const errs = Object.entries(r.serverErrors)
  if (errs.length) {
    lines.push('', 'server error log lines:')
    for (const [m, n] of errs.sort((a, b) => b[1] - a[1]).slice(0, 20)) lines.push(`  ${n} × ${m}`)
  }
  return lines.join('\n')
}
