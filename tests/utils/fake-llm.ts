// A scriptable OpenAI-compatible model server for tests and benchmarks: no weights and no network
// exist here, so every code path that talks to a model talks to this instead.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { attachDashScope } from './fake-cloud-speech'
import { handleSpeech, isSpeechRoute, type FakeSpeechOptions } from './fake-speech'

export interface FakeModel {
  id: string
  type?: 'chat' | 'embedding' | 'rerank'
  owned_by?: string
}

export interface RecordedRequest {
  method: string
  path: string
  headers: http.IncomingHttpHeaders
  body: any
  time: number
  /** The client went away before the response was complete (abort, timeout, socket drop). */
  aborted: boolean
  abortedAt?: number
}

export interface FakeToolCall {
  id?: string
  name: string
  /** Objects are JSON-encoded; strings are sent verbatim (useful for malformed-JSON tests). */
  arguments: unknown
}

export interface Reply {
  text?: string
  chunks?: string[]
  toolCalls?: FakeToolCall[]
  reasoning?: string
  firstTokenDelayMs?: number
  chunkDelayMs?: number
  status?: number
  error?: { message: string; type?: string; code?: string }
  /** Payload chunks (text, reasoning or tool-argument deltas) sent before the socket is destroyed; 0 = right after the headers. */
  failAfterChunks?: number
  /** Never answers: not even the headers (a provider that accepts the request and then nothing). */
  hang?: boolean
  /** Payload chunks sent before the stream goes silent, the connection left open (a stalled provider). */
  stallAfterChunks?: number
  /** Payload chunks sent before the stream pauses until `resume` settles; then the rest follows (a test sees what came before the end). */
  pauseAfterChunks?: number
  resume?: Promise<unknown>
  /** Payload deltas sent verbatim instead of text/chunks/toolCalls (malformed ones too, e.g. `{ content: 123 }`). */
  deltas?: Record<string, unknown>[]
  /** A 200 answer with this body and content type instead of a completion (an HTML page from a wrong URL). */
  body?: { contentType: string; text: string }
  /** Token counts as sent; not-numbers are sent as given (a broken provider). */
  usage?: { prompt_tokens: unknown; completion_tokens: unknown }
  /** Extra response headers, e.g. `retry-after` on a 429. */
  headers?: Record<string, string>
}

export type ChatResponder = (body: any, req: RecordedRequest) => Reply | undefined | Promise<Reply | undefined>

export interface FakeLlmOptions {
  port?: number
  apiKey?: string
  models?: FakeModel[]
  embeddingDim?: number
  /** Always answer embeddings as float arrays, whatever `encoding_format` asks (as some servers do). */
  ignoreEncodingFormat?: boolean
  /** Each /embeddings answer this much later: ingestion that lasts long enough to be cut mid-way. */
  embeddingDelayMs?: number
  /** Defaults for replies that don't set their own timing (the CLI's --chunk-delay). */
  firstTokenDelayMs?: number
  chunkDelayMs?: number
  /**
   * The /audio/speech and /audio/transcriptions routes (fake-speech.ts), DashScope's speech
   * WebSocket and Volcengine's /api/v1/tts (fake-cloud-speech.ts).
   */
  speech?: FakeSpeechOptions
}

export interface FakeLlm {
  baseUrl: string
  port: number
  requests: RecordedRequest[]
  script(...replies: Reply[]): void
  onChat(fn: ChatResponder | null): void
  setModels(models: FakeModel[]): void
  /** The length of the vectors from now on (a server whose model was swapped behind the same name). */
  setEmbeddingDim(dim: number): void
  reset(): void
  close(): Promise<void>
}

export const DEFAULT_MODELS: FakeModel[] = [
  { id: 'fake-chat', type: 'chat' },
  { id: 'fake-embed', type: 'embedding' },
  { id: 'fake-rerank', type: 'rerank' }
]

const CJK = '\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uac00-\\ud7af\\uf900-\\ufaff'
// Leading whitespace sticks to the following token and trailing whitespace is its own token,
// so the pieces always join back to the exact input.
const TOKEN_RE = new RegExp(`\\s*(?:[${CJK}]{1,2}|[^\\s${CJK}]+)|\\s+`, 'g')
const CJK_RE = new RegExp(`[${CJK}]`)

