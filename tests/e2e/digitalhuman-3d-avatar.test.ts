// The 3D avatar (an operator's GLB or VRM) in real Chromium, WebGL through SwiftShader: avatar
// files built by tests/utils/make-avatar-models.ts load, speech made with espeak-ng plays through
// an <audio> element, and the mouth's openness read back from the model's morph targets is
// measured while it plays and after it stops; the AvatarSpeaker drives it as it drives the 2D one;
// files that cannot be shown fall back to the built-in avatar with a message for the operator.
// The modules are bundled for the page with Vite (no app build needed).
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import type { Server } from 'node:http'
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { tempDir } from '../utils/boot'
import { launchBrowser, openPage } from '../utils/browser'
import { glb, makeAvatarGlb, makeAvatarVrm } from '../utils/make-avatar-models'
import { bundleForPage, PAGE_HTML, ROOT, servePage } from './digitalhuman-page'

const SHOTS = resolve(ROOT, 'test-results/screenshots')
const TEXT = 'Hello, welcome to the museum. The map is at the front desk.'

const ENTRY = `
import { mountModelAvatar } from '${ROOT}/digitalhuman/avatar/model-avatar'
import { createAvatar } from '${ROOT}/digitalhuman/avatar/svg-avatar'
import { AvatarSpeaker } from '${ROOT}/digitalhuman/avatar/speaker'
import { envelopeOfAudio } from '${ROOT}/digitalhuman/avatar/audio-envelope'
import { visemeTrack } from '${ROOT}/digitalhuman/lipsync/track'
import { speechBounds } from '${ROOT}/digitalhuman/lipsync/loudness'

let current
let audio
const samples = []

function stage() {
  const old = document.getElementById('stage3d')
  if (old) old.remove()
  const el = document.createElement('div')
  el.id = 'stage3d'
  el.style.cssText = 'width:320px;height:400px;background:#fff'
  document.body.prepend(el)
  return el
}

window.dh = {
  /** Mounts a model avatar (or its fallback); noWebgl makes WebGL unavailable for this mount. */
  async mount(url, opts = {}) {
    if (current) current.destroy()
    current = undefined
    audio = undefined
    const el = stage()
    const getContext = HTMLCanvasElement.prototype.getContext
    if (opts.noWebgl) HTMLCanvasElement.prototype.getContext = function (type, ...rest) { return /webgl/.test(type) ? null : getContext.call(this, type, ...rest) }
    try {
      const r = await mountModelAvatar(el, { url, label: 'guide' }, () => createAvatar(el, { look: 'guide' }), opts.lang)
      current = r.avatar
      return {
        kind: r.kind,
        message: r.message,
        errorKind: r.error && r.error.kind,
        info: r.avatar.info,
        svg: !!el.querySelector('svg'),
        canvas: !!el.querySelector('canvas')
      }
    } finally {
      HTMLCanvasElement.prototype.getContext = getContext
    }
  },
  /** Fetches the WAV, builds the lips (text track fitted to the voice, or loudness), starts playing. */
  async speak(url, text, mode) {
    const bytes = await (await fetch(url)).arrayBuffer()
    const envelope = await envelopeOfAudio(bytes)
    audio = new Audio(URL.createObjectURL(new Blob([bytes], { type: 'audio/wav' })))
    await new Promise((r) => audio.addEventListener('loadedmetadata', r, { once: true }))
    const lips = mode === 'text' ? { track: visemeTrack(text, audio.duration, speechBounds(envelope)) } : { envelope }
    samples.length = 0
    current.setState('speaking')
    current.follow(audio, lips)
    audio.addEventListener('ended', () => current.setState('idle'))
    await audio.play()
  },
  /** The kiosk's way: AvatarSpeaker plays a queue of sentences on the avatar. */
  async speakWithSpeaker(url, text) {
    const bytes = await (await fetch(url)).arrayBuffer()
    const speaker = new AvatarSpeaker(current)
    audio = speaker.audio
    samples.length = 0
    async function* queue() { yield { index: 0, text, audio: { audio: bytes, mime: 'audio/wav' } } }
    return speaker.speak(queue())
  },
  /** Plays the audio with one viseme held throughout (a still picture of that mouth shape). */
  async hold(url, viseme) {
    audio = new Audio(url)
    await new Promise((r) => audio.addEventListener('loadedmetadata', r, { once: true }))
    current.follow(audio, { track: { duration: audio.duration, cues: [{ start: 0, end: audio.duration, viseme }] } })
    await audio.play()
  },
  stop() {
    audio.pause()
    current.stop()
  },
  samples: () => samples,
  status: () => ({ playing: !!audio && !audio.paused && !audio.ended, ended: !!audio && audio.ended, time: audio ? audio.currentTime : 0 }),
  element: () => ({ ...current.element.dataset }),
  renderer() {
    const gl = document.createElement('canvas').getContext('webgl2')
    const d = gl && gl.getExtension('WEBGL_debug_renderer_info')
    return gl ? String(d ? gl.getParameter(d.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)) : 'none'
  },
  /** Counts the pixels of a PNG (a screenshot) that are mouth-red, and the share that is not background. */
  async pixels(base64) {
    const img = new Image()
    img.src = 'data:image/png;base64,' + base64
    await img.decode()
    const c = document.createElement('canvas')
    c.width = img.width
    c.height = img.height
    const ctx = c.getContext('2d')
    ctx.drawImage(img, 0, 0)
    const d = ctx.getImageData(0, 0, c.width, c.height).data
    let mouth = 0
    let drawn = 0
    for (let i = 0; i < d.length; i += 4) {
      const [r, g, b] = [d[i], d[i + 1], d[i + 2]]
      if (r < 245 || g < 245 || b < 245) drawn++
      if (r > 60 && r > g * 1.6 && r > b * 1.35) mouth++
    }
    return { mouth, drawn: drawn / (d.length / 4) }
  }
}

// One sample per frame: what the model shows, and whether the audio was playing then.
const tick = () => {
  if (current && audio && current.element.dataset.mouthOpen !== undefined) {
    samples.push({ time: audio.currentTime, playing: !audio.paused && !audio.ended, open: Number(current.element.dataset.mouthOpen), viseme: current.element.dataset.viseme })
  }
  requestAnimationFrame(tick)
}
requestAnimationFrame(tick)
`

