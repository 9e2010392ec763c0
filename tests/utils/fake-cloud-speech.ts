// The cloud speech vendors' own protocols, mounted on the fake model server (fake-llm.ts) so a
// provider of kind `bailian` or `doubao` can point at it:
// - DashScope's WebSocket inference API at /api-ws/v1/inference: run-task → task-started →
//   continue-task text (TTS) or binary PCM frames (ASR) → finish-task → result-generated events and
//   binary audio frames → task-finished, or task-failed {error_code, error_message}; a bad key is
//   refused at the handshake with 401.
// - Volcengine's v1 TTS at POST /api/v1/tts: `Authorization: Bearer;<token>`, JSON in, JSON out
//   with base64 audio and code 3000, or the vendor's error codes.
// Which failure a test gets is chosen by model, voice or app id (the constants below).
import type http from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { decodeWav } from '../../digitalhuman/audio/wav'
import { fakeSpeechWav, type SpeechRecord } from './fake-speech'

export const DASHSCOPE_PATH = '/api-ws/v1/inference'
export const VOLCENGINE_PATH = '/api/v1/tts'

/** DashScope models that fail their task the way the service does. */
export const DASHSCOPE_FAILING = {
  quota: 'cosyvoice-arrears',
  throttled: 'cosyvoice-throttled',
  asrQuota: 'paraformer-arrears'
} as const
/** A voice DashScope does not have. */
export const UNKNOWN_VOICE = 'no-such-voice'
/** A Volcengine app whose trial quota is used up. */
export const VOLCENGINE_NO_QUOTA_APP = 'app-no-quota'

export interface FakeCloudSpeechOptions {
  /** What speech with a voice in it is heard as (default: nothing, as for silence). */
  heard?: string
  /** Delay before a TTS task sends its audio, or before a Volcengine answer. */
  ttsDelayMs?: number
}

export interface CloudContext {
  opts: FakeCloudSpeechOptions
  apiKey?: string
  record: (rec: SpeechRecord) => void
  later: (ms: number, fn: () => void) => void
}

const TTS_MODELS = /^(cosyvoice|sambert)/
const ASR_MODELS = /^(paraformer|fun-asr)/

/** Sentences of a heard text, as Paraformer cuts them (after 。？！.?!). */
const sentencesOf = (text: string) => text.match(/[^。？！.?!]+[。？！.?!]*/g) ?? []

/** 16-bit PCM of fake speech (the vendors stream raw PCM; the WAV header is ours to add). */
function fakePcm(text: string, rate: number): Buffer {
  const wav = fakeSpeechWav(text, rate)
  const samples = decodeWav(wav).samples.length
  return Buffer.from(wav.subarray(wav.length - samples * 2))
}

/** Louder than room noise somewhere in 16-bit PCM (50 ms windows above −34 dBFS). */
function pcmHasVoice(pcm: Buffer, rate: number): boolean {
  const n = Math.round(rate / 20)
  for (let at = 0; at + n * 2 <= pcm.length; at += n * 2) {
    let sum = 0
    for (let i = 0; i < n; i++) sum += (pcm.readInt16LE(at + i * 2) / 32768) ** 2
    if (Math.sqrt(sum / n) > 0.02) return true
  }
  return false
}