/** Splits text the way the fake streams it: one chunk per word, or per 1–2 CJK characters. */
export function splitText(text: string): string[] {
  return text.match(TOKEN_RE) ?? []
}

function splitEvery(s: string, size: number): string[] {
  const out: string[] = []
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size))
  return out.length ? out : ['']
}

/** Rough token count (words + CJK characters): only needs to be stable and plausible. */
export function estimateTokens(text: string): number {
  let n = 0
  for (const piece of splitText(text)) n += CJK_RE.test(piece) ? piece.trim().length : 1
  return n
}

function messageText(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) {
    return content.map((p) => (typeof p === 'string' ? p : p?.type === 'text' ? String(p.text ?? '') : '')).join('')
  }
  return ''
}

function lastUserText(body: any): string {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : []
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === 'user') return messageText(messages[i].content)
  }
  return ''
}

function promptTokens(body: any): number {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : []
  return messages.reduce((n, m) => n + 4 + estimateTokens(messageText(m?.content)), 0)
}

// ---- embeddings & rerank: hashed bag of words + character bigrams -------------------------------

function fnv1a(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  // FNV's low bits mix poorly and the bucket is taken from them; a murmur3 finaliser fixes that.
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** Weighted features: whole words carry the meaning for spaced languages, bigrams for CJK runs. */
export function features(text: string): Map<string, number> {
  const out = new Map<string, number>()
  const add = (key: string, w: number) => out.set(key, (out.get(key) ?? 0) + w)
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const chars = Array.from(word)
    const cjk = CJK_RE.test(word)
    if (!cjk || chars.length === 1) add(`w:${word}`, 1)
    // A CJK run has no word boundaries, so single characters stand in for words.
    else for (const ch of chars) add(`c:${ch}`, 0.5)
    for (let i = 0; i + 1 < chars.length; i++) add(`b:${chars[i]}${chars[i + 1]}`, cjk ? 1 : 0.3)
  }
  return out
}

export function embed(text: string, dim: number): number[] {
  const v = new Array<number>(dim).fill(0)
  for (const [key, w] of features(text)) {
    const h = fnv1a(key)
    // A hash-derived sign keeps collisions from systematically inflating similarity.
    v[h % dim] += h & 0x80000000 ? -w : w
  }
  const norm = Math.hypot(...v)
  if (norm === 0) {
    v[0] = 1
    return v
  }
  return v.map((x) => x / norm)
}

export function rerankScore(query: string, doc: string): number {
  const q = features(query)
  const d = features(doc)
  let total = 0
  let hit = 0
  for (const [key, w] of q) {
    total += w
    if (d.has(key)) hit += w
  }
  return total ? hit / total : 0
}

// ---- HTTP ---------------------------------------------------------------------------------------

const ERROR_TYPES: Record<number, [type: string, code: string | null]> = {
  400: ['invalid_request_error', null],
  401: ['invalid_request_error', 'invalid_api_key'],
  404: ['invalid_request_error', 'not_found'],
  429: ['requests', 'rate_limit_exceeded'],
  500: ['server_error', null],
  503: ['server_error', null]
}

function sendError(res: http.ServerResponse, status: number, message: string, type?: string, code?: string | null, headers: Record<string, string> = {}): void {
  const [defType, defCode] = ERROR_TYPES[status] ?? [status >= 500 ? 'server_error' : 'invalid_request_error', null]
  sendJson(res, status, { error: { message, type: type ?? defType, param: null, code: code ?? defCode } }, headers)
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return
  const data = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers })
  res.end(data)
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    req.on('data', (b: Buffer) => parts.push(b))
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')))
    req.on('error', reject)
    // A client that hangs up mid-body never emits 'end'; don't leave the handler pending forever.
    req.on('close', () => resolve(Buffer.concat(parts).toString('utf8')))
  })
}

let idCounter = 0
const newId = (prefix: string) => `${prefix}-fake${Date.now().toString(36)}${(idCounter++).toString(36)}`

type Delta = Record<string, unknown>

