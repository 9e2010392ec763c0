// The digital humans registry in real Chromium against `agenta serve`'s server, the fake model
// server (with its fake TTS) and the LiveTalking mock: register a built-in avatar whose preview
// speaks with moving lips, pick it in the agent editor, see that look on the kiosk page, register
// a LiveTalking avatar whose video the kiosk plays, a GLB avatar uploaded through the editor that
// its preview and the kiosk show as a 3D model speaking with moving lips (a broken file refused
// at upload with the reason), and a delete that names the agents using it.
// Needs out/renderer (`npx electron-vite build`). Steps share one page and run in order.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { paletteFor } from '../../digitalhuman/avatar/looks'
import { pickOption } from '../utils/antd'
import type { BootedServer } from '../utils/boot'
import { AUTOPLAY } from '../utils/browser'
import type { FakeLlm } from '../utils/fake-llm'
import { startLiveTalkingMock, type LiveTalkingMock } from '../utils/livetalking-mock'
import { makeAvatarGlb } from '../utils/make-avatar-models'
import { SHOTS, startStudio, type Studio } from '../utils/studio'

let studio: Studio
let srv: BootedServer
let llm: FakeLlm
let mock: LiveTalkingMock
let browser: Browser
let page: Page
const errors: string[] = []
let agent: any
let tts: any

const byTestId = (id: string) => page.getByTestId(id)
const shot = (name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, animations: 'disabled', style: '.ant-message { display: none !important; }' })
const api = async (method: string, path: string, body?: unknown) => {
  const res = await srv.api(method, path, body)
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}
const registry = async () => (await api('GET', '/api/digital-humans')) as any[]

beforeAll(async () => {
  ;[studio, mock] = await Promise.all([
    startStudio({
      // A kiosk runs with autoplay allowed: the photoreal stream has sound.
      browserArgs: [AUTOPLAY],
      language: 'en',
      provider: { name: 'Fake' },
      // The page below counts only uncaught errors.
      context: false
    }),
    startLiveTalkingMock()
  ])
  ;({ srv, llm, browser } = studio)
  tts = await api('POST', '/api/models', { providerId: studio.providerId, modelId: 'fake-tts', type: 'tts' })
  agent = await api('POST', '/api/agents', {
    name: 'Museum Guide',
    providerId: studio.providerId,
    model: 'fake-chat',
    published: true,
    welcomeMessage: 'Welcome to the City Museum!'
  })
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, deviceScaleFactor: 1, locale: 'en' })
  page = await context.newPage()
  page.setDefaultTimeout(15_000)
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
}, 120_000)

afterAll(async () => {
  await Promise.all([studio?.close(), mock?.close()])
})

/**
 * Mouth openness while the audio under `scope` plays and after it ends (sampled each frame,
 * bounded), read from the `mouth` element's data-mouth-open: the SVG, or the 3D model's canvas
 * holder, whose value is read back from the model's morph targets.
 */
function sampleMouth(p: Page, scope: string, mouth = 'svg') {
  return p.evaluate(
    ([sel, mouthSel]) =>
      new Promise<{ playing: number[]; after: number[] }>((done, fail) => {
        const root = document.querySelector(sel)!
        // The editor's preview plays through its own <audio>, the kiosk through one in a frame (framed-audio.ts).
        const frame = root.querySelector<HTMLIFrameElement>('[data-testid=kiosk-audio-frame]')
        const audio = (frame ? frame.contentDocument! : root).querySelector('audio')!
        const out = { playing: [] as number[], after: [] as number[] }
        let started = false
        const limit = setTimeout(() => fail(new Error('the avatar did not speak within 20 s')), 20_000)
        const tick = () => {
          const open = Number((root.querySelector(mouthSel) as HTMLElement | SVGElement | null)?.dataset.mouthOpen ?? 0)
          if (!audio.paused && !audio.ended) {
            started = true
            out.playing.push(open)
          } else if (started) out.after.push(open)
          if (out.after.length > 10) {
            clearTimeout(limit)
            return done(out)
          }
          requestAnimationFrame(tick)
        }
        tick()
      }),
    [scope, mouth] as const
  )
}

