import fc from 'fast-check'
import { z } from 'zod'
import { endpoints, streams } from '../../src-main/contract/api'
import { AgentResponse, ChatInitBody, ChatMessageBody, DigitalHumanCompletion, OpenAiChatRequest, SystemData } from '../../src-main/contract/chat'

/**
 * Every request the fuzzer sends, as fast-check arbitraries derived from the contract: the REST
 * routes and their input schemas come from `endpoints`/`streams` (a new endpoint is fuzzed without
 * touching this file), the chat protocol and /v1 bodies from the schemas in contract/chat.ts, and
 * any path of /api/openapi.json that the table does not name from the document's own schemas.
 *
 * A case is data, not a request: ids of live entities are references ({$ref}) resolved when the
 * case runs, long strings are {$huge} markers, and each hostile change is a separate mutation, so
 * the same seed gives the same cases and a failure shrinks by dropping mutations.
 */

// ---------- values ----------

/** A live entity's field, resolved at run time: `list` is a GET route of the contract (or `mcp:tools`). */
export interface Ref {
  $ref: { list: string; i: number; field: string }
}
export interface Huge {
  $huge: number
}
export type Val = null | boolean | number | string | Ref | Huge | Val[] | { [k: string]: Val }

export type Family = 'api' | 'stream' | 'upload' | 'chat' | 'v1' | 'mcp' | 'files' | 'web' | 'probe' | 'raw' | 'openapi' | 'socket'

/** How a request authenticates. `cookieForeign` is the studio cookie sent from another origin on the same host. */
export type Auth = 'token' | 'query' | 'cookie' | 'cookieForeign' | 'none' | 'wrong' | 'empty' | 'basic' | 'key' | 'keyHeader' | 'keyWrong' | 'keyOther'
export const VALID_STUDIO_AUTH: Auth[] = ['token', 'query', 'cookie']

export type Mut =
  | { t: 'auth'; v: Auth }
  | { t: 'method'; v: string }
  /** Replace path parameter `p` with raw text (not encoded: bad %-escapes reach the server as they are). */
  | { t: 'rawParam'; p: string; v: string }
  | { t: 'suffix'; v: string }
  | { t: 'rawQuery'; v: string }
  | { t: 'header'; k: string; v: string }
  | { t: 'set'; path: string[]; v: Val }
  | { t: 'drop'; path: string[] }
  /** The whole body replaced: text, or hex bytes, or JSON nested `nest` deep. */
  | { t: 'rawBody'; text?: string; hex?: string; nest?: number; huge?: number }
  | { t: 'ctype'; v: string | null }
  /** Content-Encoding; `valid` gzips the body for real. */
  | { t: 'cenc'; v: string; valid: boolean }
  /** Send this fraction of the body, then close the connection. */
  | { t: 'cut'; keep: number }
  /** The multipart body ends early but Content-Length matches what is sent. */
  | { t: 'truncate'; keep: number }
  | { t: 'boundary'; v: 'missing' | 'other' | 'quoted' }

export interface Part {
  field: string
  filename?: string
  ctype?: string
  content: string | Huge
}

export interface HttpCase {
  kind: 'http'
  family: Family
  /** The route's template, e.g. `PUT /api/models/:id`: failures are grouped by it. */
  route: string
  method: string
  path: string
  params: Record<string, Val>
  /** GET/DELETE input (query) or, for POST/PUT, extra query pairs. */
  query: Record<string, Val>
  body?: Val
  parts?: Part[]
  auth: Auth
  muts: Mut[]
}

export interface RawCase {
  kind: 'raw'
  family: 'raw'
  route: string
  /** The head as sent (`{port}` is replaced), then the body. */
  head: string
  body?: string
}

export type SocketPacket = { t: 'event'; name: string; payload: Val; ack: boolean } | { t: 'raw'; v: string }

export interface SocketCase {
  kind: 'socket'
  family: 'socket'
  route: string
  nsp: string
  /** What goes in the CONNECT packet (auth); `token` resolves to the real token. */
  auth: Val | undefined
  authKind: 'token' | 'wrong' | 'none' | 'garbage' | 'cookie' | 'cookieForeign'
  headers: [string, string][]
  packets: SocketPacket[]
}

export type FuzzCase = HttpCase | RawCase | SocketCase

// ---------- routes ----------

export interface Route {
  family: Family
  method: string
  path: string
  /** The contract's schema of the input (path params, query and body merged): the oracle of what must be refused. */
  schema?: z.ZodType
  /** What generation walks (JSON Schema); from the zod schema or the OpenAPI document. */
  json?: JsonSchema
  /** Valid credentials for the route (others must be refused). */
  auth: 'studio' | 'chat' | 'public'
  /** Body fix-ups that make schema-derived input more often get past the route's own checks. */
  shape?: (v: Val) => Val
}