/** Serves DashScope's WebSocket on the server's upgrade path; returns what closes every socket. */
export function attachDashScope(server: http.Server, ctx: CloudContext): () => void {
  const wss = new WebSocketServer({ noServer: true })
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '')
    if (path !== DASHSCOPE_PATH) return socket.destroy()
    if (ctx.apiKey && req.headers.authorization?.replace(/^bearer /i, 'Bearer ') !== `Bearer ${ctx.apiKey}`) {
      const body = JSON.stringify({ code: 'InvalidApiKey', message: 'Invalid API-key provided.', request_id: 'fake' })
      socket.end(
        `HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
      )
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => session(ws, req))
  })

  function session(ws: WebSocket, req: http.IncomingMessage) {
    const rec: SpeechRecord & { text: string; audioBytes: number; finished: boolean } = {
      method: 'GET',
      path: DASHSCOPE_PATH,
      headers: req.headers,
      body: undefined,
      time: Date.now(),
      aborted: false,
      text: '',
      audioBytes: 0,
      finished: false
    }
    ctx.record(rec)
    let taskId = ''
    let payload: any
    const audio: Buffer[] = []
    const event = (name: string, extra: Record<string, unknown> = {}, body: Record<string, unknown> = {}) =>
      ws.readyState === ws.OPEN && ws.send(JSON.stringify({ header: { task_id: taskId, event: name, attributes: {}, ...extra }, payload: body }))
    const fail = (code: string, message: string) => {
      event('task-failed', { error_code: code, error_message: message })
      ws.close(1000)
    }
    ws.on('close', () => {
      if (!rec.finished) rec.aborted = true
    })
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        const b = data as Buffer
        audio.push(b)
        rec.audioBytes += b.length
        return
      }
      const msg = JSON.parse(String(data))
      const action = msg?.header?.action
      if (action === 'run-task') {
        taskId = msg.header.task_id
        payload = msg.payload
        rec.body = payload
        if (msg.header.streaming !== 'duplex' || payload?.task_group !== 'audio')
          return fail('InvalidParameter', 'streaming must be duplex and task_group audio')
        const model = String(payload.model ?? '')
        const tts = payload.task === 'tts' && payload.function === 'SpeechSynthesizer'
        const asr = payload.task === 'asr' && payload.function === 'recognition'
        if (!tts && !asr) return fail('InvalidParameter', `unknown task ${payload.task}/${payload.function}`)
        if (model === DASHSCOPE_FAILING.quota || model === DASHSCOPE_FAILING.asrQuota)
          return fail('Arrearage', 'Access denied, please make sure your account is in good standing.')
        if (model === DASHSCOPE_FAILING.throttled) return fail('Throttling.RateQuota', 'Requests rate limit exceeded, please try again later.')
        if (!(tts ? TTS_MODELS : ASR_MODELS).test(model)) return fail('ModelNotFound', `Model not found (${model})!`)
        if (tts && model.startsWith('cosyvoice') && !payload.parameters?.voice) return fail('InvalidParameter', 'Missing required parameter: voice')
        if (tts && payload.parameters?.voice === UNKNOWN_VOICE)
          return fail('InvalidParameter', `[tts:]Engine return error code: 418, voice ${UNKNOWN_VOICE} does not exist`)
        if (payload.parameters?.format !== 'pcm' && tts) return fail('InvalidParameter', 'the fake makes pcm only')
        return event('task-started')
      }
      if (action === 'continue-task') {
        rec.text += String(msg.payload?.input?.text ?? '')
        return
      }
      if (action === 'finish-task') return payload?.task === 'tts' ? finishTts() : finishAsr()
    })

    function finishTts() {
      const rate = Number(payload.parameters?.sample_rate ?? 22050)
      const send = () => {
        if (ws.readyState !== ws.OPEN) return
        const pcm = fakePcm(rec.text || ' ', rate)
        event('result-generated', {}, { output: { type: 'sentence-begin', sentence: { index: 0, words: [] }, original_text: rec.text } })
        for (let at = 0; at < pcm.length; at += 4096) {
          event('result-generated', {}, { output: { type: 'sentence-synthesis', sentence: { index: 0, words: [] } } })
          ws.send(pcm.subarray(at, at + 4096))
        }
        event(
          'result-generated',
          {},
          { output: { type: 'sentence-end', sentence: { index: 0, words: [] }, original_text: rec.text }, usage: { characters: rec.text.length } }
        )
        rec.finished = true
        event('task-finished', {}, { output: {}, usage: { characters: rec.text.length } })
      }
      if (ctx.opts.ttsDelayMs) ctx.later(ctx.opts.ttsDelayMs, send)
      else send()
    }

    function finishAsr() {
      const rate = Number(payload.parameters?.sample_rate ?? 16000)
      const pcm = Buffer.concat(audio)
      const heard = ctx.opts.heard && pcmHasVoice(pcm, rate) ? ctx.opts.heard : ''
      let at = 0
      for (const sentence of sentencesOf(heard)) {
        // Partial results grow a character at a time, then the sentence ends.
        const chars = [...sentence]
        for (let i = 1; i < chars.length; i += 3) {
          event(
            'result-generated',
            {},
            {
              output: { sentence: { begin_time: at, end_time: null, text: chars.slice(0, i).join(''), heartbeat: false, sentence_end: false, words: [] } },
              usage: null
            }
          )
        }
        event(
          'result-generated',
          {},
          {
            output: { sentence: { begin_time: at, end_time: at + 900, text: sentence.trim(), heartbeat: false, sentence_end: true, words: [] } },
            usage: { duration: 1 }
          }
        )
        at += 1000
      }
      rec.text = heard
      rec.finished = true
      event('task-finished', {}, { output: {} })
    }
  }

  return () => {
    for (const ws of wss.clients) ws.terminate()
    wss.close()
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return
  const data = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) })
  res.end(data)
}

/** POST /api/v1/tts: Volcengine's v1 answer shapes and codes. */
export async function volcengineTts(req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer, ctx: CloudContext, rec: SpeechRecord): Promise<void> {
  let body: any
  try {
    body = JSON.parse(raw.toString('utf8'))
  } catch {
    return sendJson(res, 400, { code: 3001, message: 'invalid request: body is not JSON' })
  }
  rec.body = body
  const reqid = body?.request?.reqid
  const reply = (code: number, message: string, extra: Record<string, unknown> = {}, status = 200) =>
    sendJson(res, status, { reqid, code, operation: 'query', message, sequence: -1, ...extra })
  const token = body?.app?.token
  if (!token || req.headers.authorization !== `Bearer;${token}` || (ctx.apiKey && token !== ctx.apiKey))
    return reply(3001, 'authenticate request: load grant: requested grant not found', {}, 401)
  if (body.app.appid === VOLCENGINE_NO_QUOTA_APP) return reply(3001, 'quota exceeded for types: tts_lifetime')
  if (!['volcano_tts', 'volcano_icl'].includes(body.app.cluster)) return reply(3001, 'Fail to feed text, reason Init Engine Instance failed')
  if (body.request?.operation !== 'query') return reply(3001, 'invalid operation: the HTTP API only queries')
  const text = String(body.request?.text ?? '')
  if (!text.trim()) return reply(3011, 'illegal input text!')
  if (Buffer.byteLength(text) > 1024) return reply(3010, 'text too long')
  const voice = String(body.audio?.voice_type ?? '')
  if (!voice || voice === UNKNOWN_VOICE) return reply(3050, `voice_type ${voice} not exist`)
  if ((body.audio?.encoding ?? 'pcm') !== 'pcm') return reply(3001, 'the fake makes pcm only')
  const rate = Number(body.audio?.rate ?? 24000)
  const send = () => {
    const pcm = fakePcm(text, rate)
    reply(3000, 'Success', { data: pcm.toString('base64'), addition: { duration: String(Math.round((pcm.length / 2 / rate) * 1000)) } })
  }
  if (ctx.opts.ttsDelayMs) ctx.later(ctx.opts.ttsDelayMs, send)
  else send()
}