/** The reply as an ordered list of payload deltas, shared by the streaming and non-streaming paths. */
function replyDeltas(reply: Reply): Delta[] {
  if (reply.deltas) return reply.deltas
  const deltas: Delta[] = []
  if (reply.reasoning) for (const r of splitText(reply.reasoning)) deltas.push({ reasoning_content: r })
  const chunks = reply.chunks ?? (reply.text !== undefined ? splitText(reply.text) : [])
  for (const c of chunks) deltas.push({ content: c })
  reply.toolCalls?.forEach((call, index) => {
    const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {})
    splitEvery(args, 12).forEach((piece, i) => {
      const fn = i === 0 ? { name: call.name, arguments: piece } : { arguments: piece }
      const head = i === 0 ? { id: call.id ?? `call_${index}_${newId('x').slice(2)}`, type: 'function' } : {}
      deltas.push({ tool_calls: [{ index, ...head, function: fn }] })
    })
  })
  return deltas
}

function completionMessage(reply: Reply, deltas: Delta[]) {
  const content = deltas.map((d) => d.content ?? '').join('')
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: content || (reply.toolCalls?.length ? null : ''),
    refusal: null
  }
  if (reply.reasoning) message.reasoning_content = reply.reasoning
  if (reply.toolCalls?.length) {
    message.tool_calls = reply.toolCalls.map((_, index) => {
      const parts = deltas.flatMap((d) => (d.tool_calls as any[] | undefined)?.filter((t) => t.index === index) ?? [])
      return {
        id: parts[0].id,
        type: 'function',
        function: { name: parts[0].function.name, arguments: parts.map((p) => p.function.arguments).join('') }
      }
    })
  }
  return message
}

