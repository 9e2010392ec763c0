import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeWav, wavDuration } from '../../../digitalhuman/audio/wav'
import { BUILTIN_TTS_MODEL_ID } from '../../../src-main/contract/speech'
import { DASHSCOPE_FAILING, UNKNOWN_VOICE, VOLCENGINE_NO_QUOTA_APP } from '../../utils/fake-cloud-speech'
import { chatEnv, type ChatEnv } from '../chat/helpers'
import { fakeSpeechWav, speechSeconds } from '../../utils/fake-speech'
import { bootServer } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'
import { captureLog } from '../../utils/log-capture'

let env: ChatEnv
let tts: any
let broken: any
let kiosk: any
let draft: any

async function model(modelId: string, type: 'tts' | 'stt') {
  const res = await env.s.api('POST', '/api/models', { providerId: env.providerId, modelId, type })
  if (res.status !== 201) throw new Error(`model: ${JSON.stringify(res.body)}`)
  return res.body
}

beforeAll(async () => {
  env = await chatEnv()
  tts = await model('fake-tts', 'tts')
  broken = await model('fake-tts-broken', 'tts')
  await model('fake-asr', 'stt')
  kiosk = await env.agent({ published: true, digitalHuman: { ttsModelId: tts.id, voice: 'guide-voice', speed: 1.2 } })
  draft = await env.agent({ digitalHuman: { ttsModelId: tts.id } })
})
afterAll(() => env?.close())

const synth = (body: unknown, auth: string | null = env.s.token) =>
  fetch(`${env.s.url}/speech/synthesize`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
    body: JSON.stringify(body)
  })

