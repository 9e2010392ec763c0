// DashScope (Alibaba Cloud Bailian) speech over its WebSocket inference API: CosyVoice/Sambert TTS
// and Paraformer/Fun-ASR realtime recognition. One task per connection: `run-task` → the server's
// `task-started` → text (`continue-task`) or binary audio frames → `finish-task` → `task-finished`,
// or `task-failed` with `error_code`/`error_message` at any point. The socket needs an
// `Authorization: Bearer <key>` header, which a browser WebSocket cannot send: this runs in the
// main process / server only, and the key never leaves it.
import { randomUUID } from 'node:crypto'
import WebSocket from 'ws'
import { AppError } from '../../../src-main/contract/errors'
import { decodeWav } from '../../audio/wav'
import { pcm16Wav, resamplePcm16, sniffAudio } from './audio-format'
import { isNetworkError, reasonOfStatus, speechFault, type SpeechFaultReason } from './speech-fault'
import type { AsrProvider, SynthesizedSpeech, Transcript, TtsProvider } from './types'

const VENDOR = 'DashScope'
const TTS_FAILED = 'Speech synthesis failed'
const ASR_FAILED = 'Speech recognition failed'

export interface DashScopeConnection {
  /** `wss://dashscope.aliyuncs.com/api-ws/v1/inference` (see dashScopeSocketUrl). */
  url: string
  apiKey: string
  /** Until the socket is open (default 15 s). */
  connectTimeoutMs?: number
  /** Longest silence from the server once the task runs (default 30 s). */
  idleTimeoutMs?: number
}

/**
 * The WebSocket endpoint for a provider's base URL: the compatible-mode URL users enter
 * (`https://dashscope.aliyuncs.com/compatible-mode/v1`, the intl or a workspace host) shares its host
 * with the socket; http becomes ws (a local test server), https wss.
 */
export function dashScopeSocketUrl(baseUrl: string): string {
  const u = new URL(baseUrl)
  return `${u.protocol === 'http:' ? 'ws:' : 'wss:'}//${u.host}/api-ws/v1/inference`
}

/** Sorts a task-failed code/message into the kind of fault the operator has to fix. */
export function dashScopeReason(code: string, message: string): SpeechFaultReason {
  const s = `${code} ${message}`
  if (/InvalidApiKey|Unauthori[sz]ed|AccessDenied|api[- ]?key|authenticat/i.test(s)) return 'unauthorized'
  // Throttling.RateQuota / Throttling.AllocationQuota are rate limits, not a used-up quota.
  if (/Throttl|rate limit|too many|concurren/i.test(s)) return 'rate_limited'
  if (/Arrearage|quota|overdue|balance|FreeTierOnly|insufficient/i.test(s)) return 'quota_exceeded'
  if (/ModelNotFound|model.{0,20}(not (found|exist)|does not exist)|NoSuchModel/i.test(s)) return 'model_not_found'
  if (/InvalidParameter|BadRequest|InvalidVoice|invalid|unsupported/i.test(s)) return 'bad_request'
  if (/timeout/i.test(s)) return 'timeout'
  return 'upstream_error'
}

interface Task {
  /** Once the server has started the task: send text (`continue-task`) or audio, then `finish-task`. */
  onStarted(io: { command(action: 'continue-task' | 'finish-task', input?: Record<string, unknown>): void; audio(frame: Uint8Array): void }): void
  onResult?(payload: any): void
  onAudio?(frame: Buffer): void
}