type JsonSchema = {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  items?: JsonSchema
  minItems?: number
  maxItems?: number
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  enum?: unknown[]
  const?: unknown
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
  nullable?: boolean
  format?: string
  pattern?: string
  $ref?: string
  $defs?: Record<string, JsonSchema>
  default?: unknown
}

export const toJson = (s: z.ZodType): JsonSchema => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as JsonSchema

/** The REST routes of the contract, the stream routes, then paths only the OpenAPI document names. */
export function contractRoutes(openapi?: { paths?: Record<string, Record<string, { requestBody?: any; parameters?: any[] }>> }): Route[] {
  const routes: Route[] = Object.values(endpoints).map((ep) => ({
    family: 'api',
    method: ep.method,
    path: ep.path,
    schema: ep.input,
    json: toJson(ep.input),
    auth: 'studio'
  }))
  for (const s of Object.values(streams))
    routes.push({ family: 'stream', method: 'POST', path: s.path, schema: s.input, json: toJson(s.input), auth: 'studio' })
  const known = new Set([...routes, ...protocolRoutes()].map((r) => `${r.method} ${r.path}`))
  for (const [oaPath, ops] of Object.entries(openapi?.paths ?? {})) {
    const path = oaPath.replace(/\{(\w+)\}/g, ':$1')
    for (const [method, op] of Object.entries(ops)) {
      const m = method.toUpperCase()
      if (!['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].includes(m) || known.has(`${m} ${path}`)) continue
      const body = op.requestBody?.content?.['application/json']?.schema as JsonSchema | undefined
      const query: JsonSchema = {
        type: 'object',
        properties: Object.fromEntries((op.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => [p.name, p.schema ?? {}]))
      }
      const family: Family = path.startsWith('/v1') ? 'v1' : path.startsWith('/mcp') ? 'mcp' : path.startsWith('/api') ? 'api' : 'chat'
      routes.push({ family: family === 'api' ? 'openapi' : family, method: m, path, json: body ?? query, auth: family === 'api' ? 'studio' : 'chat' })
    }
  }
  return routes
}

const lastUser = (v: Val): Val => {
  if (!v || typeof v !== 'object' || Array.isArray(v) || !Array.isArray((v as any).messages)) return v
  return { ...v, messages: [...((v as any).messages as Val[]), { role: 'user', content: 'Say hello' }] }
}

/** The protocols outside the REST table; their bodies still come from the contract's schemas. */
export function protocolRoutes(): Route[] {
  return [
    { family: 'chat', method: 'POST', path: '/chat-init', schema: ChatInitBody, json: toJson(ChatInitBody), auth: 'chat' },
    { family: 'chat', method: 'POST', path: '/chat-message', schema: ChatMessageBody, json: toJson(ChatMessageBody), auth: 'chat' },
    { family: 'v1', method: 'POST', path: '/v1/chat/completions', schema: OpenAiChatRequest, json: toJson(OpenAiChatRequest), auth: 'chat', shape: lastUser },
    { family: 'v1', method: 'GET', path: '/v1/models', json: { type: 'object' }, auth: 'chat' },
    { family: 'mcp', method: 'POST', path: '/mcp', auth: 'studio' },
    {
      family: 'upload',
      method: 'POST',
      path: '/api/knowledge-bases/:id/upload',
      json: { type: 'object', properties: { id: { type: 'string' } } },
      auth: 'studio'
    },
    { family: 'files', method: 'GET', path: '/files/excel/:name', json: { type: 'object', properties: { name: { type: 'string' } } }, auth: 'studio' },
    { family: 'web', method: 'GET', path: '/chat/:uuid', json: { type: 'object', properties: { uuid: { type: 'string' } } }, auth: 'public' },
    { family: 'web', method: 'GET', path: '/embed.js', json: { type: 'object' }, auth: 'public' },
    { family: 'web', method: 'GET', path: '/embed/check/:uuid', json: { type: 'object', properties: { uuid: { type: 'string' } } }, auth: 'public' },
    { family: 'web', method: 'GET', path: '/healthz', json: { type: 'object' }, auth: 'public' },
    { family: 'web', method: 'GET', path: '/api/openapi.json', json: { type: 'object' }, auth: 'public' }
  ]
}

/**
 * Paths no UI page lives at, which OAuth-probing MCP clients and stray requests hit: each must be
 * a JSON error (404/405), never the studio page with 200 nor Express's HTML.
 */
export const PROBES: [string, string][] = [
  ['GET', '/.well-known/oauth-authorization-server'],
  ['GET', '/.well-known/oauth-protected-resource'],
  ['GET', '/.well-known/oauth-protected-resource/mcp'],
  ['GET', '/.well-known/openid-configuration'],
  ['POST', '/register'],
  ['GET', '/mcp/x'],
  ['POST', '/mcp/x'],
  ['PUT', '/mcp'],
  ['PATCH', '/mcp'],
  ['OPTIONS', '/mcp'],
  ['GET', '/chat-message'],
  ['GET', '/chat-init'],
  ['GET', '/v1/nope'],
  ['POST', '/v1/embeddings'],
  ['GET', '/api/nope'],
  ['PATCH', '/api/agents'],
  ['GET', '/files/nope']
]

// ---------- schema → arbitrary ----------

export interface GenContext {
  /** Loopback URLs that answer (the fake model server) or fail fast (a closed port). */
  urls: string[]
  /** Small files on the server's machine that may be added to a knowledge base. */
  files: string[]
  /** GET list routes of the contract, for the `…Id` fields that name entities. */
  lists: string[]
}

const camel = (kebab: string) => kebab.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase())
const singular = (s: string) => s.replace(/ies$/, 'y').replace(/s$/, '')

/** `agentId` → `/api/agents`, `embeddingModelId` → `/api/models`: the list a field's ids come from. */
export function listFor(key: string, lists: string[]): string | undefined {
  const k = key === 'kbId' ? 'knowledgeBaseId' : key
  if (!/Id$/.test(k)) return undefined
  for (const list of lists) {
    const noun = singular(camel(list.replace(/^\/api\//, '')))
    const cap = noun[0].toUpperCase() + noun.slice(1)
    if (k === `${noun}Id` || k.endsWith(`${cap}Id`)) return list
  }
  return undefined
}

const ref = (list: string, field = 'id'): fc.Arbitrary<Val> => fc.nat({ max: 50 }).map((i) => ({ $ref: { list, i, field } }))

/**
 * Fields whose valid values would make the server act on this machine (run a command, read a
 * folder, dial a host): kept to harmless loopback values and scratch files.
 */
function sideEffectSafe(key: string | undefined, s: JsonSchema, ctx: GenContext): fc.Arbitrary<Val> | undefined {
  if (!key || (s.type !== 'string' && s.type !== 'integer' && !s.format)) return undefined
  if (key === 'command') return fc.constantFrom('/nonexistent/fuzz-command', 'false')
  if (key === 'cwd') return fc.constant('/nonexistent')
  if (key === 'path' || key === 'paths') return fc.constantFrom(...ctx.files, '/nonexistent/fuzz.txt')
  if (key === 'host') return fc.constant('127.0.0.1')
  if (key === 'port' && s.type === 'integer') return fc.constant(1)
  if (/url$/i.test(key) || s.format === 'uri') return s.pattern?.includes('mysql') ? fc.constant('mysql://root@127.0.0.1:1/x') : fc.constantFrom(...ctx.urls)
  return undefined
}

const PATTERN_SAMPLES = ['fuzz@example.com', '09:30', '23:59', 'mysql://root@127.0.0.1:1/x', '#1677ff', 'https://allowed.example', 'http://127.0.0.1:1']

function stringArb(s: JsonSchema): fc.Arbitrary<Val> {
  if (s.format === 'email') return fc.constant('fuzz@example.com')
  if (s.pattern) {
    const re = new RegExp(s.pattern)
    const fits = PATTERN_SAMPLES.filter((p) => re.test(p))
    if (fits.length) return fc.constantFrom(...fits)
  }
  const min = s.minLength ?? 0
  const max = Math.min(s.maxLength ?? 40, min + 40)
  const arbs: fc.Arbitrary<Val>[] = [fc.string({ minLength: min, maxLength: max }), fc.string({ minLength: min, maxLength: max, unit: 'grapheme' })]
  // The longest value the contract allows: limits are where off-by-one errors live.
  if (s.maxLength !== undefined && s.maxLength <= 5000) arbs.push(fc.constant('x'.repeat(s.maxLength)))
  return fc.oneof(...arbs)
}

function numberArb(s: JsonSchema, integer: boolean): fc.Arbitrary<Val> {
  const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + (integer ? 1 : 1e-9) : -1e6)
  const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - (integer ? 1 : 1e-9) : 1e6)
  if (integer) return fc.oneof(fc.integer({ min: Math.ceil(min), max: Math.floor(max) }), fc.constantFrom(Math.ceil(min), Math.floor(max)))
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true })
}

