// Which client speaks for a `tts`/`stt` model: chosen by the provider's kind, as chat models are
// by their base URL. `bailian` → DashScope's WebSocket (CosyVoice/Sambert, Paraformer/Fun-ASR);
// `doubao` → Volcengine's speech API; every other kind → the OpenAI-compatible /audio routes
// (OpenAI, SiliconFlow, local servers). BUILTIN_TTS_MODEL_ID → the offline espeak-ng voice.
import type OpenAI from 'openai'
import type { ProviderKind, ProviderTimeouts } from '../../../src-main/contract/entities'
import { AppError } from '../../../src-main/contract/errors'
import { BUILTIN_TTS_MODEL_ID, speechVoices } from '../../../src-main/contract/speech'
import { dashScopeAsr, dashScopeSocketUrl, dashScopeTts } from './dashscope-speech'
import { espeakTts } from './espeak-tts'
import { openAiAsr, openAiTts } from './openai-speech'
import type { AsrProvider, TtsProvider } from './types'
import { parseVolcengineKey, volcengineTts, volcengineTtsUrl } from './volcengine-tts'

/** A provider as the server holds it: kind, URL, the decrypted key and its OpenAI client. */
export interface SpeechProviderAccess {
  kind: ProviderKind
  baseUrl: string
  apiKey?: string
  client: OpenAI
  timeouts: ProviderTimeouts
}

export interface VoiceChoice {
  voice?: string
  speed?: number
}

/** OpenAI's default voice: the one an OpenAI-compatible server without a named voice most likely knows. */
const OPENAI_DEFAULT_VOICE = 'alloy'

function keyFor(p: SpeechProviderAccess, vendor: string): string {
  if (!p.apiKey) throw new AppError('validation_failed', `${vendor} speech needs the provider’s API key: set it on the provider`)
  return p.apiKey
}

/** The TTS client for a model; `provider` is undefined only for the built-in voice. */
export function chooseTts(modelId: string, provider: SpeechProviderAccess | undefined, choice: VoiceChoice): TtsProvider {
  if (modelId === BUILTIN_TTS_MODEL_ID || !provider) {
    const voice = choice.voice && choice.voice !== 'auto' ? choice.voice : undefined
    // espeak-ng's default is 175 words a minute; speed scales it.
    return espeakTts({ voice, ...(choice.speed ? { wpm: 175 * choice.speed } : {}) })
  }
  const voice = choice.voice || speechVoices(provider.kind, modelId).defaultVoice
  if (provider.kind === 'bailian') {
    const conn = { url: dashScopeSocketUrl(provider.baseUrl), apiKey: keyFor(provider, 'DashScope'), connectTimeoutMs: provider.timeouts.connectMs }
    return dashScopeTts(conn, { model: modelId, voice, speed: choice.speed })
  }
  if (provider.kind === 'doubao') {
    if (!voice) throw new AppError('validation_failed', 'Choose a Volcengine voice (voice_type, e.g. BV001_streaming)')
    return volcengineTts(volcengineTtsUrl(provider.baseUrl), parseVolcengineKey(provider.apiKey), { cluster: modelId, voice, speed: choice.speed })
  }
  return openAiTts(provider.client, { model: modelId, voice: voice || OPENAI_DEFAULT_VOICE, ...(choice.speed ? { speed: choice.speed } : {}) })
}

/** The ASR client for an `stt` model. */
export function chooseAsr(modelId: string, provider: SpeechProviderAccess, opts: { language?: string }): AsrProvider {
  if (provider.kind === 'bailian') {
    const conn = { url: dashScopeSocketUrl(provider.baseUrl), apiKey: keyFor(provider, 'DashScope'), connectTimeoutMs: provider.timeouts.connectMs }
    return dashScopeAsr(conn, { model: modelId, ...opts })
  }
  if (provider.kind === 'doubao')
    throw new AppError(
      'validation_failed',
      'Speech recognition through Volcengine is not supported yet: choose an stt model of another provider (DashScope Paraformer, SiliconFlow SenseVoice, Whisper)'
    )
  return openAiAsr(provider.client, { model: modelId, ...opts })
}