/** Runs one task on a fresh socket; resolves on task-finished. Aborting closes the socket at once. */
function runTask(conn: DashScopeConnection, what: string, payload: Record<string, unknown>, task: Task, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const taskId = randomUUID().replace(/-/g, '')
    const header = (action: string) => ({ action, task_id: taskId, streaming: 'duplex' })
    const ws = new WebSocket(conn.url, {
      headers: { Authorization: `Bearer ${conn.apiKey}`, 'user-agent': 'agenta-studio' },
      handshakeTimeout: conn.connectTimeoutMs ?? 15_000
    })
    let settled = false
    let idle: NodeJS.Timeout | undefined
    const done = (err?: unknown) => {
      if (settled) return
      settled = true
      clearTimeout(idle)
      signal?.removeEventListener('abort', onAbort)
      // A task is over either way: closing is polite on success, terminate drops a failing one.
      if (err) ws.terminate()
      else ws.close(1000)
      if (err) reject(err)
      else resolve()
    }
    const onAbort = () => done(signal?.reason ?? new DOMException('Aborted', 'AbortError'))
    signal?.addEventListener('abort', onAbort, { once: true })
    const touch = () => {
      clearTimeout(idle)
      idle = setTimeout(
        () => done(speechFault(what, VENDOR, 'timeout', `nothing for ${Math.round((conn.idleTimeoutMs ?? 30_000) / 1000)} s`)),
        conn.idleTimeoutMs ?? 30_000
      )
    }

    ws.on('unexpected-response', (_req, res) => {
      // The handshake was answered with HTTP (401 for a bad key): its body names the fault.
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (s: string) => (body += s.slice(0, 2000)))
      res.on('end', () => {
        let detail = body.trim().slice(0, 300)
        let reason = reasonOfStatus(res.statusCode ?? 500)
        try {
          const j = JSON.parse(body) as { code?: string; message?: string }
          if (j.message) detail = j.code ? `${j.code}: ${j.message}` : j.message
          if (j.code || j.message) reason = res.statusCode === 401 || res.statusCode === 403 ? 'unauthorized' : dashScopeReason(j.code ?? '', j.message ?? '')
        } catch {
          // not JSON: keep the text
        }
        done(speechFault(what, VENDOR, reason, `HTTP ${res.statusCode}${detail ? ` ${detail}` : ''}`))
      })
      res.on('error', () => done(speechFault(what, VENDOR, reasonOfStatus(res.statusCode ?? 500), `HTTP ${res.statusCode}`)))
    })
    ws.on('error', (err) => {
      if (settled) return
      if (/handshake has timed out/i.test(err.message)) return done(speechFault(what, VENDOR, 'timeout', `no answer from ${conn.url}`))
      const reason: SpeechFaultReason = isNetworkError(err) ? 'unreachable' : 'upstream_error'
      done(speechFault(what, VENDOR, reason, reason === 'unreachable' ? `${conn.url} (${err.message})` : err.message))
    })
    ws.on('close', (code, why) => {
      if (!settled)
        done(speechFault(what, VENDOR, 'upstream_error', `the connection closed before the task finished (${code}${why.length ? ` ${why.toString()}` : ''})`))
    })
    ws.on('open', () => {
      touch()
      ws.send(JSON.stringify({ header: header('run-task'), payload: { task_group: 'audio', input: {}, ...payload } }))
    })
    ws.on('message', (data, isBinary) => {
      if (settled) return
      touch()
      const frame = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)
      if (isBinary) return task.onAudio?.(frame)
      let msg: any
      try {
        msg = JSON.parse(frame.toString('utf8'))
      } catch {
        return done(speechFault(what, VENDOR, 'upstream_error', 'the server sent something that is not JSON'))
      }
      const event = msg?.header?.event
      if (event === 'task-started') {
        const send = (d: string | Uint8Array) => ws.readyState === WebSocket.OPEN && ws.send(d)
        return task.onStarted({
          command: (action, input = {}) => send(JSON.stringify({ header: header(action), payload: { input } })),
          audio: (frame) => send(frame)
        })
      }
      if (event === 'result-generated') return task.onResult?.(msg.payload)
      if (event === 'task-finished') return done()
      if (event === 'task-failed') {
        const code = String(msg.header.error_code ?? '')
        const message = String(msg.header.error_message ?? 'no reason given')
        return done(speechFault(what, VENDOR, dashScopeReason(code, message), code ? `${code}: ${message}` : message))
      }
    })
  })
}

export interface DashScopeVoice {
  /** `cosyvoice-v2`, `cosyvoice-v1`, `sambert-zhichu-v1`… */
  model: string
  /** `longxiaochun_v2`; Sambert models name their voice themselves. */
  voice?: string
  /** 0.5–2 (CosyVoice's `rate`); 1 is normal. */
  speed?: number
  /** 8000, 16000, 22050 (default), 24000, 44100, 48000. */
  sampleRate?: number
}

/** The documented limit of one continue-task (CJK characters count twice). */
export const MAX_DASHSCOPE_TTS_CHARS = 10_000