/** A value the schema accepts (mostly: field names hint at live ids and safe targets). */
export function fromSchema(s: JsonSchema, ctx: GenContext, root: JsonSchema = s, key?: string, depth = 0): fc.Arbitrary<Val> {
  if (s.$ref) {
    const name = s.$ref.replace(/^#\/(\$defs|definitions|components\/schemas)\//, '')
    const target = (root.$defs ?? (root as any).definitions ?? {})[name] as JsonSchema | undefined
    return target && depth < 4 ? fromSchema(target, ctx, root, key, depth + 1) : fc.constant(null)
  }
  const list = key && (s.type === 'string' || s.anyOf) ? listFor(key, ctx.lists) : undefined
  if (list) return fc.oneof({ weight: 4, arbitrary: ref(list) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) })
  const safe = sideEffectSafe(key, s, ctx)
  if (safe) return s.type === 'array' ? fc.array(safe, { minLength: 1, maxLength: 2 }) : safe
  if (s.const !== undefined) return fc.constant(s.const as Val)
  if (s.enum) return fc.constantFrom(...(s.enum as Val[]))
  const alts = s.oneOf ?? s.anyOf
  if (alts) return fc.oneof(...alts.map((a) => fromSchema(a, ctx, root, key, depth + 1)))
  if (s.allOf?.length) return fromSchema(Object.assign({}, ...s.allOf), ctx, root, key, depth + 1)
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : []
  if (types.length > 1) return fc.oneof(...types.map((t) => fromSchema({ ...s, type: t }, ctx, root, key, depth + 1)))
  const arb = ((): fc.Arbitrary<Val> => {
    switch (types[0]) {
      case 'string':
        return stringArb(s)
      case 'integer':
        return numberArb(s, true)
      case 'number':
        return numberArb(s, false)
      case 'boolean':
        return fc.boolean()
      case 'null':
        return fc.constant(null)
      case 'array': {
        const item = s.items ? fromSchema(s.items, ctx, root, key === 'paths' ? 'path' : key, depth + 1) : fc.jsonValue({ maxDepth: 1 })
        const min = s.minItems ?? 0
        return fc.array(item as fc.Arbitrary<Val>, { minLength: min, maxLength: Math.min(s.maxItems ?? 3, min + 3) })
      }
      case 'object':
      case undefined: {
        if (!s.properties && types[0] === undefined) return fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Val>
        const props = s.properties ?? {}
        const record = fc.record(Object.fromEntries(Object.entries(props).map(([k, p]) => [k, fromSchema(p, ctx, root, k, depth + 1)])), {
          requiredKeys: (s.required ?? []).filter((k) => k in props)
        }) as fc.Arbitrary<Record<string, Val>>
        if (s.additionalProperties && typeof s.additionalProperties === 'object') {
          const extra = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fromSchema(s.additionalProperties, ctx, root, undefined, depth + 1), {
            maxKeys: 2
          })
          return fc.tuple(record, extra).map(([a, b]) => ({ ...b, ...a }))
        }
        return record
      }
      default:
        return fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Val>
    }
  })()
  return s.nullable ? fc.oneof({ weight: 5, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(null) }) : arb
}

