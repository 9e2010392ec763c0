import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeWav } from '../../../digitalhuman/audio/wav'
import { chatEnv, type ChatEnv } from '../chat/helpers'
import { fakeSpeechWav, speechSeconds } from '../../utils/fake-speech'
import { bootServer } from '../../utils/boot'
import { startFakeLlm } from '../../utils/fake-llm'
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
      [synth({ text: 'hi', modelId: 'nope' }), 404, /no speech synthesis/],
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
