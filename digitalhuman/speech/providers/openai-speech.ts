// Speech over the OpenAI-compatible audio API: POST /audio/speech (TTS) and
// POST /audio/transcriptions (ASR). Covers OpenAI, SiliconFlow (CosyVoice, SenseVoice) and local
// servers. The caller hands in the provider's OpenAI client (providers-service builds it from the
// stored key), so keys stay in the main process.
import OpenAI, { toFile } from 'openai'
import { AppError } from '../../../src-main/contract/errors'
import { describeProviderFault } from '../../../src-main/core/providers/provider-errors'
import { mimeOfFormat, sniffAudio } from './audio-format'
import type { AsrProvider, SynthesizedSpeech, Transcript, TtsProvider } from './types'

/** The endpoint's documented limit on one request's text. */
export const MAX_TTS_CHARS = 4096
/** 25 MB: OpenAI's upload limit for transcription. */
export const MAX_ASR_BYTES = 25 * 1024 * 1024

export interface OpenAiVoice {
  /** e.g. `tts-1`, `FunAudioLLM/CosyVoice2-0.5B`. */
  model: string
  /** e.g. `alloy`, `FunAudioLLM/CosyVoice2-0.5B:alex`. */
  voice: string
  /** 0.25–4. */
  speed?: number
  /** WAV by default: the renderer can measure its loudness without a codec. */
  format?: 'wav' | 'mp3' | 'opus' | 'aac' | 'flac' | 'pcm'
}

function providerError(err: unknown, client: OpenAI, what: string): AppError {
  if (err instanceof AppError) return err
  const fault = describeProviderFault(err, client.baseURL)
  return new AppError('upstream_error', `${what}: ${fault.message}`, { reason: fault.code, retryable: fault.retryable })
}

export function openAiTts(client: OpenAI, voice: OpenAiVoice): TtsProvider {
  const format = voice.format ?? 'wav'
  return {
    async synthesize(text, opts = {}): Promise<SynthesizedSpeech> {
      const input = text.trim()
      if (!input) throw new AppError('validation_failed', 'Nothing to speak: the text is empty')
      if (input.length > MAX_TTS_CHARS)
        throw new AppError('validation_failed', `Text to speak is longer than ${MAX_TTS_CHARS} characters; send it a sentence at a time`)
      try {
        const res = await client.audio.speech.create(
          {
            model: voice.model,
            voice: voice.voice as OpenAI.Audio.SpeechCreateParams['voice'],
            input,
            response_format: format,
            ...(voice.speed ? { speed: voice.speed } : {})
          },
          { signal: opts.signal }
        )
        const audio = new Uint8Array(await res.arrayBuffer())
        if (!audio.length) throw new AppError('upstream_error', 'Speech synthesis failed: the provider returned no audio', { reason: 'upstream_error' })
        const type = res.headers.get('content-type')?.split(';')[0].trim()
        // Some servers label audio application/octet-stream: trust the bytes, then the request.
        const mime = type?.startsWith('audio/') ? type : (sniffAudio(audio)?.mime ?? mimeOfFormat(format))
        return { audio, mime }
      } catch (err) {
        // The caller stopped it (barge-in): not a provider fault, give the abort back as it is.
        if (opts.signal?.aborted) throw err
        throw providerError(err, client, 'Speech synthesis failed')
      }
    }
  }
}

export function openAiAsr(client: OpenAI, opts: { model: string; language?: string }): AsrProvider {
  return {
    async transcribe(audio, call = {}): Promise<Transcript> {
      if (!audio.length) throw new AppError('validation_failed', 'No audio to transcribe')
      if (audio.length > MAX_ASR_BYTES) throw new AppError('payload_too_large', `Audio to transcribe is larger than ${MAX_ASR_BYTES / 1024 / 1024} MB`)
      const format = sniffAudio(audio)
      if (!format) throw new AppError('unsupported_media_type', 'The recording is not in a known audio format (WAV, MP3, Ogg, FLAC, WebM, M4A, AAC)')
      const language = call.language ?? opts.language
      try {
        const file = await toFile(audio, `speech.${format.ext}`, { type: format.mime })
        const res = await client.audio.transcriptions.create(
          { file, model: opts.model, response_format: 'json', ...(language ? { language } : {}) },
          { signal: call.signal }
        )
        return { text: String((res as { text?: unknown }).text ?? '').trim(), ...(language ? { language } : {}) }
      } catch (err) {
        if (call.signal?.aborted) throw err
        throw providerError(err, client, 'Speech recognition failed')
      }
    }
  }
}