// ---------- hostile values ----------

/** JSON.parse keeps `__proto__` an own key, as a body off the wire has it. */
const own = (json: string) => JSON.parse(json) as Val

export const hostileValue: fc.Arbitrary<Val> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom<Val>(
      null,
      true,
      false,
      0,
      -1,
      1.5,
      1e308,
      -1e308,
      '',
      ' ',
      '\u0000',
      '%ff',
      '%',
      '../../../../etc/passwd',
      '<script>alert(1)</script>',
      "' OR 1=1 --",
      '\ud800',
      '𝕏🙂'.repeat(50),
      [],
      {},
      [null],
      own('{"__proto__":{"polluted":1}}'),
      own('{"constructor":{"prototype":{"polluted":1}}}'),
      'NaN',
      'Infinity',
      '1e999',
      'null',
      '[object Object]',
      'pk_'
    )
  },
  // Over every maxLength; bodies over the 2 MB limit come from the raw bodies (rarely: they are slow).
  { weight: 1, arbitrary: fc.constant<Val>({ $huge: 300_000 }) },
  { weight: 3, arbitrary: fc.string({ maxLength: 30, unit: 'binary' }) },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double()) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Val> }
)

const BAD_SEGMENTS = [
  '%',
  '%ff',
  '%E0%A4%A',
  '%00',
  '%2F',
  '%2e%2e',
  '..',
  '.',
  '%zz',
  '%u0041',
  'a%',
  '%c0%af',
  'x'.repeat(10_000),
  '%F0%9F%98',
  '%25',
  ' ',
  '\t'
]
const SUFFIXES = ['/', '//', '/x', '/..', '/%2e%2e/%2e%2e', '/%ff', '?', '?%', '#x', ';x', '/.well-known']
const QUERIES = [
  'token=',
  'token=wrong',
  'token=%ff',
  '__proto__=x',
  'constructor[prototype][x]=1',
  'a=%ff',
  '%=%',
  'limit=-1',
  'limit=1e9',
  'offset=NaN',
  'agentId=a&agentId=b',
  'q=' + 'x'.repeat(3000),
  'key=pk_x',
  'key=%'
]
const CTYPES = [
  null,
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset=nope',
  'application/json; charset=utf-8',
  'application/vnd.api+json',
  'application/json;;;',
  '*/*',
  ''
]
const ENCODINGS = ['gzip', 'deflate', 'br', 'x-unknown', 'gzip, gzip', 'identity', 'GZIP', 'compress']
const HEADERS: [string, string][] = [
  ['origin', 'null'],
  ['origin', 'http://127.0.0.1:8080'],
  ['origin', 'http://evil.example'],
  ['origin', 'https://allowed.example'],
  ['origin', 'not a url'],
  ['host', 'evil.example'],
  ['host', '127.0.0.1.nip.io'],
  ['host', ''],
  ['host', '[::1'],
  ['host', 'localhost:1'],
  ['accept', 'text/event-stream'],
  ['accept', 'text/html'],
  ['accept', '*/*'],
  ['accept-encoding', 'gzip, br'],
  ['cookie', 'agenta_token=%'],
  ['cookie', 'agenta_token=%ff'],
  ['cookie', 'agenta_token'],
  ['cookie', '=;;=;'],
  ['x-agenta-key', 'pk_'],
  ['x-agenta-key', '%ff'],
  ['authorization', 'Bearer'],
  ['authorization', 'Bearer pk_'],
  ['x-forwarded-for', '1.2.3.4'],
  ['x-forwarded-host', 'evil.example'],
  ['idempotency-key', 'x'],
  ['referer', 'http://evil.example/'],
  ['expect', '100-continue'],
  ['range', 'bytes=0-1']
]
const BAD_AUTH: Auth[] = ['none', 'wrong', 'empty', 'basic', 'cookieForeign', 'keyWrong', 'keyOther', 'key', 'keyHeader', 'query', 'cookie']
const RAW_BODIES: Extract<Mut, { t: 'rawBody' }>[] = [
  { t: 'rawBody', text: '' },
  { t: 'rawBody', text: '{' },
  { t: 'rawBody', text: '{"a":' },
  { t: 'rawBody', text: 'null' },
  { t: 'rawBody', text: '[]' },
  { t: 'rawBody', text: '"text"' },
  { t: 'rawBody', text: '123' },
  { t: 'rawBody', text: 'true' },
  { t: 'rawBody', text: 'a=1&b=2' },
  { t: 'rawBody', text: '{"a":1}{"b":2}' },
  { t: 'rawBody', text: '\u0000' },
  { t: 'rawBody', hex: 'fffe7b7d' },
  { t: 'rawBody', hex: '7b2261223a22c3' },
  { t: 'rawBody', nest: 100_000 },
  { t: 'rawBody', nest: 5_000 },
  { t: 'rawBody', huge: 3_000_000 }
]