interface Sample {
  time: number
  playing: boolean
  open: number
  viseme: string
}

interface Mounted {
  kind: 'model' | 'builtin'
  message?: string
  errorKind?: string
  info?: { format: string; lips: string; vrmVersion?: string; blink: boolean }
  svg: boolean
  canvas: boolean
}

let server: Server
let origin: string
let browser: Browser
let page: Page
let errors: string[]

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  const dir = tempDir('dh-3d-')
  const wav = join(dir, 'en.wav')
  execFileSync('espeak-ng', ['-v', 'en', '-w', wav, TEXT], { stdio: 'ignore' })
  const model = 'model/gltf-binary'
  const glbFile = makeAvatarGlb()
  const files: Record<string, [string, Buffer | string]> = {
    '/': ['text/html; charset=utf-8', PAGE_HTML],
    '/bundle.js': ['text/javascript', await bundleForPage(ENTRY)],
    '/en.wav': ['audio/wav', readFileSync(wav)],
    '/avatar.glb': [model, Buffer.from(glbFile)],
    '/avatar-jaw.glb': [model, Buffer.from(makeAvatarGlb({ visemes: false }))],
    '/avatar.vrm': [model, Buffer.from(makeAvatarVrm())],
    '/avatar-0.vrm': [model, Buffer.from(makeAvatarVrm({ version: '0.x' }))],
    '/avatar-aa.vrm': [model, Buffer.from(makeAvatarVrm({ aaOnly: true }))],
    '/photo.glb': ['image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...new Array(60).fill(0)])],
    '/cut.glb': [model, Buffer.from(glbFile.subarray(0, glbFile.length - 1000))],
    '/statue.glb': [model, Buffer.from(makeAvatarGlb({ visemes: false, jaw: false }))],
    '/empty.glb': [model, Buffer.from(glb({ asset: { version: '2.0' } }))]
  }
  ;({ server, origin } = await servePage(files))
  browser = await launchBrowser()
  ;({ page, errors } = await openPage(browser))
  await page.goto(`${origin}/`)
  await page.waitForFunction(() => typeof (window as any).dh === 'object')
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await new Promise((r) => server?.close(r))
})

const mount = (url: string, opts: { noWebgl?: boolean; lang?: string } = {}) =>
  page.evaluate(([u, o]) => (window as any).dh.mount(u, o) as Promise<Mounted>, [url, opts] as const)

