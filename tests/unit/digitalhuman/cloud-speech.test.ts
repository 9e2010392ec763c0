// DashScope (CosyVoice TTS, Paraformer realtime ASR over its WebSocket) and Volcengine (v1 HTTP
// TTS) against the fake model server, which speaks both vendors' protocols (fake-cloud-speech.ts).
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { AppError } from '../../../src-main/contract/errors'
import { decodeWav, wavDuration } from '../../../digitalhuman/audio/wav'
import { dashScopeAsr, dashScopeSocketUrl, dashScopeTts, type DashScopeConnection } from '../../../digitalhuman/speech/providers/dashscope-speech'
import { parseVolcengineKey, volcengineTts, volcengineTtsUrl, VOLCENGINE_TTS_URL } from '../../../digitalhuman/speech/providers/volcengine-tts'
import { DASHSCOPE_FAILING, UNKNOWN_VOICE, VOLCENGINE_NO_QUOTA_APP } from '../../utils/fake-cloud-speech'
import { fakeSpeechWav, speechSeconds } from '../../utils/fake-speech'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'

const KEY = 'sk-dashscope-test'
let llm: FakeLlm
let conn: DashScopeConnection

beforeAll(async () => {
  llm = await startFakeLlm({ apiKey: KEY, speech: { heard: '您好，请问出口在哪里？我想回家。' } })
  conn = { url: dashScopeSocketUrl(llm.baseUrl), apiKey: KEY }
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

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

const tasks = () => llm.requests.filter((r) => r.path === '/api-ws/v1/inference') as any[]

describe('endpoints from the provider’s base URL', () => {
  test('DashScope: the compatible-mode URL’s host, wss for https, ws for a local server', () => {
    expect(dashScopeSocketUrl('https://dashscope.aliyuncs.com/compatible-mode/v1')).toBe('wss://dashscope.aliyuncs.com/api-ws/v1/inference')
    expect(dashScopeSocketUrl('https://dashscope-intl.aliyuncs.com/compatible-mode/v1')).toBe('wss://dashscope-intl.aliyuncs.com/api-ws/v1/inference')
    expect(dashScopeSocketUrl('http://127.0.0.1:9/v1')).toBe('ws://127.0.0.1:9/api-ws/v1/inference')
  })
  test('Volcengine: the Ark chat URL means the speech host; another host keeps its origin; the key is APPID:TOKEN', () => {
    expect(volcengineTtsUrl('https://ark.cn-beijing.volces.com/api/v3')).toBe(VOLCENGINE_TTS_URL)
    expect(volcengineTtsUrl('https://openspeech.bytedance.com')).toBe(VOLCENGINE_TTS_URL)
    expect(volcengineTtsUrl('http://127.0.0.1:9/v1')).toBe('http://127.0.0.1:9/api/v1/tts')
    expect(parseVolcengineKey(' 123456 : tok-en ')).toEqual({ appId: '123456', token: 'tok-en' })
    expect(() => parseVolcengineKey('ark-only-key')).toThrow(/APPID:TOKEN/)
    expect(() => parseVolcengineKey(undefined)).toThrow(/APPID:TOKEN/)
  })
})

describe('DashScope CosyVoice TTS over the WebSocket', () => {
  test('runs one task: run-task with model, voice, PCM and rate; the text in continue-task; WAV whose length follows the text', async () => {
    llm.reset()
    const tts = dashScopeTts(conn, { model: 'cosyvoice-v2', voice: 'longxiaochun_v2', speed: 1.2 })
    const text = '您好，欢迎光临博物馆。'
    const speech = await tts.synthesize(text)
    expect(speech.mime).toBe('audio/wav')
    const wav = decodeWav(speech.audio)
    expect(wav.sampleRate).toBe(22050)
    expect(wavDuration(speech.audio)).toBeCloseTo(speechSeconds(text) + 0.2, 1)
    const [task] = tasks()
    expect(task.headers.authorization).toBe(`Bearer ${KEY}`)
    expect(task.body).toMatchObject({
      task_group: 'audio',
      task: 'tts',
      function: 'SpeechSynthesizer',
      model: 'cosyvoice-v2',
      parameters: { voice: 'longxiaochun_v2', format: 'pcm', sample_rate: 22050, rate: 1.2, text_type: 'PlainText' }
    })
    expect(task.text).toBe(text)
    expect(task.finished).toBe(true)
  })

  test('vendor faults are upstream errors naming the fault and the vendor’s reason', async () => {
    const cases: [DashScopeConnection, string, string | undefined, string, RegExp][] = [
      [
        { ...conn, apiKey: 'sk-wrong' },
        'cosyvoice-v2',
        'longxiaochun_v2',
        'unauthorized',
        /DashScope rejected the credentials.*HTTP 401 InvalidApiKey: Invalid API-key/
      ],
      [conn, DASHSCOPE_FAILING.quota, 'longxiaochun_v2', 'quota_exceeded', /quota or balance is used up: Arrearage: Access denied/],
      [conn, DASHSCOPE_FAILING.throttled, 'longxiaochun_v2', 'rate_limited', /limiting requests.*Throttling\.RateQuota/],
      [conn, 'no-such-model', 'longxiaochun_v2', 'model_not_found', /does not know this model: ModelNotFound/],
      [conn, 'cosyvoice-v2', UNKNOWN_VOICE, 'bad_request', /refused the request: InvalidParameter: .*no-such-voice/],
      [
        { ...conn, url: `ws://127.0.0.1:${await closedPort()}/api-ws/v1/inference` },
        'cosyvoice-v2',
        'longxiaochun_v2',
        'unreachable',
        /cannot be reached: ws:\/\/127\.0\.0\.1:\d+.*ECONNREFUSED/
      ]
    ]
    for (const [c, model, voice, reason, message] of cases) {
      const err = await appError(dashScopeTts(c, { model, voice }).synthesize('你好。'))
      expect({ code: err.code, reason: (err.details as any).reason, message: err.message }).toEqual({
        code: 'upstream_error',
        reason,
        message: expect.stringMatching(message)
      })
      expect(err.message).toMatch(/^Speech synthesis failed: DashScope/)
    }
  })

  test('an abort (the caller left) closes the socket before the task finishes', async () => {
    const slow = await startFakeLlm({ apiKey: KEY, speech: { ttsDelayMs: 30_000 } })
    try {
      const ac = new AbortController()
      const pending = dashScopeTts({ url: dashScopeSocketUrl(slow.baseUrl), apiKey: KEY }, { model: 'cosyvoice-v2', voice: 'longxiaochun_v2' }).synthesize(
        '一句没人会听到的话。',
        { signal: ac.signal }
      )
      const task = () => slow.requests.find((r) => r.path === '/api-ws/v1/inference') as any
      await expect.poll(() => task()?.text).toBe('一句没人会听到的话。')
      ac.abort()
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' })
      await expect.poll(() => task().aborted).toBe(true)
      expect(task().finished).toBe(false)
    } finally {
      await slow.close()
    }
  })

  test('empty text never opens a socket', async () => {
    llm.reset()
    await expect(dashScopeTts(conn, { model: 'cosyvoice-v2', voice: 'x' }).synthesize('  ')).rejects.toMatchObject({ code: 'validation_failed' })
    expect(tasks()).toEqual([])
  })
})

describe('DashScope Paraformer realtime ASR over the WebSocket', () => {
  test('sends the recording as 16 kHz PCM frames and joins the final sentences', async () => {
    llm.reset()
    const asr = dashScopeAsr(conn, { model: 'paraformer-realtime-v2' })
    // Recorded at 48 kHz: resampled to 16 kHz on the way.
    const wav = fakeSpeechWav('出口在哪里', 48000)
    const seconds = wavDuration(wav)
    const t = await asr.transcribe(wav, { language: 'zh-CN' })
    expect(t).toEqual({ text: '您好，请问出口在哪里？我想回家。', language: 'zh-CN' })
    const [task] = tasks()
    expect(task.body).toMatchObject({
      task: 'asr',
      function: 'recognition',
      model: 'paraformer-realtime-v2',
      parameters: { format: 'pcm', sample_rate: 16000, language_hints: ['zh'] }
    })
    expect(task.audioBytes / 2 / 16000).toBeCloseTo(seconds, 1)
  })

  test('silence is heard as nothing; an 8k model gets 8 kHz', async () => {
    llm.reset()
    // A WAV of fake speech with its samples zeroed: the length of a sentence, no voice.
    const quiet = new Uint8Array(fakeSpeechWav('Where is the exit?', 16000))
    quiet.fill(0, quiet.length - decodeWav(quiet).samples.length * 2)
    const t = await dashScopeAsr(conn, { model: 'paraformer-realtime-8k-v2' }).transcribe(quiet)
    expect(t.text).toBe('')
    expect(tasks()[0].body.parameters.sample_rate).toBe(8000)
    expect(tasks()[0].audioBytes).toBeGreaterThan(8000)
  })

  test('faults: quota, bad key, a format it cannot read', async () => {
    const quota = await appError(dashScopeAsr(conn, { model: DASHSCOPE_FAILING.asrQuota }).transcribe(fakeSpeechWav('hi')))
    expect(quota.message).toMatch(/^Speech recognition failed: DashScope says the account’s quota or balance is used up: Arrearage/)
    const key = await appError(dashScopeAsr({ ...conn, apiKey: 'nope' }, { model: 'paraformer-realtime-v2' }).transcribe(fakeSpeechWav('hi')))
    expect((key.details as any).reason).toBe('unauthorized')
    const webm = new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0])
    const format = await appError(dashScopeAsr(conn, { model: 'paraformer-realtime-v2' }).transcribe(webm))
    expect(format).toMatchObject({ code: 'unsupported_media_type', message: expect.stringMatching(/not WEBM/) })
  })
})