const keyPath = (body: Val | undefined): fc.Arbitrary<string[]> => {
  const keys = body && typeof body === 'object' && !Array.isArray(body) && !('$ref' in body) && !('$huge' in body) ? Object.keys(body) : []
  return keys.length
    ? fc.oneof(
        fc.constantFrom(...keys).map((k) => [k]),
        fc.string({ maxLength: 8 }).map((k) => [k])
      )
    : fc.string({ maxLength: 8 }).map((k) => [k])
}

/** Hostile changes fit for a request of this family (body changes only where there is a body). */
function mutationArb(route: Route, body: Val | undefined): fc.Arbitrary<Mut> {
  const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1])
  const arbs: fc.Arbitrary<Mut>[] = [
    fc.constantFrom(...BAD_AUTH).map((v) => ({ t: 'auth', v }) as Mut),
    fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'FOO').map((v) => ({ t: 'method', v }) as Mut),
    fc.constantFrom(...SUFFIXES).map((v) => ({ t: 'suffix', v }) as Mut),
    fc.constantFrom(...QUERIES).map((v) => ({ t: 'rawQuery', v }) as Mut),
    fc.constantFrom(...HEADERS).map(([k, v]) => ({ t: 'header', k, v }) as Mut)
  ]
  if (params.length)
    arbs.push(fc.record({ p: fc.constantFrom(...params), v: fc.constantFrom(...BAD_SEGMENTS) }).map(({ p, v }) => ({ t: 'rawParam', p, v }) as Mut))
  if (route.method === 'POST' || route.method === 'PUT') {
    arbs.push(
      fc.record({ path: keyPath(body), v: hostileValue }).map(({ path, v }) => ({ t: 'set', path, v }) as Mut),
      keyPath(body).map((path) => ({ t: 'drop', path }) as Mut),
      fc.constantFrom(...RAW_BODIES),
      fc.constantFrom(...CTYPES).map((v) => ({ t: 'ctype', v }) as Mut),
      fc.record({ v: fc.constantFrom(...ENCODINGS), valid: fc.boolean() }).map(({ v, valid }) => ({ t: 'cenc', v, valid }) as Mut),
      fc.double({ min: 0, max: 0.95, noNaN: true }).map((keep) => ({ t: 'cut', keep }) as Mut)
    )
  } else {
    arbs.push(fc.record({ path: keyPath(body), v: hostileValue }).map(({ path, v }) => ({ t: 'set', path, v }) as Mut))
  }
  return fc.oneof(...arbs)
}

