import { io as connect, type Socket } from 'socket.io-client'
import { bootServer, type BootedServer } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'

export interface ChatEnv {
  s: BootedServer
  llm: FakeLlm
  providerId: string
  /** Creates an agent on the fake model; returns the REST body (id, uuid, publicKey, …). */
  agent(extra?: Record<string, unknown>): Promise<any>
  /** POST /chat-init with the studio token; returns the session id. */
  init(agent: { uuid: string }, userId?: string): Promise<string>
  close(): Promise<void>
}

let agents = 0

/** A server whose model is the fake LLM, with short retry delays so fault tests stay fast. */
export async function chatEnv(): Promise<ChatEnv> {
  const llm = await startFakeLlm()
  const s = await bootServer({ turn: { retry: { attempts: 3, baseDelayMs: 5 } } })
  const provider = await s.api('POST', '/api/providers', { name: 'Fake', baseUrl: llm.baseUrl })
  if (provider.status !== 201) throw new Error(`provider: ${JSON.stringify(provider.body)}`)
  const env: ChatEnv = {
    s,
    llm,
    providerId: provider.body.id,
    async agent(extra = {}) {
      const res = await s.api('POST', '/api/agents', { name: `Agent ${++agents}`, providerId: provider.body.id, model: 'fake-chat', ...extra })
      if (res.status !== 201) throw new Error(`agent: ${JSON.stringify(res.body)}`)
      return res.body
    },
    async init(agent, userId = 'u1') {
      const res = await s.api('POST', '/chat-init', { app_uuid: agent.uuid, user_id: userId })
      if (res.status !== 200) throw new Error(`chat-init: ${JSON.stringify(res.body)}`)
      return res.body.session_id
    },
    async close() {
      await s.close()
      await llm.close()
    }
  }
  return env
}

/** POST /chat-message (studio token unless headers say otherwise). */
export function postMessage(
  s: BootedServer,
  body: Record<string, unknown>,
  opts: { headers?: Record<string, string>; signal?: AbortSignal; path?: string } = {}
) {
  return fetch(s.url + (opts.path ?? '/chat-message'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}`, ...opts.headers },
    body: JSON.stringify(body),
    signal: opts.signal
  })
}

/** The `data:` payloads of an SSE body as they arrive: `[DONE]` as a string, the rest parsed. */
export async function* sseData(res: Response): AsyncGenerator<any> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
  let buf = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) break
    buf += value
    let at
    while ((at = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, at)
      buf = buf.slice(at + 2)
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n')
      if (!data) continue
      yield data === '[DONE]' ? data : JSON.parse(data)
    }
  }
}

export async function allData(res: Response): Promise<any[]> {
  const out: any[] = []
  for await (const d of sseData(res)) out.push(d)
  return out
}

/** A protocol client's view of a stream: the text it would show and the cards. */
export function textOf(chunks: any[]): string {
  return chunks
    .filter((c) => c !== '[DONE]')
    .map((c) => c.content)
    .join('')
}

export function socketClient(url: string, opts: { extraHeaders?: Record<string, string> } = {}): Promise<{ socket: Socket; clientId: string }> {
  const socket = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...opts })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket: no connect_response')), 5_000)
    socket.once('connect_response', (p: { status: string; client_id: string }) => {
      clearTimeout(timer)
      resolve({ socket, clientId: p.client_id })
    })
    socket.once('connect_error', (err) => {
      clearTimeout(timer)
      socket.close()
      reject(err)
    })
  })
}

/** Emits with an ack and resolves with the reply. */
export function emitAck(socket: Socket, event: string, payload: unknown): Promise<any> {
  return socket.timeout(5_000).emitWithAck(event, payload)
}

export function nextEvent<T = any>(socket: Socket, event: string, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket: no ${event} within ${timeoutMs} ms`)), timeoutMs)
    socket.once(event, (p: T) => {
      clearTimeout(timer)
      resolve(p)
    })
  })
}