export function dashScopeTts(conn: DashScopeConnection, voice: DashScopeVoice): TtsProvider {
  const sampleRate = voice.sampleRate ?? 22050
  return {
    async synthesize(text, opts = {}): Promise<SynthesizedSpeech> {
      const input = text.trim()
      if (!input) throw new AppError('validation_failed', 'Nothing to speak: the text is empty')
      if (input.length > MAX_DASHSCOPE_TTS_CHARS) throw new AppError('validation_failed', `Text to speak is longer than ${MAX_DASHSCOPE_TTS_CHARS} characters`)
      const frames: Buffer[] = []
      const parameters: Record<string, unknown> = { text_type: 'PlainText', format: 'pcm', sample_rate: sampleRate, volume: 50 }
      if (voice.voice) parameters.voice = voice.voice
      if (voice.speed) parameters.rate = Math.min(2, Math.max(0.5, voice.speed))
      await runTask(
        conn,
        TTS_FAILED,
        { task: 'tts', function: 'SpeechSynthesizer', model: voice.model, parameters },
        {
          onStarted(io) {
            io.command('continue-task', { text: input })
            io.command('finish-task')
          },
          onAudio: (frame) => void frames.push(frame)
        },
        opts.signal
      )
      const pcm = new Uint8Array(Buffer.concat(frames))
      if (pcm.length < 2) throw speechFault(TTS_FAILED, VENDOR, 'upstream_error', 'the task finished without audio')
      return { audio: pcm16Wav(pcm, sampleRate), mime: 'audio/wav' }
    }
  }
}

/** Formats the realtime recogniser decodes itself (the rest must be WAV, sent as PCM). */
const PASS_THROUGH: Record<string, string> = { mp3: 'mp3', ogg: 'opus', aac: 'aac' }

/** Paraformer's sentences in order; CJK text is joined as it is, other text with a space. */
function joinSentences(parts: string[]): string {
  return parts
    .map((p) => p.trim())
    .filter(Boolean)
    .reduce(
      (all, p) =>
        !all ? p : /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]$/.test(all) || /^[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/.test(p) ? all + p : `${all} ${p}`,
      ''
    )
}

/** 100 ms of 16 kHz PCM: the frame size DashScope's examples send. */
const FRAME_BYTES = 3200

export function dashScopeAsr(conn: DashScopeConnection, opts: { model: string; language?: string }): AsrProvider {
  // The 8k models (telephone audio) take 8 kHz; every other realtime model 16 kHz.
  const rate = /8k/i.test(opts.model) ? 8000 : 16000
  return {
    async transcribe(audio, call = {}): Promise<Transcript> {
      if (!audio.length) throw new AppError('validation_failed', 'No audio to transcribe')
      const format = sniffAudio(audio)
      if (!format) throw new AppError('unsupported_media_type', 'The recording is not in a known audio format (WAV, MP3, Ogg, AAC)')
      let body: Uint8Array
      let wire: string
      if (format.ext === 'wav') {
        let pcm
        try {
          pcm = decodeWav(audio)
        } catch (err) {
          throw new AppError('unsupported_media_type', `The WAV recording cannot be read: ${(err as Error).message} (send 16-bit PCM)`)
        }
        body = resamplePcm16(pcm.samples, pcm.sampleRate, rate)
        wire = 'pcm'
      } else if (PASS_THROUGH[format.ext]) {
        body = audio
        wire = PASS_THROUGH[format.ext]
      } else {
        throw new AppError('unsupported_media_type', `DashScope realtime recognition reads WAV, MP3, Ogg/Opus or AAC, not ${format.ext.toUpperCase()}`)
      }
      const language = call.language ?? opts.language
      const parameters: Record<string, unknown> = { format: wire, sample_rate: rate }
      if (language) parameters.language_hints = [language.split('-')[0].toLowerCase()]
      const finals: string[] = []
      let partial = ''
      await runTask(
        conn,
        ASR_FAILED,
        { task: 'asr', function: 'recognition', model: opts.model, parameters },
        {
          onStarted(io) {
            for (let at = 0; at < body.length; at += FRAME_BYTES) io.audio(body.subarray(at, at + FRAME_BYTES))
            io.command('finish-task')
          },
          onResult(payload) {
            const s = payload?.output?.sentence
            if (!s || s.heartbeat === true || typeof s.text !== 'string') return
            if (s.sentence_end) {
              finals.push(s.text)
              partial = ''
            } else partial = s.text
          }
        },
        call.signal
      )
      return { text: joinSentences([...finals, partial]), ...(language ? { language } : {}) }
    }
  }
}