/** Path params: live ids (the list route at the path's prefix) or garbage. */
function paramsArb(route: Route, ctx: GenContext): fc.Arbitrary<Record<string, Val>> {
  const names = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1])
  const entries = names.map((name) => {
    const prefix = route.path.slice(0, route.path.indexOf(`/:${name}`))
    let live: fc.Arbitrary<Val> | undefined
    if (route.family === 'web' && name === 'uuid') live = ref('/api/agents', 'uuid')
    else if (route.family === 'files') live = fc.constantFrom('book.xlsx', 'none.xlsx')
    else if (name === 'waitId') live = fc.string({ minLength: 1, maxLength: 12 })
    else if (ctx.lists.includes(prefix) || prefix.includes('/:'))
      live = ref(prefix, name === 'id' || name.endsWith('Id') ? (name === 'userId' ? 'userId' : 'id') : 'id')
    const garbage = fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('0', 'null', 'undefined', '-1', 'x'.repeat(64), 'x'.repeat(65)))
    return [name, live ? fc.oneof({ weight: 4, arbitrary: live }, { weight: 1, arbitrary: garbage }) : garbage] as const
  })
  return fc.record(Object.fromEntries(entries)) as fc.Arbitrary<Record<string, Val>>
}

const validAuth = (route: Route): fc.Arbitrary<Auth> =>
  route.auth === 'studio'
    ? fc.constantFrom<Auth>('token', 'token', 'token', 'query', 'cookie')
    : route.auth === 'chat'
      ? fc.constantFrom<Auth>('token', 'token', 'key', 'keyHeader')
      : fc.constant<Auth>('none')

const stripParams = (input: Val, params: string[]): Val => {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input
  return Object.fromEntries(Object.entries(input).filter(([k]) => !params.includes(k))) as Val
}

function multipartArb(): fc.Arbitrary<Part[]> {
  const part = fc.record({
    field: fc.constantFrom('file', 'files', 'x'),
    filename: fc.option(fc.constantFrom('a.txt', 'b.md', 'c.csv', 'd.json', 'x.exe', '', '../../evil.txt', 'noext', '%ff.txt', '文件.txt', 'a"b.txt'), {
      nil: undefined
    }),
    ctype: fc.option(fc.constantFrom('text/plain', 'text/markdown', 'application/octet-stream', 'image/png'), { nil: undefined }),
    content: fc.oneof(fc.string({ maxLength: 200 }), fc.constant(''), fc.constant<Huge>({ $huge: 200_000 }))
  })
  return fc.array(part, { minLength: 0, maxLength: 3 }) as fc.Arbitrary<Part[]>
}

/** One case for a route: schema-derived input, then 0–3 hostile mutations (none in about a third). */
export function routeCase(route: Route, ctx: GenContext): fc.Arbitrary<HttpCase> {
  const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1])
  const input =
    route.family === 'mcp' ? jsonRpcArb() : route.json ? fromSchema(route.json, ctx).map((v) => (route.shape ? route.shape(v) : v)) : fc.constant<Val>({})
  const parts = route.family === 'upload' ? multipartArb() : fc.constant(undefined)
  return fc.record({ params: paramsArb(route, ctx), input, parts, auth: validAuth(route) }).chain(({ params: p, input: inp, parts: ps, auth }) => {
    const data = stripParams(inp, params)
    const hasBody = route.method === 'POST' || route.method === 'PUT'
    const body = hasBody && route.family !== 'upload' ? data : undefined
    const muts = fc.oneof(
      { weight: 1, arbitrary: fc.constant<Mut[]>([]) },
      { weight: 2, arbitrary: fc.array(mutationArb(route, hasBody ? data : (data as Val)), { minLength: 1, maxLength: 3 }) }
    )
    const uploadMuts =
      route.family === 'upload'
        ? fc.option(
            fc.oneof(
              fc.double({ min: 0.05, max: 0.95, noNaN: true }).map((keep) => ({ t: 'cut', keep }) as Mut),
              fc.double({ min: 0.05, max: 0.95, noNaN: true }).map((keep) => ({ t: 'truncate', keep }) as Mut),
              fc.constantFrom<Mut>({ t: 'boundary', v: 'missing' }, { t: 'boundary', v: 'other' }, { t: 'boundary', v: 'quoted' })
            ),
            { nil: undefined }
          )
        : fc.constant(undefined)
    return fc.tuple(muts, uploadMuts).map(([m, um]): HttpCase => ({
      kind: 'http',
      family: route.family,
      route: `${route.method} ${route.path}`,
      method: route.method,
      path: route.path,
      params: p,
      query: hasBody ? {} : (data as Record<string, Val>) && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, Val>) : {},
      ...(body !== undefined && { body }),
      ...(ps && { parts: ps }),
      auth,
      muts: um ? [um, ...m] : m
    }))
  })
}

