// The digital humans registry over HTTP: the generated REST endpoints, the GLB/VRM upload (size,
// the 3D avatar's own file check, kind), agents referring to it, the delete confirmation's dependents, the kiosk page's
// config and model file for a published agent only, and the voice /speech/synthesize speaks with.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KioskConfig } from '../../src-main/contract/pages'
import { glb as glbOf, makeAvatarGlb, makeAvatarVrm } from '../utils/make-avatar-models'
import { bootServer, tempDir, type BootedServer } from '../utils/boot'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'

let env: { s: BootedServer; llm: FakeLlm; providerId: string; agent(extra?: Record<string, unknown>): Promise<any> }
let agents = 0

beforeAll(async () => {
  // A stand-in for the built renderer's page templates: the config element is what is checked here.
  const rendererDir = tempDir('renderer-')
  const page = '<!doctype html><html lang="en"><head><title>x</title></head><body><div id="kiosk"></div></body></html>'
  writeFileSync(join(rendererDir, 'kiosk.html'), page)
  writeFileSync(join(rendererDir, 'phone.html'), page)
  const llm = await startFakeLlm()
  // A small file limit, so the 413 case sends kilobytes, not the default 100 MB (the test avatars are ~140 KB).
  const s = await bootServer({ server: { rendererDir }, digitalHumans: { maxModelBytes: 256 * 1024 } })
  const provider = await s.api('POST', '/api/providers', { name: 'Fake', baseUrl: llm.baseUrl })
  env = {
    s,
    llm,
    providerId: provider.body.id,
    async agent(extra = {}) {
      const res = await s.api('POST', '/api/agents', { name: `Agent ${++agents}`, providerId: provider.body.id, model: 'fake-chat', ...extra })
      if (res.status !== 201) throw new Error(`agent: ${JSON.stringify(res.body)}`)
      return res.body
    }
  }
})
afterAll(async () => {
  await env?.s.close()
  await env?.llm.close()
})

const api = (method: string, path: string, body?: unknown) => env.s.api(method, path, body)
async function created(body: Record<string, unknown>) {
  const res = await api('POST', '/api/digital-humans', body)
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body
}

function upload(id: string, file: Uint8Array, name = 'avatar.glb', token: string | null = env.s.token) {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(file)]), name)
  return fetch(`${env.s.url}/api/digital-humans/${id}/model`, { method: 'POST', body: form, headers: token ? { authorization: `Bearer ${token}` } : {} })
}

/** The config the kiosk page gets, read from the page as the browser would. */
async function kioskConfigOf(uuid: string) {
  const res = await fetch(`${env.s.url}/kiosk/${uuid}`)
  const html = await res.text()
  const json = /<script id="agenta-agent" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1]
  return { res, config: json ? KioskConfig.parse(JSON.parse(json)) : null }
}