const transcribe = (audio: Uint8Array, query = '', auth: string | null = env.s.token, type = 'audio/wav') =>
  fetch(`${env.s.url}/speech/transcribe${query}`, {
    method: 'POST',
    headers: { 'content-type': type, ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
    body: Buffer.from(audio)
  })

const lastSpeechRequest = () => env.llm.requests.filter((r: any) => r.path === '/v1/audio/speech').at(-1) as any

describe('speech through the server', () => {
  it('a published agent’s public key speaks with the agent’s voice: audio bytes with their Content-Type, no key in sight', async () => {
    const res = await synth({ text: 'Welcome to the museum.' }, kiosk.publicKey)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('audio/wav')
    const wav = decodeWav(new Uint8Array(await res.arrayBuffer()))
    expect(wav.samples.length / wav.sampleRate).toBeCloseTo(speechSeconds('Welcome to the museum.') + 0.2, 1)
    expect(lastSpeechRequest().body).toMatchObject({ model: 'fake-tts', voice: 'guide-voice', speed: 1.2, input: 'Welcome to the museum.' })
  })

  it('the studio token speaks for an agent by uuid, or previews any tts model and voice', async () => {
    expect((await synth({ text: '你好，欢迎光临。', agentId: kiosk.uuid })).status).toBe(200)
    const preview = await synth({ text: 'Preview.', modelId: tts.id, voice: 'alex', speed: 0.8 })
    expect(preview.status).toBe(200)
    expect(lastSpeechRequest().body).toMatchObject({ model: 'fake-tts', voice: 'alex', speed: 0.8 })
  })

  it('transcribes a recording for a public key and for the studio', async () => {
    const wav = fakeSpeechWav('Where is the exit?')
    const byKey = await transcribe(wav, '', kiosk.publicKey)
    expect(byKey.status).toBe(200)
    expect(await byKey.json()).toEqual({ text: 'Where is the exit?' })
    const byStudio = await transcribe(fakeSpeechWav('出口在哪里？'), `?agentId=${kiosk.uuid}&language=zh`)
    expect(await byStudio.json()).toEqual({ text: '出口在哪里？' })
  })

  it('bad input answers a clear 4xx in the JSON error shape', async () => {
    const cases: [Promise<Response>, number, RegExp][] = [
      [synth({ text: '' }), 422, /Nothing to speak/],
      [synth({ text: 'x'.repeat(1001) }), 422, /at most 1000/],
      [synth({ text: 'hi', speed: 9 }), 422, /speed/],
      [synth({ text: 'hi' }, null), 401, /credentials/],
      [synth({ text: 'hi' }, 'pk_wrong'), 401, /Wrong access/],
      [synth({ text: 'hi', agentId: draft.uuid }, draft.publicKey), 403, /not published/],
      [synth({ text: 'hi', modelId: tts.id }, kiosk.publicKey), 403, /Only the studio/],
      [synth({ text: 'hi', modelId: 'nope' }), 422, /modelId: no model with id nope/],
      [transcribe(new Uint8Array()), 400, /No audio/],
      [transcribe(new TextEncoder().encode('not audio at all'), '', env.s.token, 'audio/wav'), 415, /known audio format/],
      [transcribe(fakeSpeechWav('hi'), '', env.s.token, 'application/json'), 415, /recording itself/],
      [transcribe(fakeSpeechWav('hi'), '?language=not a code'), 422, /language/],
      [transcribe(new Uint8Array(11 * 1024 * 1024)), 413, /larger than/]
    ]
    for (const [pending, status, message] of cases) {
      const res = await pending
      const body = await res.json()
      expect({ status: res.status, message: body.error?.message }).toEqual({ status, message: expect.stringMatching(message) })
    }
  })

  it('a provider error is a 502 that says what failed', async () => {
    const res = await synth({ text: 'hi', modelId: broken.id })
    expect(res.status).toBe(502)
    const body = await res.json()
    expect(body.error).toMatchObject({ code: 'upstream_error', message: expect.stringMatching(/Speech synthesis failed/) })
  })

  it('no speech model set up: 422 saying to add one', async () => {
    const bare = await chatEnv()
    try {
      const res = await fetch(`${bare.s.url}/speech/synthesize`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bare.s.token}` },
        body: JSON.stringify({ text: 'hi' })
      })
      expect(res.status).toBe(422)
      expect((await res.json()).error.message).toMatch(/No speech synthesis \(tts\) model is set up/)
    } finally {
      await bare.close()
    }
  })

  it('a caller that leaves (barge-in) stops the provider call, and nothing is logged as a failure', async () => {
    const llm = await startFakeLlm({ speech: { ttsDelayMs: 30_000 } })
    const srv = await bootServer()
    const logs = captureLog()
    try {
      const provider = await srv.api('POST', '/api/providers', { name: 'Slow', baseUrl: llm.baseUrl })
      await srv.api('POST', '/api/models', { providerId: provider.body.id, modelId: 'fake-tts', type: 'tts' })
      const leave = new AbortController()
      const pending = fetch(`${srv.url}/speech/synthesize`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${srv.token}` },
        body: JSON.stringify({ text: 'A sentence nobody will hear.' }),
        signal: leave.signal
      }).catch((err: Error) => err)
      const speech = () => llm.requests.find((r: any) => r.path === '/v1/audio/speech') as any
      await expect.poll(() => speech()).toBeDefined()
      leave.abort()
      expect(await pending).toBeInstanceOf(Error)
      await expect.poll(() => speech().aborted).toBe(true)
      expect(logs.warnings()).toEqual([])
    } finally {
      logs.restore()
      await srv.close()
      await llm.close()
    }
  })
})