describe('Volcengine TTS over the v1 HTTP API', () => {
  const url = () => volcengineTtsUrl(llm.baseUrl)
  const creds = { appId: 'app-1', token: KEY }
  const last = () => llm.requests.filter((r) => r.path === '/api/v1/tts').at(-1) as any

  test('posts app, voice and text with `Bearer;<token>` and returns WAV from the base64 PCM', async () => {
    llm.reset()
    const tts = volcengineTts(url(), creds, { cluster: 'volcano_tts', voice: 'BV001_streaming', speed: 1.1 })
    const speech = await tts.synthesize('Welcome to the museum.')
    expect(decodeWav(speech.audio).sampleRate).toBe(24000)
    expect(wavDuration(speech.audio)).toBeCloseTo(speechSeconds('Welcome to the museum.') + 0.2, 1)
    expect(last().headers.authorization).toBe(`Bearer;${KEY}`)
    expect(last().body).toMatchObject({
      app: { appid: 'app-1', token: KEY, cluster: 'volcano_tts' },
      audio: { voice_type: 'BV001_streaming', encoding: 'pcm', rate: 24000, speed_ratio: 1.1 },
      request: { text: 'Welcome to the museum.', operation: 'query' }
    })
  })

  test('vendor faults name the fault and the vendor’s code and message', async () => {
    const cases: [typeof creds, string, string, string, RegExp][] = [
      [{ appId: 'app-1', token: 'wrong' }, 'volcano_tts', 'BV001_streaming', 'unauthorized', /rejected the credentials.*3001 authenticate request/],
      [{ appId: VOLCENGINE_NO_QUOTA_APP, token: KEY }, 'volcano_tts', 'BV001_streaming', 'quota_exceeded', /quota or balance is used up: 3001 quota exceeded/],
      [creds, 'volcano_tts', UNKNOWN_VOICE, 'bad_request', /refused the request: 3050 voice_type/],
      [creds, 'no_cluster', 'BV001_streaming', 'bad_request', /Init Engine Instance failed/]
    ]
    for (const [c, cluster, voice, reason, message] of cases) {
      const err = await appError(volcengineTts(url(), c, { cluster, voice }).synthesize('你好。'))
      expect({ reason: (err.details as any).reason, message: err.message }).toEqual({ reason, message: expect.stringMatching(message) })
      expect(err.message).toMatch(/^Speech synthesis failed: Volcengine speech/)
    }
    const down = await appError(
      volcengineTts(`http://127.0.0.1:${await closedPort()}/api/v1/tts`, creds, { cluster: 'volcano_tts', voice: 'x' }).synthesize('hi')
    )
    expect((down.details as any).reason).toBe('unreachable')
    const long = await appError(volcengineTts(url(), creds, { cluster: 'volcano_tts', voice: 'x' }).synthesize('长'.repeat(400)))
    expect(long).toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/1024 bytes/) })
  })

  test('an abort stops the request', async () => {
    const slow = await startFakeLlm({ speech: { ttsDelayMs: 30_000 } })
    try {
      const ac = new AbortController()
      const pending = volcengineTts(volcengineTtsUrl(slow.baseUrl), creds, { cluster: 'volcano_tts', voice: 'BV001_streaming' }).synthesize('没人听。', {
        signal: ac.signal
      })
      const req = () => slow.requests.find((r) => r.path === '/api/v1/tts') as any
      await expect.poll(() => req()?.body).toBeDefined()
      ac.abort()
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' })
      await expect.poll(() => req().aborted).toBe(true)
    } finally {
      await slow.close()
    }
  })
})
