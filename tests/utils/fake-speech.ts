// The fake model server's speech routes (mounted by fake-llm.ts): POST /v1/audio/speech answers
// with a real WAV whose length grows with the text, and POST /v1/audio/transcriptions reads back
// the text a WAV carries in its "agtx" chunk. So TTS → ASR round-trips without any model, and a
// test can mark espeak-ng speech with the words it says (markSpeech) before "recognising" it.
import busboy from 'busboy'
import type http from 'node:http'
import { decodeWav, encodeWav } from '../../digitalhuman/audio/wav'
import { VOLCENGINE_PATH, volcengineTts } from './fake-cloud-speech'

export const SPEECH_MODELS = ['fake-tts', 'fake-asr']
/** A TTS model that always fails with 503, for provider-error tests. */
export const BROKEN_TTS_MODEL = 'fake-tts-broken'

export interface FakeSpeechOptions {
  /** Delay before each /audio/speech reply: a TTS with a fixed latency for benchmarks. */
  ttsDelayMs?: number
  sampleRate?: number
  /**
   * What unmarked speech is heard as: a browser's fake microphone re-records the marked file, so
   * the mark is lost on the way; a WAV with voice in it (not silence) is then heard as this text.
   */
  heard?: string
}

export interface SpeechRecord {
  method: string
  path: string
  headers: http.IncomingHttpHeaders
  body: any
  time: number
  aborted: boolean
}

interface Context {
  opts: FakeSpeechOptions
  apiKey?: string
  knownModel: (id: unknown) => boolean
  record: (rec: SpeechRecord) => void
  later: (ms: number, fn: () => void) => void
}

const MARK = 'agtx'
const CJK = /[\u3400-\u9fff]/

export const isSpeechRoute = (method: string | undefined, path: string): boolean =>
  method === 'POST' && (path === '/v1/audio/speech' || path === '/v1/audio/transcriptions' || path === VOLCENGINE_PATH)

/** Seconds of fake speech for a text: about a syllable's worth per CJK character or three letters. */
export function speechSeconds(text: string): number {
  let s = 0
  for (const ch of text) s += CJK.test(ch) ? 0.22 : /[\p{L}\p{N}]/u.test(ch) ? 0.065 : /\s/.test(ch) ? 0.03 : 0.12
  return Math.max(0.3, Math.round(s * 100) / 100)
}

/** Speech-shaped audio: a 180 Hz voice pulsing at 4 syllables a second, with 0.1 s of silence around it. */
export function fakeSpeechWav(text: string, sampleRate = 16000): Uint8Array {
  const speech = speechSeconds(text)
  const pad = 0.1
  const n = Math.round((speech + 2 * pad) * sampleRate)
  const samples = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate - pad
    if (t < 0 || t > speech) continue
    const syllable = Math.max(0, Math.sin(Math.PI * 4 * t)) ** 0.7
    samples[i] = 0.6 * syllable * Math.sin(2 * Math.PI * 180 * t)
  }
  return markSpeech(encodeWav({ sampleRate, samples }), text)
}

/** Adds (or replaces) the chunk that tells the fake ASR what `wav` says. */
export function markSpeech(wav: Uint8Array, text: string): Uint8Array {
  const payload = new TextEncoder().encode(text)
  const pad = payload.length & 1
  const chunk = new Uint8Array(8 + payload.length + pad)
  const v = new DataView(chunk.buffer)
  for (let i = 0; i < 4; i++) chunk[i] = MARK.charCodeAt(i)
  v.setUint32(4, payload.length, true)
  chunk.set(payload, 8)
  // Insert right after the RIFF header so decoders that stop at "data" still see the rest intact.
  const out = new Uint8Array(wav.length + chunk.length)
  out.set(wav.subarray(0, 12))
  out.set(chunk, 12)
  out.set(wav.subarray(12), 12 + chunk.length)
  new DataView(out.buffer).setUint32(4, out.length - 8, true)
  return out
}

/** The text a marked WAV carries, or undefined. */
export function speechMark(bytes: Uint8Array): string | undefined {
  if (bytes.length < 12 || String.fromCharCode(...bytes.subarray(0, 4)) !== 'RIFF') return undefined
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let at = 12; at + 8 <= bytes.length;) {
    const size = v.getUint32(at + 4, true)
    if (String.fromCharCode(...bytes.subarray(at, at + 4)) === MARK) return new TextDecoder().decode(bytes.subarray(at + 8, at + 8 + size))
    if (String.fromCharCode(...bytes.subarray(at, at + 4)) === 'data') return undefined
    at += 8 + size + (size & 1)
  }
  return undefined
}

/** Louder than room noise somewhere: 50 ms windows, one above -34 dBFS RMS. */
function hasVoice(samples: Float32Array): boolean {
  const n = 800
  for (let at = 0; at + n <= samples.length; at += n) {
    let sum = 0
    for (let i = at; i < at + n; i++) sum += samples[i] * samples[i]
    if (Math.sqrt(sum / n) > 0.02) return true
  }
  return false
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return
  const data = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) })
  res.end(data)
}

const sendError = (res: http.ServerResponse, status: number, message: string, code: string | null = null) =>
  sendJson(res, status, { error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', param: null, code } })

function readRaw(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    req.on('data', (b: Buffer) => parts.push(b))
    req.on('end', () => resolve(Buffer.concat(parts)))
    req.on('close', () => resolve(Buffer.concat(parts)))
    req.on('error', reject)
  })
}