/** Plays the sentence (a click gives the page the user activation autoplay needs) and waits for its end and the lips' rest. */
async function speakAndWait(mode: 'text' | 'loudness', shot?: string): Promise<Sample[]> {
  await page.click('#stage3d')
  await page.evaluate(([t, m]) => (window as any).dh.speak('/en.wav', t, m), [TEXT, mode])
  if (shot) {
    await page.waitForFunction(() => Number((window as any).dh.element().mouthOpen) > 0.6, undefined, { timeout: 10_000 })
    await page.locator('#stage3d').screenshot({ path: `${SHOTS}/${shot}` })
  }
  await page.waitForFunction(() => (window as any).dh.status().ended, undefined, { timeout: 30_000 })
  await page.waitForFunction(() => (window as any).dh.element().mouthOpen === '0.000', undefined, { timeout: 5_000 })
  return page.evaluate(() => (window as any).dh.samples() as Sample[])
}

function expectLipsMoveWithTheVoice(samples: Sample[]) {
  const during = samples.filter((s) => s.playing && s.time > 0)
  expect(during.length).toBeGreaterThan(20)
  const opens = during.map((s) => s.open)
  // Open on vowels, nearly closed between syllables and at the comma: the value keeps changing.
  expect(Math.max(...opens)).toBeGreaterThan(0.5)
  expect(opens.filter((o) => o < 0.15).length).toBeGreaterThan(0)
  expect(new Set(opens.map((o) => o.toFixed(2))).size).toBeGreaterThan(8)
  // Once the audio stopped, the mouth rests.
  expect(samples.filter((s) => !s.playing).at(-1)!.open).toBe(0)
}

/** Mouth-red pixels and the drawn share of the avatar's picture now. */
async function pixels(): Promise<{ mouth: number; drawn: number }> {
  const png = await page.locator('#stage3d').screenshot()
  return page.evaluate((b64) => (window as any).dh.pixels(b64), png.toString('base64'))
}