describe('speech through DashScope and Volcengine (chosen by the provider’s kind)', () => {
  const KEY = 'sk-cloud-speech'
  let cloud: FakeLlm
  const ids: Record<string, string> = {}

  async function provider(name: string, kind: string, apiKey: string, extra: Record<string, [string, 'tts' | 'stt']> = {}) {
    const res = await env.s.api('POST', '/api/providers', { name, kind, baseUrl: cloud.baseUrl, apiKey })
    if (res.status !== 201) throw new Error(`provider: ${JSON.stringify(res.body)}`)
    for (const [label, [modelId, type]] of Object.entries(extra)) {
      const m = await env.s.api('POST', '/api/models', { providerId: res.body.id, modelId, type })
      if (m.status !== 201) throw new Error(`model: ${JSON.stringify(m.body)}`)
      ids[label] = m.body.id
    }
  }

  beforeAll(async () => {
    cloud = await startFakeLlm({ apiKey: KEY, speech: { heard: '请问出口在哪里？' } })
    await provider('Bailian', 'bailian', KEY, {
      cosy: ['cosyvoice-v2', 'tts'],
      cosyArrears: [DASHSCOPE_FAILING.quota, 'tts'],
      paraformer: ['paraformer-realtime-v2', 'stt'],
      paraformerArrears: [DASHSCOPE_FAILING.asrQuota, 'stt']
    })
    await provider('Bailian, old key', 'bailian', 'sk-revoked', { cosyBadKey: ['cosyvoice-v1', 'tts'] })
    await provider('Doubao speech', 'doubao', `app-1:${KEY}`, { volc: ['volcano_tts', 'tts'], volcAsr: ['volc-asr', 'stt'] })
    await provider('Doubao, trial used up', 'doubao', `${VOLCENGINE_NO_QUOTA_APP}:${KEY}`, { volcNoQuota: ['volcano_tts', 'tts'] })
    await provider('Doubao, Ark key', 'doubao', 'ark-chat-key', { volcArk: ['volcano_tts', 'tts'] })
  })
  afterAll(() => cloud?.close())

  const lastTask = () => cloud.requests.filter((r: any) => r.path === '/api-ws/v1/inference').at(-1) as any

  it('DashScope CosyVoice speaks a preview; without a chosen voice the model’s default (longxiaochun_v2)', async () => {
    const res = await synth({ text: '欢迎光临。', modelId: ids.cosy, speed: 1.5 })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('audio/wav')
    const wav = new Uint8Array(await res.arrayBuffer())
    expect(wavDuration(wav)).toBeCloseTo(speechSeconds('欢迎光临。') + 0.2, 1)
    expect(lastTask().headers.authorization).toBe(`Bearer ${KEY}`)
    expect(lastTask().body).toMatchObject({ model: 'cosyvoice-v2', parameters: { voice: 'longxiaochun_v2', rate: 1.5 } })
  })

  it('a published agent whose voice is DashScope’s speaks it with its own voice through its public key', async () => {
    const agent = await env.agent({ published: true, digitalHuman: { ttsModelId: ids.cosy, voice: 'longwan_v2', asrModelId: ids.paraformer } })
    const res = await synth({ text: 'Hello.' }, agent.publicKey)
    expect(res.status).toBe(200)
    expect(lastTask().body.parameters.voice).toBe('longwan_v2')
    const heard = await transcribe(fakeSpeechWav('where is the exit'), '?language=zh', agent.publicKey)
    expect(heard.status).toBe(200)
    expect(await heard.json()).toEqual({ text: '请问出口在哪里？' })
    expect(lastTask().body).toMatchObject({
      task: 'asr',
      model: 'paraformer-realtime-v2',
      parameters: { format: 'pcm', sample_rate: 16000, language_hints: ['zh'] }
    })
  })

  it('Volcengine speaks with the app id and token from the provider key; default voice BV001_streaming', async () => {
    const res = await synth({ text: '你好。', modelId: ids.volc })
    expect(res.status).toBe(200)
    expect(wavDuration(new Uint8Array(await res.arrayBuffer()))).toBeGreaterThan(0.3)
    const req = cloud.requests.filter((r: any) => r.path === '/api/v1/tts').at(-1) as any
    expect(req.headers.authorization).toBe(`Bearer;${KEY}`)
    expect(req.body).toMatchObject({ app: { appid: 'app-1', token: KEY, cluster: 'volcano_tts' }, audio: { voice_type: 'BV001_streaming' } })
  })

  it('vendor faults are 502 upstream_error naming the vendor, the fault and its reason; a wrong key shape is 422', async () => {
    const cases: [Promise<Response>, number, string | undefined, RegExp][] = [
      [synth({ text: 'hi', modelId: ids.cosyBadKey }), 502, 'unauthorized', /DashScope rejected the credentials.*InvalidApiKey/],
      [synth({ text: 'hi', modelId: ids.cosyArrears }), 502, 'quota_exceeded', /DashScope says the account’s quota or balance is used up: Arrearage/],
      [synth({ text: 'hi', modelId: ids.cosy, voice: UNKNOWN_VOICE }), 502, 'bad_request', /DashScope refused the request: InvalidParameter/],
      [transcribe(fakeSpeechWav('hi'), `?modelId=${ids.paraformerArrears}`), 502, 'quota_exceeded', /^Speech recognition failed: DashScope says/],
      [synth({ text: 'hi', modelId: ids.volcNoQuota }), 502, 'quota_exceeded', /Volcengine speech says the account’s quota.*quota exceeded for types/],
      [synth({ text: 'hi', modelId: ids.volc, voice: UNKNOWN_VOICE }), 502, 'bad_request', /Volcengine speech refused the request: 3050/],
      [synth({ text: 'hi', modelId: ids.volcArk }), 422, undefined, /APPID:TOKEN/],
      [transcribe(fakeSpeechWav('hi'), `?modelId=${ids.volcAsr}`), 422, undefined, /not supported yet/]
    ]
    for (const [pending, status, reason, message] of cases) {
      const res = await pending
      const body = await res.json()
      expect({ status: res.status, reason: body.error?.details?.reason, message: body.error?.message }).toEqual({
        status,
        reason,
        message: expect.stringMatching(message)
      })
      expect(JSON.stringify(body)).not.toContain(KEY)
    }
  })

  it('a caller that leaves stops the DashScope task (the socket closes before it finishes), nothing logged as a failure', async () => {
    const slow = await startFakeLlm({ speech: { ttsDelayMs: 30_000 } })
    const logs = captureLog()
    try {
      const p = await env.s.api('POST', '/api/providers', { name: 'Slow Bailian', kind: 'bailian', baseUrl: slow.baseUrl, apiKey: 'sk-any' })
      const m = await env.s.api('POST', '/api/models', { providerId: p.body.id, modelId: 'cosyvoice-v2', type: 'tts' })
      const leave = new AbortController()
      const pending = fetch(`${env.s.url}/speech/synthesize`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${env.s.token}` },
        body: JSON.stringify({ text: '一句没人会听到的话。', modelId: m.body.id }),
        signal: leave.signal
      }).catch((err: Error) => err)
      const task = () => slow.requests.find((r: any) => r.path === '/api-ws/v1/inference') as any
      await expect.poll(() => task()?.text).toBe('一句没人会听到的话。')
      leave.abort()
      expect(await pending).toBeInstanceOf(Error)
      await expect.poll(() => task().aborted).toBe(true)
      expect(task().finished).toBe(false)
      expect(logs.warnings()).toEqual([])
    } finally {
      logs.restore()
      await slow.close()
    }
  })

  it('the built-in offline voice needs no provider: audio from espeak-ng', async () => {
    const res = await synth({ text: '您好，欢迎光临。', modelId: BUILTIN_TTS_MODEL_ID })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('audio/wav')
    expect(wavDuration(new Uint8Array(await res.arrayBuffer()))).toBeGreaterThan(1)
    const agent = await env.agent({ published: true, digitalHuman: { ttsModelId: BUILTIN_TTS_MODEL_ID, voice: 'en' } })
    expect((await synth({ text: 'Welcome.' }, agent.publicKey)).status).toBe(200)
  })

  it('GET /api/speech/voices lists the voices known for a tts model, by its provider’s kind', async () => {
    const cosy = await env.s.api('GET', `/api/speech/voices?modelId=${ids.cosy}`)
    expect(cosy.status).toBe(200)
    expect(cosy.body).toMatchObject({ kind: 'bailian', defaultVoice: 'longxiaochun_v2', acceptsOther: true })
    expect(cosy.body.voices[0]).toEqual({ id: 'longxiaochun_v2', name: '龙小淳', language: 'zh+en', gender: 'female' })
    const volc = await env.s.api('GET', `/api/speech/voices?modelId=${ids.volc}`)
    expect(volc.body.voices.map((x: any) => x.id)).toContain('zh_female_shuangkuaisisi_moon_bigtts')
    const builtin = await env.s.api('GET', `/api/speech/voices?modelId=${BUILTIN_TTS_MODEL_ID}`)
    expect(builtin.body).toMatchObject({ kind: 'builtin', defaultVoice: 'auto', acceptsOther: false })
    expect((await env.s.api('GET', `/api/speech/voices?modelId=${ids.paraformer}`)).body.voices).toEqual([])
    expect((await env.s.api('GET', '/api/speech/voices?modelId=nope')).status).toBe(404)
    expect((await env.s.api('GET', '/api/speech/voices')).status).toBe(422)
  })
})