// ---------- MCP (JSON-RPC) ----------

function jsonRpcArb(): fc.Arbitrary<Val> {
  const id = fc.oneof(fc.nat(), fc.string({ maxLength: 8 }), fc.constant(null), fc.constant({}), fc.constant(1.5))
  const call = fc.record({
    name: fc.oneof({ weight: 3, arbitrary: ref('mcp:tools', 'name') }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) }),
    arguments: fc.oneof(
      fc.record(
        { message: fc.string({ minLength: 1, maxLength: 40 }), session_id: fc.option(ref('/api/sessions'), { nil: undefined }) },
        { requiredKeys: ['message'] }
      ),
      fc.record({ query: fc.string({ minLength: 1, maxLength: 40 }) }),
      fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Val>
    )
  })
  const params: Record<string, fc.Arbitrary<Val>> = {
    initialize: fc.record({
      protocolVersion: fc.constantFrom('2025-06-18', '2025-03-26', '2024-11-05', 'x'),
      capabilities: fc.constant({}),
      clientInfo: fc.constant({ name: 'fuzz', version: '1' })
    }),
    'tools/call': call as fc.Arbitrary<Val>
  }
  const message = fc
    .record({
      method: fc.constantFrom(
        'initialize',
        'tools/list',
        'tools/call',
        'tools/call',
        'ping',
        'notifications/initialized',
        'resources/list',
        'prompts/list',
        'logging/setLevel',
        'completion/complete',
        'nope',
        ''
      ),
      id,
      jsonrpc: fc.constantFrom<Val>('2.0', '2.0', '2.0', '2.0', '1.0', 2, null),
      withId: fc.boolean()
    })
    .chain(({ method, id: i, jsonrpc, withId }) =>
      (params[method] ?? (fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Val>)).map((p): Val => ({
        jsonrpc,
        method,
        params: p,
        ...(withId || method !== 'notifications/initialized' ? { id: i } : {})
      }))
    )
  return fc.oneof({ weight: 5, arbitrary: message }, { weight: 1, arbitrary: fc.array(message, { minLength: 0, maxLength: 3 }) as fc.Arbitrary<Val> })
}

// ---------- malformed HTTP ----------

