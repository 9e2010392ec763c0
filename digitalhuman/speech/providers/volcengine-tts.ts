// Volcengine (Doubao speech, 豆包语音) TTS through its v1 HTTP API: one POST per sentence,
// `Authorization: Bearer;<token>` (a semicolon, not a space), the app id, token and cluster in the
// body too, and a JSON answer carrying base64 audio (`code` 3000) or the vendor's error code.
// Credentials come from the speech console (an app's APP ID and Access Token), not the Ark chat
// key: the provider's API key holds them as `APPID:TOKEN`. Main process / server only.
import { randomUUID } from 'node:crypto'
import { AppError } from '../../../src-main/contract/errors'
import { pcm16Wav } from './audio-format'
import { isNetworkError, reasonOfStatus, speechFault, type SpeechFaultReason } from './speech-fault'
import type { SynthesizedSpeech, TtsProvider } from './types'

const VENDOR = 'Volcengine speech'
const FAILED = 'Speech synthesis failed'

export const VOLCENGINE_TTS_URL = 'https://openspeech.bytedance.com/api/v1/tts'
/** The documented limit on one request's text: 1024 bytes of UTF-8. */
export const MAX_VOLCENGINE_TTS_BYTES = 1024

export interface VolcengineCredentials {
  appId: string
  token: string
}

/**
 * `APPID:TOKEN` (what the provider's API key field holds for Volcengine speech). A bare Ark key
 * (the chat models' key) has no app id: the error says where the right values are.
 */
export function parseVolcengineKey(key: string | undefined): VolcengineCredentials {
  const m = /^\s*([^:\s]+)\s*:\s*(\S+)\s*$/.exec(key ?? '')
  if (!m)
    throw new AppError(
      'validation_failed',
      'Volcengine speech needs its app’s APP ID and Access Token as the provider’s API key, written APPID:TOKEN (Volcengine console → 豆包语音 → your app); the Ark chat key does not work for speech'
    )
  return { appId: m[1], token: m[2] }
}

/**
 * The TTS endpoint for a provider's base URL: the Ark chat URL (…volces.com) or the speech host
 * itself mean Volcengine's own endpoint; any other host (a proxy, a test server) gets the same path.
 */
export function volcengineTtsUrl(baseUrl: string): string {
  const u = new URL(baseUrl)
  if (/(^|\.)volces\.com$|(^|\.)bytedance\.com$|(^|\.)volcengineapi\.com$/.test(u.hostname)) return VOLCENGINE_TTS_URL
  return `${u.origin}/api/v1/tts`
}

/** Sorts the answer's code/message into the kind of fault (codes from the v1 API's table). */
export function volcengineReason(code: number, message: string, status: number): SpeechFaultReason {
  if (/authenticat|grant not found|access denied|invalid.{0,10}(token|appid)|unauthori[sz]ed/i.test(message) || status === 401 || status === 403)
    return 'unauthorized'
  if (/quota exceeded for types: concurrency/i.test(message) || code === 3003) return 'rate_limited'
  if (/quota exceeded|insufficient|balance|arrear/i.test(message)) return 'quota_exceeded'
  if (code === 3050 || /Init Engine Instance failed|voice.{0,20}not exist/i.test(message)) return 'bad_request'
  if (code === 3001 || code === 3010 || code === 3011 || code === 3006) return 'bad_request'
  if (code === 3030 || code === 3032) return 'timeout'
  if (code >= 3000) return 'upstream_error'
  return reasonOfStatus(status)
}

export interface VolcengineVoice {
  /** The cluster: `volcano_tts` (preset and large-model voices), `volcano_icl` (cloned voices). */
  cluster: string
  /** The voice_type: `BV001_streaming`, `zh_female_shuangkuaisisi_moon_bigtts`… */
  voice: string
  /** 0.8–2 (speed_ratio). */
  speed?: number
  /** 8000, 16000 or 24000 (default). */
  sampleRate?: number
  /** Per request (default 30 s): one sentence takes well under a second. */
  timeoutMs?: number
}

export function volcengineTts(url: string, creds: VolcengineCredentials, voice: VolcengineVoice): TtsProvider {
  const rate = voice.sampleRate ?? 24000
  return {
    async synthesize(text, opts = {}): Promise<SynthesizedSpeech> {
      const input = text.trim()
      if (!input) throw new AppError('validation_failed', 'Nothing to speak: the text is empty')
      if (Buffer.byteLength(input) > MAX_VOLCENGINE_TTS_BYTES)
        throw new AppError('validation_failed', `Text to speak is longer than Volcengine’s ${MAX_VOLCENGINE_TTS_BYTES} bytes; send it a sentence at a time`)
      const body = {
        app: { appid: creds.appId, token: creds.token, cluster: voice.cluster },
        user: { uid: 'agenta-studio' },
        audio: {
          voice_type: voice.voice,
          // PCM wrapped here: a WAV whose sizes are right whatever the vendor writes.
          encoding: 'pcm',
          rate,
          ...(voice.speed ? { speed_ratio: Math.min(2, Math.max(0.8, voice.speed)) } : {})
        },
        request: { reqid: randomUUID(), text: input, text_type: 'plain', operation: 'query' }
      }
      const timeout = AbortSignal.timeout(voice.timeoutMs ?? 30_000)
      const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout
      let res: Response | undefined
      let raw: string
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer;${creds.token}` },
          body: JSON.stringify(body),
          signal
        })
        raw = await res.text()
      } catch (err) {
        if (opts.signal?.aborted) throw err
        if (timeout.aborted) throw speechFault(FAILED, VENDOR, 'timeout', url)
        // No answer at all (refused, unknown host, TLS) is unreachable; a broken answer is the vendor's.
        const cause = (err as { cause?: Error }).cause?.message ?? (err as Error).message
        throw speechFault(FAILED, VENDOR, !res || isNetworkError(err) ? 'unreachable' : 'upstream_error', `${url} (${cause})`)
      }
      let answer: { code?: number; message?: string; data?: string }
      try {
        answer = JSON.parse(raw)
      } catch {
        throw speechFault(FAILED, VENDOR, reasonOfStatus(res.ok ? 502 : res.status), `HTTP ${res.status}: ${raw.trim().slice(0, 200) || 'not JSON'}`)
      }
      const code = Number(answer.code)
      if (code !== 3000 || !res.ok) {
        const message = String(answer.message ?? 'no reason given')
        throw speechFault(FAILED, VENDOR, volcengineReason(code, message, res.status), `${Number.isFinite(code) ? `${code} ` : ''}${message}`)
      }
      const pcm = new Uint8Array(Buffer.from(String(answer.data ?? ''), 'base64'))
      if (pcm.length < 2) throw speechFault(FAILED, VENDOR, 'upstream_error', 'the answer carried no audio')
      return { audio: pcm16Wav(pcm, rate), mime: 'audio/wav' }
    }
  }
}