interface Multipart {
  fields: Record<string, string>
  file?: { name: string; type: string; bytes: Buffer }
}

function readMultipart(req: http.IncomingMessage): Promise<Multipart> {
  return new Promise((resolve, reject) => {
    const out: Multipart = { fields: {} }
    let bb: busboy.Busboy
    try {
      bb = busboy({ headers: req.headers, defParamCharset: 'utf8' })
    } catch (err) {
      return reject(err)
    }
    bb.on('field', (name, value) => (out.fields[name] = value))
    bb.on('file', (_name, stream, info) => {
      const parts: Buffer[] = []
      stream.on('data', (b: Buffer) => parts.push(b))
      stream.on('end', () => (out.file = { name: info.filename ?? '', type: info.mimeType, bytes: Buffer.concat(parts) }))
    })
    bb.on('close', () => resolve(out))
    bb.on('error', reject)
    req.pipe(bb)
  })
}

async function speech(req: http.IncomingMessage, res: http.ServerResponse, ctx: Context, rec: SpeechRecord): Promise<void> {
  let body: any
  try {
    body = JSON.parse((await readRaw(req)).toString('utf8'))
  } catch {
    return sendError(res, 400, 'We could not parse the JSON body of your request.')
  }
  rec.body = body
  if (!body?.model) return sendError(res, 400, 'you must provide a model parameter')
  if (body.model === BROKEN_TTS_MODEL) return sendError(res, 503, 'The speech service is temporarily overloaded.')
  if (!SPEECH_MODELS.includes(body.model) && !ctx.knownModel(body.model)) {
    return sendError(res, 404, `The model \`${String(body.model)}\` does not exist or you do not have access to it.`, 'model_not_found')
  }
  if (typeof body.input !== 'string' || !body.input.trim()) return sendError(res, 400, "Missing required parameter: 'input'.")
  if (typeof body.voice !== 'string' || !body.voice) return sendError(res, 400, "Missing required parameter: 'voice'.")
  const format = body.response_format ?? 'mp3'
  if (format !== 'wav' && format !== 'pcm') return sendError(res, 400, `The fake speech server makes wav and pcm only, not ${String(format)}.`)
  const wav = fakeSpeechWav(body.input, ctx.opts.sampleRate)
  const audio = format === 'pcm' ? wav.subarray(wav.length - decodeWav(wav).samples.length * 2) : wav
  const send = () => {
    if (res.destroyed) return
    res.writeHead(200, { 'content-type': format === 'pcm' ? 'audio/pcm' : 'audio/wav', 'content-length': audio.length })
    res.end(Buffer.from(audio.buffer, audio.byteOffset, audio.byteLength))
  }
  if (ctx.opts.ttsDelayMs) ctx.later(ctx.opts.ttsDelayMs, send)
  else send()
}

async function transcription(req: http.IncomingMessage, res: http.ServerResponse, ctx: Context, rec: SpeechRecord): Promise<void> {
  let form: Multipart
  try {
    form = await readMultipart(req)
  } catch {
    return sendError(res, 400, 'The request must be multipart/form-data with a file.')
  }
  rec.body = { ...form.fields, file: form.file && { name: form.file.name, type: form.file.type, size: form.file.bytes.length } }
  const model = form.fields.model
  if (!model) return sendError(res, 400, 'you must provide a model parameter')
  if (!SPEECH_MODELS.includes(model) && !ctx.knownModel(model)) {
    return sendError(res, 404, `The model \`${model}\` does not exist or you do not have access to it.`, 'model_not_found')
  }
  if (!form.file?.bytes.length) return sendError(res, 400, "Missing required parameter: 'file'.")
  const bytes = new Uint8Array(form.file.bytes)
  let text: string
  try {
    // A WAV that decodes but carries no mark is speech the fake cannot understand: empty text,
    // as a real recogniser gives for silence.
    const pcm = decodeWav(bytes)
    text = speechMark(bytes) ?? (ctx.opts.heard && hasVoice(pcm.samples) ? ctx.opts.heard : '')
  } catch {
    return sendError(res, 400, 'Invalid file format. The fake recogniser reads 16-bit PCM WAV.', 'invalid_value')
  }
  if (form.fields.response_format === 'text') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
    return void res.end(text)
  }
  sendJson(res, 200, { text, ...(form.fields.language ? { language: form.fields.language } : {}) })
}

/** Answers a speech route (isSpeechRoute was true): checks the key, records the request, replies. */
export async function handleSpeech(req: http.IncomingMessage, res: http.ServerResponse, path: string, ctx: Context): Promise<void> {
  const rec: SpeechRecord = { method: req.method ?? 'POST', path, headers: req.headers, body: undefined, time: Date.now(), aborted: false }
  ctx.record(rec)
  res.on('close', () => {
    if (!res.writableFinished) rec.aborted = true
  })
  // Volcengine checks its own `Bearer;<token>` (fake-cloud-speech.ts).
  if (path === VOLCENGINE_PATH) return volcengineTts(req, res, await readRaw(req), ctx, rec)
  if (ctx.apiKey && req.headers.authorization !== `Bearer ${ctx.apiKey}`) {
    req.resume()
    return sendError(res, 401, 'Incorrect API key provided.', 'invalid_api_key')
  }
  if (path === '/v1/audio/speech') return speech(req, res, ctx, rec)
  return transcription(req, res, ctx, rec)
}