const RAW_HEADS: [string, string, string?][] = [
  ['bad request line', 'GARBAGE\r\n\r\n'],
  ['no version', 'GET /api/info\r\nHost: {host}\r\n\r\n'],
  ['raw UTF-8 in path', 'GET /api/agents/\u00e9\u00e9 HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n'],
  ['space in path', 'GET /api/a b HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n'],
  ['huge header', `GET /api/info HTTP/1.1\r\nHost: {host}\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`],
  ['header without colon', 'GET /api/info HTTP/1.1\r\nHost: {host}\r\nNoColon\r\nConnection: close\r\n\r\n'],
  [
    'CL and TE',
    'POST /chat-init HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
    '0\r\n\r\n'
  ],
  [
    'bad chunk size',
    'POST /api/agents HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
    'zz\r\n{}\r\n0\r\n\r\n'
  ],
  [
    'two Content-Length',
    'POST /api/agents HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\nConnection: close\r\n\r\n',
    '{}'
  ],
  ['negative Content-Length', 'POST /api/agents HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Length: -1\r\nConnection: close\r\n\r\n'],
  ['HTTP/1.0 no host', 'GET /api/info HTTP/1.0\r\n\r\n'],
  ['absolute URI', 'GET http://evil.example/api/info HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n'],
  ['asterisk target', 'OPTIONS * HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n'],
  ['CONNECT', 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n'],
  ['obs-fold header', 'GET /api/info HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer\r\n {token}\r\nConnection: close\r\n\r\n'],
  ['NUL in header', 'GET /api/info HTTP/1.1\r\nHost: {host}\r\nX-A: a\u0000b\r\nConnection: close\r\n\r\n'],
  ['many headers', `GET /api/info HTTP/1.1\r\nHost: {host}\r\n${Array.from({ length: 3000 }, (_, i) => `X-${i}: 1`).join('\r\n')}\r\nConnection: close\r\n\r\n`]
]

export const rawCaseArb: fc.Arbitrary<RawCase> = fc
  .constantFrom(...RAW_HEADS)
  .map(([name, head, body]) => ({ kind: 'raw', family: 'raw', route: `raw: ${name}`, head, ...(body !== undefined && { body }) }))

// ---------- Socket.IO ----------

/** Events a client sends on the control socket, with their contract schemas (the oracle). */
export const SOCKET_EVENTS: Record<string, z.ZodType> = {
  systemdata: SystemData,
  agent_response: AgentResponse,
  digitalhuman_completion: DigitalHumanCompletion
}

const RAW_PACKETS = [
  '4',
  '42',
  '42[',
  '42["x"',
  '42/studio,',
  '40/studio,{',
  '40/nope,',
  '41',
  '43',
  '44',
  '45',
  '451-["a",{"_placeholder":true,"num":0}]',
  '46',
  '4\u0000',
  '2',
  '3',
  '9',
  '',
  '42["__proto__",{}]',
  '42[1,2,3]',
  '42[null]',
  '40/studio,{"token":{"toString":1}}',
  '4' + 'x'.repeat(50_000)
]

export function socketCaseArb(ctx: GenContext): fc.Arbitrary<SocketCase> {
  const events = Object.entries(SOCKET_EVENTS).map(([name, schema]) =>
    fc
      .oneof(
        { weight: 3, arbitrary: fromSchema(toJson(schema), ctx) },
        { weight: 2, arbitrary: hostileValue },
        { weight: 1, arbitrary: fromSchema(toJson(schema), ctx).map((v) => JSON.stringify(v) as Val) }
      )
      .map((payload) => ({ t: 'event', name, payload, ack: true }) as SocketPacket)
  )
  const packet = fc.oneof(
    { weight: 4, arbitrary: fc.oneof(...events) },
    {
      weight: 1,
      arbitrary: fc
        .record({ name: fc.string({ maxLength: 10 }), payload: hostileValue })
        .map(({ name, payload }) => ({ t: 'event', name, payload, ack: true }) as SocketPacket)
    },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_PACKETS).map((v) => ({ t: 'raw', v }) as SocketPacket) }
  )
  const auth = fc.constantFrom<[SocketCase['authKind'], Val | undefined]>(
    ['token', { token: '{token}' }],
    ['token', { token: '{token}' }],
    ['wrong', { token: 'wrong' }],
    ['none', undefined],
    ['none', {}],
    ['garbage', { token: 1 }],
    ['garbage', { token: null }],
    ['garbage', { token: ['{token}'] }],
    ['garbage', { token: { a: 1 } }],
    ['garbage', 'token'],
    ['garbage', [1, 2]],
    ['cookie', undefined],
    ['cookieForeign', undefined]
  )
  return fc
    .record({
      nsp: fc.constantFrom('/studio', '/studio', '/', '/', '/nope', '/studio/x'),
      auth,
      headers: fc.array(fc.constantFrom(...HEADERS.filter(([k]) => ['origin', 'host', 'cookie'].includes(k))), { maxLength: 2 }),
      packets: fc.array(packet, { maxLength: 3 })
    })
    .map(({ nsp, auth: [authKind, a], headers, packets }) => ({
      kind: 'socket',
      family: 'socket',
      route: `socket ${nsp}`,
      nsp,
      auth: a,
      authKind,
      headers: authKind === 'cookieForeign' ? [['origin', 'http://127.0.0.1:8080'] as [string, string], ...headers] : headers,
      packets
    }))
}

// ---------- everything ----------

/** Every route with its own weight; sockets, malformed HTTP and probes at a fixed share. */
export function caseArb(routes: Route[], ctx: GenContext): fc.Arbitrary<FuzzCase> {
  const byRoute = routes.map((r) => ({ weight: r.family === 'api' || r.family === 'openapi' ? 2 : 6, arbitrary: routeCase(r, ctx) as fc.Arbitrary<FuzzCase> }))
  const probes = fc.record({ p: fc.constantFrom(...PROBES), auth: fc.constantFrom<Auth>('token', 'none') }).map(({ p: [method, path], auth }): FuzzCase => ({
    kind: 'http',
    family: 'probe',
    route: `${method} ${path}`,
    method,
    path,
    params: {},
    query: {},
    auth,
    muts: []
  }))
  return fc.oneof(
    ...byRoute,
    { weight: 12, arbitrary: probes },
    { weight: 8, arbitrary: rawCaseArb as fc.Arbitrary<FuzzCase> },
    { weight: 30, arbitrary: socketCaseArb(ctx) as fc.Arbitrary<FuzzCase> }
  )
}