/** The lips open and close while the voice plays, and rest once it stops. */
function expectLipsMoved({ playing, after }: { playing: number[]; after: number[] }) {
  expect(Math.max(...playing)).toBeGreaterThan(0.2)
  expect(new Set(playing.map((v) => v.toFixed(2))).size).toBeGreaterThan(3)
  expect(after.at(-1)).toBeLessThan(0.05)
}

describe('digital humans in the studio and on the kiosk', () => {
  test('register a built-in avatar: pick the look and colour, set its voice, and the preview speaks with moving lips', async () => {
    await page.goto(`${srv.url}/?token=${srv.token}#/digitalHumans`)
    await byTestId('dh-grid').waitFor()
    await byTestId('dh-new').click()
    await byTestId('dh-name').fill('Mei')
    await byTestId('dh-look-panda').click()
    await byTestId('dh-palette-rose').click()
    await pickOption(page, 'dh-tts-model', 'fake-tts')
    await byTestId('dh-voice').fill('mei-voice')
    await byTestId('dh-speed').fill('1.2')

    const synth = page.waitForRequest((r) => r.url().endsWith('/speech/synthesize'))
    const mouth = sampleMouth(page, '[data-testid=dh-preview]')
    await byTestId('dh-preview-speak').click()
    expect(JSON.parse((await synth).postData() ?? '{}')).toMatchObject({
      modelId: tts.id,
      voice: 'mei-voice',
      speed: 1.2,
      text: expect.stringContaining('Mei')
    })
    expectLipsMoved(await mouth)
    await expect.poll(() => byTestId('dh-preview-problem').count()).toBe(0)

    await byTestId('dh-save').click()
    await expect.poll(async () => (await registry()).map((d) => d.name)).toContain('Mei')
    const mei = (await registry()).find((d) => d.name === 'Mei')
    expect(mei).toMatchObject({ kind: 'builtin', look: 'panda', palette: 'rose', voice: { ttsModelId: tts.id, voice: 'mei-voice', speed: 1.2 } })
    await expect.poll(() => byTestId('dh-card-name').allTextContents()).toContain('Mei')
  })

  test('register a LiveTalking endpoint and avatar id', async () => {
    await byTestId('dh-new').click()
    await byTestId('dh-name').fill('Photo Mei')
    await byTestId('dh-kind-livetalking').click()
    await byTestId('dh-url').fill(mock.url)
    await byTestId('dh-avatar-id').fill('avatar1')
    await byTestId('dh-save').click()
    await expect
      .poll(async () => (await registry()).find((d) => d.name === 'Photo Mei')?.liveTalking)
      .toEqual({ url: mock.url, avatarId: 'avatar1', iceServers: [] })
    await expect.poll(() => byTestId('dh-card').count()).toBe(2)
    await page.mouse.move(0, 0)
    await shot('digital-humans-en')
  })

  test('the agent editor picks it as the chat avatar, and the kiosk shows that look and speaks with its voice', async () => {
    const mei = (await registry()).find((d) => d.name === 'Mei')
    await page.goto(`${srv.url}/?token=${srv.token}#/agents/${agent.id}`)
    const section = byTestId('ws-digital-human')
    await section.scrollIntoViewIfNeeded()
    await byTestId('ws-chat-avatar').getByRole('radio', { name: 'Mei', exact: true }).click()
    await byTestId('ws-save').click()
    await expect.poll(async () => (await api('GET', `/api/agents/${agent.id}`)).digitalHuman).toEqual({ chatAvatarId: mei.id })
    await section.screenshot({ path: `${SHOTS}/digital-humans-agent-pickers-en.png`, animations: 'disabled' })

    const kiosk = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    kiosk.on('pageerror', (e) => errors.push(`kiosk: ${e.message}`))
    const synths: any[] = []
    kiosk.on('request', (r) => {
      if (r.url().endsWith('/speech/synthesize')) synths.push(JSON.parse(r.postData() ?? '{}'))
    })
    await kiosk.goto(`${srv.url}/kiosk/${agent.uuid}?lang=en`)
    const stage = kiosk.getByTestId('kiosk-avatar')
    await stage.locator('svg').waitFor()
    expect(await stage.getAttribute('data-avatar-kind')).toBe('builtin')
    expect(await stage.getAttribute('data-look')).toBe('panda')
    // The SVG is drawn in the chosen colours.
    expect(await stage.locator('svg').innerHTML()).toContain(paletteFor('panda', 'rose').outfit)
    await kiosk.getByTestId('kiosk-input').fill('Where is the exit?')
    await kiosk.getByTestId('kiosk-send').click()
    await expect.poll(() => synths.length, { timeout: 20_000 }).toBeGreaterThan(0)
    const spoken = await srv.runtime.digitalHumans.voiceOf(await srv.runtime.agents.get(agent.id))
    expect(spoken).toEqual({ ttsModelId: tts.id, voice: 'mei-voice', speed: 1.2 })
    await expect.poll(() => llm.requests.filter((r: any) => r.path === '/v1/audio/speech').at(-1)?.body?.voice).toBe('mei-voice')
    await kiosk.close()
  })

  test('a LiveTalking chat avatar: the kiosk plays the service’s video and sends it the answer’s sentences', async () => {
    const photo = (await registry()).find((d) => d.name === 'Photo Mei')
    await api('PUT', `/api/agents/${agent.id}`, { digitalHuman: { chatAvatarId: photo.id } })
    const kiosk = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    kiosk.on('pageerror', (e) => errors.push(`kiosk: ${e.message}`))
    const synths: string[] = []
    kiosk.on('request', (r) => {
      if (r.url().endsWith('/speech/synthesize')) synths.push(r.url())
    })
    await kiosk.goto(`${srv.url}/kiosk/${agent.uuid}?lang=en`)
    const video = kiosk.getByTestId('kiosk-video')
    await video.waitFor({ state: 'visible', timeout: 30_000 })
    expect(await kiosk.getByTestId('kiosk-avatar').getAttribute('data-avatar-shown')).toBe('photoreal')
    const frame = () => video.evaluate((v: HTMLVideoElement) => ({ width: v.videoWidth, time: v.currentTime }))
    await expect.poll(async () => (await frame()).width, { timeout: 20_000 }).toBeGreaterThan(0)
    const t0 = (await frame()).time
    await expect.poll(async () => (await frame()).time, { timeout: 20_000 }).toBeGreaterThan(t0 + 0.3)
    expect(mock.events.find((e) => e.path === '/offer')?.body).toMatchObject({ avatar: 'avatar1' })
    await kiosk.getByTestId('kiosk-avatar').screenshot({ path: `${SHOTS}/digital-humans-kiosk-livetalking.png` })

    await kiosk.getByTestId('kiosk-input').fill('Where is the exit?')
    await kiosk.getByTestId('kiosk-send').click()
    await expect.poll(() => mock.sentences().length, { timeout: 20_000 }).toBeGreaterThan(0)
    // The service speaks by itself: no audio is synthesized for it.
    expect(synths).toEqual([])
    await kiosk.close()
  })

  test('a GLB avatar uploaded in the editor: the preview shows the model and what it lacks, a broken file is refused with the reason, the kiosk shows it in 3D speaking with moving lips', async () => {
    await page.goto(`${srv.url}/?token=${srv.token}#/digitalHumans`)
    await byTestId('dh-new').click()
    await byTestId('dh-name').fill('Model Mei')
    await byTestId('dh-kind-glb').click()
    await byTestId('dh-look-scholar').click()
    // A head whose eyes cannot blink: it works, and the editor says what it lacks before it is saved.
    await page
      .locator('.ant-modal input[type=file]')
      .setInputFiles({ name: 'mei.glb', mimeType: 'model/gltf-binary', buffer: Buffer.from(makeAvatarGlb({ blink: false })) })
    await expect.poll(() => byTestId('dh-preview').getAttribute('data-avatar-shown'), { timeout: 30_000 }).toBe('3d')
    expect(await byTestId('dh-preview-model-warnings').textContent()).toMatch(/will not blink/)
    await byTestId('dh-save').click()
    await expect.poll(async () => (await registry()).find((d) => d.name === 'Model Mei')?.modelFile?.fileName).toBe('mei.glb')
    const model = (await registry()).find((d) => d.name === 'Model Mei')
    expect(model).toMatchObject({ kind: 'glb', look: 'scholar', modelFile: { format: 'glb', lips: 'visemes', warnings: [expect.stringMatching(/blink/)] } })

    // The stored file: the preview loads it from the server and speaks through the model.
    await byTestId('dh-card').filter({ hasText: 'Model Mei' }).click()
    await expect.poll(() => byTestId('dh-preview').getAttribute('data-avatar-shown'), { timeout: 30_000 }).toBe('3d')
    const mouth = sampleMouth(page, '[data-testid=dh-preview]', '[data-avatar="3d"]')
    await byTestId('dh-preview-speak').click()
    expectLipsMoved(await mouth)
    await byTestId('dh-preview').screenshot({ path: `${SHOTS}/digital-humans-preview-3d-en.png` })

    // A file the model cannot speak with: the preview says why, and the upload is refused with the same reason.
    await page
      .locator('.ant-modal input[type=file]')
      .setInputFiles({ name: 'mute.glb', mimeType: 'model/gltf-binary', buffer: Buffer.from(makeAvatarGlb({ visemes: false, jaw: false })) })
    await expect.poll(() => byTestId('dh-preview-model-problem').textContent(), { timeout: 30_000 }).toMatch(/no mouth shapes.*built-in avatar is used instead/)
    expect(await byTestId('dh-preview').getAttribute('data-avatar-shown')).toBe('builtin')
    await byTestId('dh-save').click()
    await expect.poll(() => page.locator('.ant-message').textContent()).toMatch(/mute\.glb: The avatar cannot move its lips/)
    expect((await registry()).find((d) => d.name === 'Model Mei')?.modelFile?.fileName).toBe('mei.glb')
    // Not a GLB at all, through the API: 415 with the reason.
    const form = new FormData()
    form.append('file', new Blob(['{"asset":{"version":"2.0"}}']), 'scene.gltf')
    const notGlb = await fetch(`${srv.url}/api/digital-humans/${model.id}/model`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${srv.token}` }
    })
    expect(notGlb.status).toBe(415)
    expect((await notGlb.json()).error.message).toMatch(/Not a GLB or VRM file.*text \.gltf/)

    // The kiosk of an agent whose chat avatar it is: the model, not the built-in look, and it speaks.
    const guide = await api('POST', '/api/agents', {
      name: 'Model Guide',
      providerId: agent.providerId,
      model: 'fake-chat',
      published: true,
      welcomeMessage: 'Welcome to the hall of models!',
      digitalHuman: { chatAvatarId: model.id }
    })
    // The agent's publish tab links to its kiosk page.
    await page.keyboard.press('Escape')
    await page.goto(`${srv.url}/?token=${srv.token}#/agents/${guide.id}`)
    await byTestId('ws-tab-publish').click()
    await expect.poll(() => byTestId('kiosk-url').first().textContent()).toContain(`/kiosk/${guide.uuid}`)
    for (const lang of ['en', 'zh-CN'] as const) {
      const kiosk = await browser.newPage({ viewport: { width: 1280, height: 800 } })
      kiosk.on('pageerror', (e) => errors.push(`kiosk: ${e.message}`))
      await kiosk.goto(`${srv.url}/kiosk/${guide.uuid}?lang=${lang}`)
      const stage = kiosk.getByTestId('kiosk-avatar')
      await expect.poll(() => stage.getAttribute('data-avatar-shown'), { timeout: 30_000 }).toBe('3d')
      expect(await stage.getAttribute('data-avatar-kind')).toBe('glb')
      expect(await stage.locator('svg').first().isVisible()).toBe(false)
      expect(await stage.locator('[data-avatar="3d"] canvas').isVisible()).toBe(true)
      expect(await kiosk.getByTestId('kiosk-avatar-notice').isVisible()).toBe(false)
      if (lang === 'en') {
        const mouth = sampleMouth(kiosk, '[data-testid=kiosk]', '[data-avatar="3d"]')
        await kiosk.getByTestId('kiosk-input').fill('Where is the exit?')
        await kiosk.getByTestId('kiosk-send').click()
        expectLipsMoved(await mouth)
        expect(await stage.locator('[data-avatar="3d"]').getAttribute('data-state')).not.toBe('thinking')
      }
      await kiosk.screenshot({ path: `${SHOTS}/digital-humans-kiosk-3d-${lang === 'en' ? 'en' : 'zh'}.png` })
      await kiosk.close()
    }
    await api('DELETE', `/api/agents/${guide.id}`)
    await api('DELETE', `/api/digital-humans/${model.id}`)
  }, 240_000)

  test('an avatar the kiosk cannot show: the built-in look speaks instead and the operator reads why', async () => {
    const down = await api('POST', '/api/digital-humans', {
      name: 'Service down',
      kind: 'livetalking',
      look: 'robot',
      liveTalking: { url: 'http://127.0.0.1:9', avatarId: 'x' }
    })
    // A 3D avatar whose file was never uploaded.
    const threeD = await api('POST', '/api/digital-humans', { name: 'No file yet', kind: 'vrm', look: 'scholar' })
    const cases: Array<[any, string, RegExp]> = [
      [down, 'robot', /cannot be reached.*built-in avatar speaks instead/],
      [threeD, 'scholar', /3D avatar cannot be shown.*built-in avatar is used instead.*No GLB\/VRM file has been uploaded/]
    ]
    for (const [avatar, look, message] of cases) {
      const other = await api('POST', '/api/agents', { name: `Kiosk ${avatar.name}`, published: true, digitalHuman: { chatAvatarId: avatar.id } })
      const kiosk = await browser.newPage({ viewport: { width: 1280, height: 800 } })
      kiosk.on('pageerror', (e) => errors.push(`kiosk: ${e.message}`))
      await kiosk.goto(`${srv.url}/kiosk/${other.uuid}?lang=en`)
      const notice = kiosk.getByTestId('kiosk-avatar-notice')
      await notice.waitFor({ state: 'visible', timeout: 30_000 })
      expect(await notice.textContent()).toMatch(message)
      const stage = kiosk.getByTestId('kiosk-avatar')
      expect(await stage.getAttribute('data-avatar-shown')).toBe('builtin')
      expect(await stage.getAttribute('data-look')).toBe(look)
      expect(await stage.locator('svg').isVisible()).toBe(true)
      await kiosk.close()
      await api('DELETE', `/api/agents/${other.id}`)
    }
    await api('DELETE', `/api/digital-humans/${down.id}`)
    await api('DELETE', `/api/digital-humans/${threeD.id}`)
  })

  test('deleting an avatar in use names the agents; they are left on the built-in avatar', async () => {
    const photo = (await registry()).find((d) => d.name === 'Photo Mei')
    await page.goto(`${srv.url}/?token=${srv.token}#/digitalHumans`)
    const card = byTestId('dh-card').filter({ hasText: 'Photo Mei' })
    await card.getByTestId('dh-delete').click()
    await expect.poll(() => byTestId('delete-dependents').textContent()).toContain('Museum Guide')
    await byTestId('confirm-delete').click()
    await expect.poll(async () => (await registry()).some((d) => d.id === photo.id)).toBe(false)
    expect((await api('GET', `/api/agents/${agent.id}`)).digitalHuman).toEqual({})
  })

  test('the registry in Chinese', async () => {
    await api('PUT', '/api/settings', { language: 'zh-CN' })
    await page.goto(`${srv.url}/?token=${srv.token}#/digitalHumans`)
    await expect.poll(() => byTestId('nav-digitalHumans').textContent()).toBe('数字人')
    await expect.poll(() => byTestId('dh-card').count()).toBe(1)
    await page.mouse.move(0, 0)
    await shot('digital-humans-zh')
    await byTestId('dh-card').click()
    await byTestId('dh-preview').waitFor()
    await shot('digital-humans-editor-zh')
    expect(errors).toEqual([])
  })
})