describe('digital humans over HTTP', () => {
  it('register, list, change and read each kind through the REST table', async () => {
    const b = await created({ name: 'Guide Mei', kind: 'builtin', look: 'scholar', palette: 'green', voice: { voice: 'alex', speed: 1.1 } })
    expect(b).toMatchObject({ kind: 'builtin', look: 'scholar', palette: 'green', modelFile: null, voice: { ttsModelId: null, voice: 'alex', speed: 1.1 } })
    const lt = await created({ name: 'Photo Mei', kind: 'livetalking', liveTalking: { url: 'http://127.0.0.1:8010', avatarId: 'avatar1' } })
    expect(lt.liveTalking).toEqual({ url: 'http://127.0.0.1:8010', avatarId: 'avatar1', iceServers: [] })
    const list = await api('GET', '/api/digital-humans')
    expect(list.body.map((d: any) => d.name)).toEqual(expect.arrayContaining(['Guide Mei', 'Photo Mei']))
    const changed = await api('PUT', `/api/digital-humans/${b.id}`, { look: 'panda', voice: { speed: 0.8 } })
    expect(changed.body).toMatchObject({ look: 'panda', palette: 'green', voice: { voice: 'alex', speed: 0.8 } })
    expect((await api('GET', `/api/digital-humans/${b.id}`)).body.look).toBe('panda')
  })

  it('bad input is a 4xx naming what is wrong', async () => {
    const cases: Array<[unknown, number, RegExp]> = [
      [{ name: '', kind: 'builtin' }, 422, /name/],
      [{ name: 'x', kind: 'hologram' }, 422, /kind/],
      [{ name: 'x', kind: 'builtin', look: 'cat' }, 422, /look/],
      [{ name: 'x', kind: 'livetalking' }, 422, /liveTalking/],
      [{ name: 'x', kind: 'livetalking', liveTalking: { url: 'ftp://host' } }, 422, /liveTalking\.url/],
      [{ name: 'x', kind: 'livetalking', liveTalking: { url: 'http://h:1', iceServers: [{ urls: 'http://nope' }] } }, 422, /iceServers/],
      [{ name: 'x', kind: 'builtin', voice: { speed: 10 } }, 422, /voice\.speed/]
    ]
    for (const [body, status, message] of cases) {
      const res = await api('POST', '/api/digital-humans', body)
      expect(res.status, JSON.stringify(body)).toBe(status)
      expect(res.body.error.message).toMatch(message)
    }
    await created({ name: 'Only once', kind: 'builtin' })
    const dup = await api('POST', '/api/digital-humans', { name: 'Only once', kind: 'builtin' })
    expect(dup.status).toBe(409)
    expect((await api('GET', '/api/digital-humans/nope')).status).toBe(404)
  })

  it('uploads a GLB and a VRM; refuses what is not one, too large, or for a kind without a file', async () => {
    const glb = await created({ name: 'Model GLB', kind: 'glb' })
    const file = makeAvatarGlb({ blink: false })
    const ok = await upload(glb.id, file)
    expect(ok.status).toBe(200)
    const body = await ok.json()
    // What the 3D avatar's check found stays with the entry: the format, how the lips move, what to fix.
    expect(body.modelFile).toMatchObject({
      fileName: 'avatar.glb',
      bytes: file.length,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      format: 'glb',
      lips: 'visemes',
      warnings: [expect.stringMatching(/will not blink/)]
    })
    expect((await api('GET', `/api/digital-humans/${glb.id}`)).body.modelFile.warnings).toEqual(body.modelFile.warnings)
    const back = await fetch(`${env.s.url}/api/digital-humans/${glb.id}/model`, { headers: { authorization: `Bearer ${env.s.token}` } })
    expect(back.status).toBe(200)
    expect(back.headers.get('content-type')).toContain('model/gltf-binary')
    expect(Buffer.from(await back.arrayBuffer()).equals(file)).toBe(true)

    const vrm = await created({ name: 'Model VRM', kind: 'vrm' })
    const vrmOk = await upload(vrm.id, makeAvatarVrm(), 'girl.vrm')
    expect(vrmOk.status).toBe(200)
    expect((await vrmOk.json()).modelFile).toMatchObject({ format: 'vrm', lips: 'vrm-vowels', warnings: [] })
    const plain = await upload(vrm.id, makeAvatarGlb(), 'plain.vrm')
    expect(plain.status).toBe(422)
    expect((await plain.json()).error.message).toMatch(/without VRM data/)

    const notGlb = await upload(glb.id, new TextEncoder().encode('{"asset":{"version":"2.0"}}'), 'scene.gltf')
    expect(notGlb.status).toBe(415)
    expect((await notGlb.json()).error).toMatchObject({ code: 'unsupported_media_type', message: expect.stringMatching(/Not a GLB or VRM file.*text \.gltf/) })
    // What the 3D avatar could not show is refused at upload with its reason, not found out on the kiosk.
    const noMouth = await upload(glb.id, makeAvatarGlb({ visemes: false, jaw: false }), 'mute.glb')
    expect(noMouth.status).toBe(422)
    expect((await noMouth.json()).error).toMatchObject({
      code: 'validation_failed',
      message: expect.stringMatching(/^mute\.glb: The avatar cannot move its lips/)
    })
    const truncated = await upload(glb.id, file.subarray(0, 5000), 'cut.glb')
    expect(truncated.status).toBe(422)
    expect((await truncated.json()).error.message).toMatch(/cut short/)
    const draco = await upload(glb.id, glbOf({ asset: { version: '2.0' }, extensionsRequired: ['KHR_draco_mesh_compression'], meshes: [{}] }), 'draco.glb')
    expect(draco.status).toBe(422)
    expect((await draco.json()).error.message).toMatch(/Draco/)
    const empty = await upload(glb.id, glbOf({ asset: { version: '2.0' } }), 'empty.glb')
    expect(empty.status).toBe(422)
    expect((await empty.json()).error.message).toMatch(/no mesh/)
    // The earlier good file stays when a replacement is refused.
    expect((await api('GET', `/api/digital-humans/${glb.id}`)).body.modelFile.fileName).toBe('avatar.glb')

    const builtin = await created({ name: 'No file here', kind: 'builtin' })
    expect((await upload(builtin.id, makeAvatarGlb())).status).toBe(409)
    expect((await upload('nope', makeAvatarGlb())).status).toBe(404)
    expect((await upload(glb.id, makeAvatarGlb(), 'a.glb', null)).status).toBe(401)
    const json = await fetch(`${env.s.url}/api/digital-humans/${glb.id}/model`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.s.token}`, 'content-type': 'application/json' },
      body: '{}'
    })
    expect(json.status).toBe(415)
  })

  it('refuses a file over the size limit with 413 and keeps nothing of it', async () => {
    const glb = await created({ name: 'Too big', kind: 'glb' })
    const big = glbOf({ asset: { version: '2.0' } }, new Uint8Array(env.s.runtime.digitalHumans.maxModelBytes + 1))
    // A file just over the limit (256 KB here) is refused before it is kept.
    const res = await upload(glb.id, big)
    expect(res.status).toBe(413)
    expect((await res.json()).error.code).toBe('payload_too_large')
    expect((await api('GET', `/api/digital-humans/${glb.id}`)).body.modelFile).toBeNull()
    const path = join(tempDir(), 'big.glb')
    writeFileSync(path, big)
    expect((await api('POST', `/api/digital-humans/${glb.id}/model-path`, { path })).status).toBe(413)
  })

  it('the desktop attaches a file by path, with the same check', async () => {
    const glb = await created({ name: 'By path', kind: 'glb' })
    const file = join(tempDir(), 'desk.glb')
    writeFileSync(file, makeAvatarGlb())
    const res = await api('POST', `/api/digital-humans/${glb.id}/model-path`, { path: file })
    expect(res.status).toBe(200)
    expect(res.body.modelFile).toMatchObject({ fileName: 'desk.glb', format: 'glb', lips: 'visemes' })
    const missing = await api('POST', `/api/digital-humans/${glb.id}/model-path`, { path: join(tempDir(), 'none.glb') })
    expect(missing.status).toBe(404)
    const mute = join(tempDir(), 'mute.glb')
    writeFileSync(mute, makeAvatarGlb({ visemes: false, jaw: false }))
    const refused = await api('POST', `/api/digital-humans/${glb.id}/model-path`, { path: mute })
    expect(refused.status).toBe(422)
    expect(refused.body.error.message).toMatch(/cannot move its lips/)
  })

  it('an agent refers to a digital human; an unknown id is a 422 naming the field', async () => {
    const d = await created({ name: 'Chosen', kind: 'builtin' })
    const agent = await env.agent({ digitalHuman: { chatAvatarId: d.id, explainerAvatarId: 'robot' } })
    expect(agent.digitalHuman).toEqual({ chatAvatarId: d.id, explainerAvatarId: 'robot' })
    const bad = await api('PUT', `/api/agents/${agent.id}`, { digitalHuman: { chatAvatarId: 'ghost' } })
    expect(bad.status).toBe(422)
    expect(bad.body.error.message).toContain('digitalHuman.chatAvatarId')
    expect(bad.body.error.details.issues[0].path).toBe('digitalHuman.chatAvatarId')
    const badNew = await api('POST', '/api/agents', { name: 'Ghostly', digitalHuman: { explainerAvatarId: 'ghost' } })
    expect(badNew.status).toBe(422)
    expect(badNew.body.error.message).toContain('digitalHuman.explainerAvatarId')
  })

  it('deleting one in use: the dependents name the agents, the delete leaves them on the built-in avatar', async () => {
    const d = await created({ name: 'Popular', kind: 'builtin', look: 'robot' })
    const a = await env.agent({ name: 'Lobby', digitalHuman: { chatAvatarId: d.id } })
    const deps = await api('GET', `/api/dependents/digitalHuman/${d.id}`)
    expect(deps.status).toBe(200)
    expect(deps.body.agents).toEqual([{ id: a.id, name: 'Lobby' }])
    expect((await api('DELETE', `/api/digital-humans/${d.id}`)).status).toBe(200)
    expect((await api('GET', `/api/agents/${a.id}`)).body.digitalHuman).toEqual({})
    expect((await api('GET', `/api/dependents/digitalHuman/${d.id}`)).status).toBe(404)
  })

  it('the kiosk page carries the chat avatar by kind, and lets the page reach its LiveTalking service', async () => {
    const look = await created({ name: 'Kiosk look', kind: 'builtin', look: 'panda', palette: 'amber' })
    const a = await env.agent({ published: true, digitalHuman: { chatAvatarId: look.id } })
    const page = await kioskConfigOf(a.uuid)
    expect(page.config?.digitalHuman).toEqual({ kind: 'builtin', look: 'panda', palette: 'amber', modelUrl: null, liveTalking: null })

    const lt = await created({
      name: 'Kiosk photo',
      kind: 'livetalking',
      look: 'guide',
      liveTalking: { url: 'http://192.168.9.9:8010', avatarId: 'a1', iceServers: [{ urls: ['stun:stun.example.com'] }] }
    })
    await api('PUT', `/api/agents/${a.id}`, { digitalHuman: { chatAvatarId: lt.id } })
    const photo = await kioskConfigOf(a.uuid)
    expect(photo.config?.digitalHuman).toMatchObject({ kind: 'livetalking', look: 'guide', liveTalking: { url: 'http://192.168.9.9:8010', avatarId: 'a1' } })
    expect(photo.res.headers.get('content-security-policy')).toContain("connect-src 'self' http://192.168.9.9:8010")
    // No key of any kind in the page: only the agent's public key.
    expect(JSON.stringify(photo.config)).not.toContain(env.s.token)

    // A legacy look id still works without registering anything.
    await api('PUT', `/api/agents/${a.id}`, { digitalHuman: { chatAvatarId: 'robot' } })
    expect((await kioskConfigOf(a.uuid)).config?.digitalHuman).toMatchObject({ kind: 'builtin', look: 'robot', palette: 'blue' })
  })

  it('serves a published agent’s own 3D file to its kiosk page, and nothing else', async () => {
    const glb = await created({ name: 'Kiosk 3D', kind: 'glb', look: 'scholar' })
    const other = await created({ name: 'Someone else 3D', kind: 'glb' })
    expect((await upload(glb.id, makeAvatarGlb())).status).toBe(200)
    expect((await upload(other.id, makeAvatarGlb({ blink: false }))).status).toBe(200)
    const pub = await env.agent({ published: true, digitalHuman: { chatAvatarId: glb.id, explainerAvatarId: other.id } })
    const draft = await env.agent({ digitalHuman: { chatAvatarId: glb.id } })
    const { config } = await kioskConfigOf(pub.uuid)
    expect(config?.digitalHuman).toMatchObject({ kind: 'glb', look: 'scholar', modelUrl: expect.stringMatching(`^/kiosk/${pub.uuid}/avatar-model\\?v=`) })
    const file = await fetch(env.s.url + config!.digitalHuman.modelUrl!)
    expect(file.status).toBe(200)
    expect(Buffer.from(await file.arrayBuffer()).equals(makeAvatarGlb())).toBe(true)
    expect((await fetch(`${env.s.url}/kiosk/${draft.uuid}/avatar-model`)).status).toBe(404)
    const noAvatar = await env.agent({ published: true })
    expect((await fetch(`${env.s.url}/kiosk/${noAvatar.uuid}/avatar-model`)).status).toBe(404)
    // The studio's own route needs the token.
    expect((await fetch(`${env.s.url}/api/digital-humans/${glb.id}/model`)).status).toBe(401)
  })

  it('/speech/synthesize speaks with the chat avatar’s voice, the agent’s own settings overriding it', async () => {
    const tts = (await api('POST', '/api/models', { providerId: env.providerId, modelId: 'fake-tts', type: 'tts' })).body
    const d = await created({ name: 'Voice of the hall', kind: 'builtin', voice: { ttsModelId: tts.id, voice: 'hall-voice', speed: 1.25 } })
    const a = await env.agent({ published: true, digitalHuman: { chatAvatarId: d.id } })
    const speak = () =>
      fetch(`${env.s.url}/speech/synthesize`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${a.publicKey}` },
        body: JSON.stringify({ text: 'Welcome.' })
      })
    const last = () => env.llm.requests.filter((r: any) => r.path === '/v1/audio/speech').at(-1) as any
    expect((await speak()).status).toBe(200)
    expect(last().body).toMatchObject({ model: 'fake-tts', voice: 'hall-voice', speed: 1.25 })
    await api('PUT', `/api/agents/${a.id}`, { digitalHuman: { chatAvatarId: d.id, voice: 'agent-voice' } })
    expect((await speak()).status).toBe(200)
    expect(last().body).toMatchObject({ model: 'fake-tts', voice: 'agent-voice', speed: 1.25 })
  })
})