export async function startFakeLlm(opts: FakeLlmOptions = {}): Promise<FakeLlm> {
  const initialModels = opts.models ?? DEFAULT_MODELS
  let models = [...initialModels]
  let embeddingDim = opts.embeddingDim ?? 64
  const queue: Reply[] = []
  let responder: ChatResponder | null = null
  const requests: RecordedRequest[] = []
  const timers = new Set<NodeJS.Timeout>()
  let closing = false

  const later = (ms: number, fn: () => void): NodeJS.Timeout => {
    const t = setTimeout(() => {
      timers.delete(t)
      fn()
    }, ms)
    timers.add(t)
    return t
  }

  const knownModel = (id: unknown) => models.some((m) => m.id === id)
  const modelError = (res: http.ServerResponse, id: unknown) =>
    sendError(res, 404, `The model \`${String(id)}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found')

  async function nextReply(body: any, rec: RecordedRequest): Promise<Reply> {
    const scripted = queue.shift()
    if (scripted) return scripted
    const dynamic = responder ? await responder(body, rec) : undefined
    return dynamic ?? { text: `You said: ${lastUserText(body)}` }
  }

  async function chat(body: any, rec: RecordedRequest, res: http.ServerResponse): Promise<void> {
    if (!body?.model) return sendError(res, 400, 'you must provide a model parameter')
    if (!knownModel(body.model)) return modelError(res, body.model)
    const reply = await nextReply(body, rec)
    if (reply.hang) return
    if (reply.body) {
      res.writeHead(200, { 'content-type': reply.body.contentType, 'content-length': Buffer.byteLength(reply.body.text) })
      return void res.end(reply.body.text)
    }
    const firstDelay = reply.firstTokenDelayMs ?? opts.firstTokenDelayMs ?? 0
    const chunkDelay = reply.chunkDelayMs ?? opts.chunkDelayMs ?? 0
    if ((reply.status ?? 0) >= 400 || reply.error) {
      const status = reply.status ?? 400
      const fail = () => sendError(res, status, reply.error?.message ?? `Fake error ${status}`, reply.error?.type, reply.error?.code, reply.headers)
      return void (firstDelay ? later(firstDelay, fail) : fail())
    }

    const deltas = replyDeltas(reply)
    const finishReason = reply.toolCalls?.length ? 'tool_calls' : 'stop'
    const completionText = deltas.map((d) => String(d.content ?? d.reasoning_content ?? (d.tool_calls as any)?.[0].function.arguments ?? '')).join('')
    const prompt = reply.usage?.prompt_tokens ?? promptTokens(body)
    const completion = reply.usage?.completion_tokens ?? estimateTokens(completionText)
    const usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: Number(prompt) + Number(completion) }
    const id = newId('chatcmpl')
    const created = Math.floor(Date.now() / 1000)
    const head = (object: string) => ({ id, object, created, model: body.model, system_fingerprint: 'fp_fake' })
    const failAt = reply.failAfterChunks
    const stallAt = reply.stallAfterChunks
    let pauseAt = reply.resume ? reply.pauseAfterChunks : undefined

    if (!body.stream) {
      const send = () => {
        if (failAt !== undefined) return void res.destroy()
        sendJson(
          res,
          200,
          {
            ...head('chat.completion'),
            choices: [{ index: 0, message: completionMessage(reply, deltas), logprobs: null, finish_reason: finishReason }],
            usage
          },
          reply.headers
        )
      }
      const total = firstDelay + chunkDelay * Math.max(0, deltas.length - 1)
      return void (total ? later(total, send) : send())
    }

    const includeUsage = body.stream_options?.include_usage === true
    const chunk = (delta: Delta, finish: string | null = null) =>
      `data: ${JSON.stringify({
        ...head('chat.completion.chunk'),
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        ...(includeUsage ? { usage: null } : {})
      })}\n\n`

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      ...reply.headers
    })
    // Headers go out now, like a real provider; the first token comes after firstTokenDelayMs.
    res.flushHeaders()

    const start = performance.now()
    const toolOnly = !!reply.toolCalls?.length && !deltas.some((d) => 'content' in d)
    const roleChunk = chunk({ role: 'assistant', content: toolOnly ? null : '', refusal: null })
    let i = 0
    let timer: NodeJS.Timeout | undefined
    res.on('close', () => {
      if (!timer) return
      clearTimeout(timer)
      timers.delete(timer)
    })

    const step = () => {
      timer = undefined
      let out = ''
      while (i < deltas.length && failAt !== i && stallAt !== i && pauseAt !== i) {
        // Deadlines are absolute so per-timer overshoot doesn't accumulate across a long stream.
        const wait = firstDelay + chunkDelay * i - (performance.now() - start)
        if (wait > 0 && out) break
        if (wait > 0) return void (timer = later(wait, step))
        // The role chunk rides with the first payload so time-to-first-byte equals time-to-first-token.
        out += (i === 0 ? roleChunk : '') + chunk(deltas[i++])
      }
      if (failAt === i) {
        // Destroy only once the chunks reached the kernel, so the client really sees N chunks first.
        return void (out ? res.write(out, () => res.destroy()) : res.destroy())
      }
      // Stalled: what came is sent, then nothing more, until the client gives up or close().
      if (stallAt === i) return void (out && res.write(out))
      if (pauseAt === i) {
        pauseAt = undefined
        if (out) res.write(out)
        void reply.resume!.finally(() => {
          if (!res.destroyed) step()
        })
        return
      }
      if (i < deltas.length) {
        res.write(out)
        timer = later(Math.max(0, firstDelay + chunkDelay * i - (performance.now() - start)), step)
        return
      }
      out += (deltas.length ? '' : roleChunk) + chunk({}, finishReason)
      if (includeUsage) out += `data: ${JSON.stringify({ ...head('chat.completion.chunk'), choices: [], usage })}\n\n`
      res.end(out + 'data: [DONE]\n\n')
    }
    step()
  }

  function embeddings(body: any, res: http.ServerResponse): void {
    if (!body?.model) return sendError(res, 400, 'you must provide a model parameter')
    if (!knownModel(body.model)) return modelError(res, body.model)
    const raw = body.input
    const inputs: unknown[] = Array.isArray(raw) && raw.length && typeof raw[0] !== 'number' ? raw : [raw]
    const texts = inputs.map((x) => (Array.isArray(x) ? x.join(' ') : String(x ?? '')))
    const dim = Number.isInteger(body.dimensions) && body.dimensions > 0 ? body.dimensions : embeddingDim
    const base64 = body.encoding_format === 'base64' && !opts.ignoreEncodingFormat
    const tokens = texts.reduce((n, t) => n + estimateTokens(t), 0)
    sendJson(res, 200, {
      object: 'list',
      data: texts.map((t, index) => {
        const v = embed(t, dim)
        // The openai SDK asks for base64 (little-endian float32) unless told otherwise.
        const embedding = base64 ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v
        return { object: 'embedding', index, embedding }
      }),
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens }
    })
  }

  function rerank(body: any, res: http.ServerResponse): void {
    if (body?.model !== undefined && !knownModel(body.model)) return modelError(res, body.model)
    if (typeof body?.query !== 'string' || !Array.isArray(body.documents)) {
      return sendError(res, 400, '`query` (string) and `documents` (array) are required')
    }
    const docs: string[] = body.documents.map((d: any) => (typeof d === 'string' ? d : String(d?.text ?? '')))
    const ranked = docs
      .map((text, index) => ({ index, relevance_score: rerankScore(body.query, text), text }))
      .sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index)
    const topN = Number.isInteger(body.top_n) && body.top_n > 0 ? body.top_n : ranked.length
    const tokens = estimateTokens(body.query) + docs.reduce((n, d) => n + estimateTokens(d), 0)
    sendJson(res, 200, {
      id: newId('rerank'),
      model: body.model ?? models.find((m) => m.type === 'rerank')?.id,
      results: ranked
        .slice(0, topN)
        .map(({ index, relevance_score, text }) => (body.return_documents ? { index, relevance_score, document: { text } } : { index, relevance_score })),
      usage: { total_tokens: tokens }
    })
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '')
    // Speech routes (fake-speech.ts) read their own bodies: an audio upload is multipart, not JSON.
    if (isSpeechRoute(req.method, path)) {
      return handleSpeech(req, res, path, { opts: opts.speech ?? {}, apiKey: opts.apiKey, knownModel, record: (r) => requests.push(r), later })
    }
    const raw = await readBody(req)
    let body: any = undefined
    let badJson = false
    if (raw) {
      try {
        body = JSON.parse(raw)
      } catch {
        body = raw
        badJson = true
      }
    }
    const rec: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body, time: Date.now(), aborted: false }
    requests.push(rec)
    res.on('close', () => {
      if (!res.writableFinished && !closing) {
        rec.aborted = true
        rec.abortedAt = Date.now()
      }
    })

    if (opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      return sendError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key')
    }
    if (badJson) return sendError(res, 400, 'We could not parse the JSON body of your request.')

    const route = `${rec.method} ${path}`
    if (route === 'GET /v1/models') {
      return sendJson(res, 200, {
        object: 'list',
        data: models.map((m) => ({ id: m.id, object: 'model', created: 1700000000, owned_by: m.owned_by ?? 'fake-llm' }))
      })
    }
    if (route === 'POST /v1/chat/completions') return chat(body, rec, res)
    if (route === 'POST /v1/embeddings') return opts.embeddingDelayMs ? void later(opts.embeddingDelayMs, () => embeddings(body, res)) : embeddings(body, res)
    if (route === 'POST /v1/rerank') return rerank(body, res)
    sendError(res, 404, `Unknown request URL: ${rec.method} ${path}`, 'invalid_request_error', 'unknown_url')
  }

  const server = http.createServer({ noDelay: true }, (req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) sendError(res, 500, `fake-llm internal error: ${(err as Error).message}`)
      else res.destroy()
    })
  })
  server.on('connection', (socket) => socket.setNoDelay(true))
  const closeDashScope = attachDashScope(server, { opts: opts.speech ?? {}, apiKey: opts.apiKey, record: (r) => requests.push(r), later })
  // Keep-alive sockets idle between tests shouldn't hold the process open.
  server.keepAliveTimeout = 1000

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port: opts.port ?? 0, host: '127.0.0.1', backlog: 4096 }, () => resolve())
  })
  const port = (server.address() as AddressInfo).port

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    script: (...replies) => void queue.push(...replies),
    onChat: (fn) => void (responder = fn),
    setModels: (next) => void (models = [...next]),
    setEmbeddingDim: (dim) => void (embeddingDim = dim),
    reset() {
      queue.length = 0
      responder = null
      requests.length = 0
      models = [...initialModels]
      embeddingDim = opts.embeddingDim ?? 64
    },
    async close() {
      closing = true
      for (const t of timers) clearTimeout(t)
      timers.clear()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      closeDashScope()
      server.closeAllConnections()
      await closed
    }
  }
}
