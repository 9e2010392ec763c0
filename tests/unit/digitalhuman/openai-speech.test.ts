// The OpenAI-compatible speech clients (TTS /audio/speech, ASR /audio/transcriptions) through the
// real openai SDK against the fake model server's speech routes.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { AppError } from '../../../src-main/contract/errors'
import { decodeWav, wavDuration } from '../../../digitalhuman/audio/wav'
import { sniffAudio } from '../../../digitalhuman/speech/providers/audio-format'
import { openAiAsr, openAiTts } from '../../../digitalhuman/speech/providers/openai-speech'
import { tempDir } from '../../utils/boot'
import { BROKEN_TTS_MODEL, markSpeech, speechMark } from '../../utils/fake-speech'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'

const KEY = 'sk-speech-test'
let llm: FakeLlm
let client: OpenAI

beforeAll(async () => {
  llm = await startFakeLlm({ apiKey: KEY })
  client = new OpenAI({ baseURL: llm.baseUrl, apiKey: KEY, maxRetries: 0 })
})
afterAll(() => llm.close())

async function appError(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(AppError)
  return err as AppError
}

describe('TTS over /audio/speech', () => {
  test('returns playable WAV whose length follows the text, asking for the configured model, voice, speed and WAV', async () => {
    llm.reset()
    const tts = openAiTts(client, { model: 'fake-tts', voice: 'FunAudioLLM/CosyVoice2-0.5B:alex', speed: 1.2 })
    const short = await tts.synthesize('您好。')
    const long = await tts.synthesize('您好，欢迎光临博物馆，导览图在一楼服务台。')
    expect(short.mime).toBe('audio/wav')
    expect(sniffAudio(long.audio)?.ext).toBe('wav')
    expect(decodeWav(long.audio).samples.length).toBeGreaterThan(0)
    expect(wavDuration(long.audio)).toBeGreaterThan(wavDuration(short.audio) * 2)
    expect(speechMark(long.audio)).toBe('您好，欢迎光临博物馆，导览图在一楼服务台。')
    expect(llm.requests[0]).toMatchObject({
      path: '/v1/audio/speech',
      body: { model: 'fake-tts', voice: 'FunAudioLLM/CosyVoice2-0.5B:alex', input: '您好。', response_format: 'wav', speed: 1.2 }
    })
  })

  test('empty or oversized text is refused before any request', async () => {
    llm.reset()
    const tts = openAiTts(client, { model: 'fake-tts', voice: 'alloy' })
    expect((await appError(tts.synthesize('  '))).code).toBe('validation_failed')
    expect((await appError(tts.synthesize('x'.repeat(5000)))).message).toMatch(/4096/)
    expect(llm.requests).toHaveLength(0)
  })

  test('provider faults become clear upstream errors: bad key, unknown model, overloaded, unreachable', async () => {
    const bad = openAiTts(new OpenAI({ baseURL: llm.baseUrl, apiKey: 'sk-wrong', maxRetries: 0 }), { model: 'fake-tts', voice: 'alloy' })
    const e1 = await appError(bad.synthesize('hello'))
    expect(e1.code).toBe('upstream_error')
    expect(e1.details).toMatchObject({ reason: 'unauthorized' })
    expect(e1.message).toMatch(/^Speech synthesis failed: The provider rejected the API key/)

    const e2 = await appError(openAiTts(client, { model: 'no-such-voice-model', voice: 'alloy' }).synthesize('hello'))
    expect(e2.details).toMatchObject({ reason: 'model_not_found' })

    const e3 = await appError(openAiTts(client, { model: BROKEN_TTS_MODEL, voice: 'alloy' }).synthesize('hello'))
    expect(e3.details).toMatchObject({ reason: 'upstream_error', retryable: true })

    const gone = new OpenAI({ baseURL: 'http://127.0.0.1:9/v1', apiKey: KEY, maxRetries: 0 })
    const e4 = await appError(openAiTts(gone, { model: 'fake-tts', voice: 'alloy' }).synthesize('hello'))
    expect(e4.details).toMatchObject({ reason: 'unreachable' })
  })

  test('an aborted request (barge-in) stops the synthesis and is reported as an abort', async () => {
    const slow = await startFakeLlm({ speech: { ttsDelayMs: 5_000 } })
    try {
      const tts = openAiTts(new OpenAI({ baseURL: slow.baseUrl, apiKey: 'x', maxRetries: 0 }), { model: 'fake-tts', voice: 'alloy' })
      const ac = new AbortController()
      const pending = tts.synthesize('This sentence is interrupted.', { signal: ac.signal })
      await expect.poll(() => slow.requests.length).toBe(1)
      ac.abort()
      // The caller's own abort comes back as an abort, not as a provider fault to show the operator.
      await expect(pending).rejects.toBeInstanceOf(OpenAI.APIUserAbortError)
      await expect.poll(() => slow.requests[0].aborted).toBe(true)
    } finally {
      await slow.close()
    }
  })
})

describe('ASR over /audio/transcriptions', () => {
  test('TTS → ASR round trip gives back the words, Chinese and English', async () => {
    const tts = openAiTts(client, { model: 'fake-tts', voice: 'alloy' })
    const asr = openAiAsr(client, { model: 'fake-asr' })
    for (const text of ['明天博物馆几点开门？', 'Where is the front desk?']) {
      const { audio } = await tts.synthesize(text)
      expect((await asr.transcribe(audio)).text).toBe(text)
    }
  })

  test('espeak-ng speech uploads as a named WAV file with the model and language', async () => {
    llm.reset()
    const file = join(tempDir('asr-'), 'q.wav')
    execFileSync('espeak-ng', ['-w', file, 'where is the exit'], { stdio: 'ignore' })
    const wav = new Uint8Array(readFileSync(file))
    const asr = openAiAsr(client, { model: 'fake-asr', language: 'en' })
    expect(await asr.transcribe(markSpeech(wav, 'where is the exit'))).toEqual({ text: 'where is the exit', language: 'en' })
    // Unmarked speech is speech the fake cannot understand: empty, like silence.
    expect((await asr.transcribe(wav)).text).toBe('')
    expect(llm.requests[0]).toMatchObject({
      path: '/v1/audio/transcriptions',
      body: { model: 'fake-asr', language: 'en', file: { name: 'speech.wav', type: 'audio/wav' } }
    })
  })

  test('bytes that are not audio are refused before any request; audio the provider cannot read is an upstream error', async () => {
    llm.reset()
    const asr = openAiAsr(client, { model: 'fake-asr' })
    expect((await appError(asr.transcribe(new TextEncoder().encode('just text')))).code).toBe('unsupported_media_type')
    expect((await appError(asr.transcribe(new Uint8Array()))).code).toBe('validation_failed')
    expect(llm.requests).toHaveLength(0)
    // A WebM recording (MediaRecorder's format) reaches the provider, which here only reads WAV.
    const webm = Uint8Array.of(0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0)
    const err = await appError(asr.transcribe(webm))
    expect(err.code).toBe('upstream_error')
    expect(err.message).toMatch(/Speech recognition failed: .*Invalid file format/)
    expect(llm.requests[0].body.file).toMatchObject({ name: 'speech.webm', type: 'audio/webm' })
  })
})