describe('3D avatar (GLB / VRM) in Chromium', () => {
  test('WebGL 2 works in the test browser (SwiftShader, no extra flag)', async () => {
    expect(await page.evaluate(() => (window as any).dh.renderer())).toMatch(/SwiftShader/)
  })

  test('a GLB with TalkingHead visemes: lips follow the text track while the audio plays and rest when it ends', async () => {
    const m = await mount('/avatar.glb')
    expect(m).toMatchObject({ kind: 'model', canvas: true, svg: false, info: { format: 'glb', lips: 'visemes', blink: true } })
    expect(await page.evaluate(() => (window as any).dh.element())).toMatchObject({
      avatar: '3d',
      format: 'glb',
      lips: 'visemes',
      mouthOpen: '0.000',
      state: 'idle'
    })
    const rest = await pixels()
    // The model is drawn (not a blank canvas) and its closed mouth is a thin line.
    expect(rest.drawn).toBeGreaterThan(0.15)
    const samples = await speakAndWait('text', 'digitalhuman-3d-glb.png')
    expectLipsMoveWithTheVoice(samples)
    // The visemes themselves reach the model, not one open/close shape.
    expect(new Set(samples.filter((s) => s.playing && s.open > 0.1).map((s) => s.viseme)).size).toBeGreaterThan(4)
    expect(errors).toEqual([])
  })

  test('the open mouth is drawn: more mouth pixels while a vowel is held than at rest', async () => {
    await mount('/avatar.glb')
    const rest = await pixels()
    await page.click('#stage3d')
    await page.evaluate(() => (window as any).dh.hold('/en.wav', 'aa'))
    await page.waitForFunction(() => Number((window as any).dh.element().mouthOpen) > 0.95, undefined, { timeout: 10_000 })
    const open = await pixels()
    await page.evaluate(() => (window as any).dh.stop())
    expect(rest.mouth).toBeGreaterThan(0)
    expect(open.mouth).toBeGreaterThan(rest.mouth * 1.5)
  })

  test('a VRM 1.0: aa/ih/ou/ee/oh expressions follow the text track and rest when it ends', async () => {
    const m = await mount('/avatar.vrm')
    expect(m).toMatchObject({ kind: 'model', canvas: true, info: { format: 'vrm', vrmVersion: '1.0', lips: 'vrm-vowels', blink: true } })
    expect((await pixels()).drawn).toBeGreaterThan(0.15)
    expectLipsMoveWithTheVoice(await speakAndWait('text', 'digitalhuman-3d-vrm.png'))
    expect(errors).toEqual([])
  })

  test('a VRM 0.x loads (turned to face the camera) and moves its lips', async () => {
    const m = await mount('/avatar-0.vrm')
    expect(m).toMatchObject({ kind: 'model', info: { format: 'vrm', vrmVersion: '0.x', lips: 'vrm-vowels' } })
    // Facing the camera: the face (with its mouth) is in the picture, not the back of the head.
    expect((await pixels()).mouth).toBeGreaterThan(0)
    expectLipsMoveWithTheVoice(await speakAndWait('text'))
  })

  test('loudness fallback: a GLB with only jawOpen/mouthOpen, a VRM with only aa, and a loudness source all open the mouth with the voice', async () => {
    expect(await mount('/avatar-jaw.glb')).toMatchObject({ kind: 'model', info: { lips: 'jaw' } })
    expectLipsMoveWithTheVoice(await speakAndWait('text'))
    expect(await mount('/avatar-aa.vrm')).toMatchObject({ kind: 'model', info: { lips: 'vrm-aa' } })
    expectLipsMoveWithTheVoice(await speakAndWait('loudness'))
    await mount('/avatar.glb')
    expectLipsMoveWithTheVoice(await speakAndWait('loudness'))
    expect(errors).toEqual([])
  })

  test('the AvatarSpeaker drives the 3D avatar unchanged: speaking state, lips, rest and idle after', async () => {
    await mount('/avatar.vrm')
    await page.click('#stage3d')
    const result = page.evaluate(([t]) => (window as any).dh.speakWithSpeaker('/en.wav', t), [TEXT])
    await page.waitForFunction(() => (window as any).dh.element().state === 'speaking', undefined, { timeout: 10_000 })
    const r = await result
    expect(r.status).toBe('done')
    expect(r.duration).toBeGreaterThan(2)
    const samples = await page.evaluate(() => (window as any).dh.samples() as Sample[])
    expect(Math.max(...samples.filter((s) => s.playing).map((s) => s.open))).toBeGreaterThan(0.5)
    expect(await page.evaluate(() => (window as any).dh.element())).toMatchObject({ state: 'idle', mouthOpen: '0.000' })
  })

  test('barge-in: stopping mid-sentence closes the mouth at once', async () => {
    await mount('/avatar.glb')
    await page.click('#stage3d')
    await page.evaluate(([t]) => (window as any).dh.speak('/en.wav', t, 'text'), [TEXT])
    await page.waitForFunction(() => Number((window as any).dh.element().mouthOpen) > 0.3, undefined, { timeout: 10_000 })
    await page.evaluate(() => (window as any).dh.stop())
    expect((await page.evaluate(() => (window as any).dh.element())).mouthOpen).toBe('0.000')
    expect(await page.evaluate(() => (window as any).dh.status())).toMatchObject({ playing: false, ended: false })
  })

  test('files that cannot be shown fall back to the built-in avatar with a message saying why', async () => {
    const cases: [string, string, RegExp, { noWebgl?: boolean; lang?: string }?][] = [
      ['/photo.glb', 'not-glb', /not a GLB or VRM file/],
      ['/cut.glb', 'corrupt', /damaged.*cut short/],
      ['/statue.glb', 'no-mouth', /no mouth shapes.*no viseme_\* morph targets/],
      ['/empty.glb', 'no-mesh', /nothing to draw/],
      ['/missing.glb', 'fetch', /could not be downloaded.*HTTP 404/],
      ['/avatar.glb', 'webgl', /no WebGL/, { noWebgl: true }],
      ['/statue.glb', 'no-mouth', /^3D 数字人无法显示：模型没有口型/, { lang: 'zh-CN' }]
    ]
    for (const [url, kind, message, opts] of cases) {
      const m = await mount(url, opts)
      expect(m, url).toMatchObject({ kind: 'builtin', errorKind: kind, svg: true, canvas: false })
      expect(m.message, url).toMatch(message)
    }
    // The built-in avatar that took over speaks as usual.
    const samples = await speakAndWait('text')
    expect(Math.max(...samples.filter((s) => s.playing).map((s) => s.open))).toBeGreaterThan(0.5)
    await page.locator('#stage3d').screenshot({ path: `${SHOTS}/digitalhuman-3d-fallback.png` })
    // The only console error is the browser reporting the missing file's 404.
    expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([])
  })
})
