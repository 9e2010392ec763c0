// The kiosk page (/kiosk/<uuid>) in Chromium against `agenta serve`'s server and the fake model
// server: typed and spoken questions, the answer spoken sentence by sentence while it streams
// (synthesis through the server's /speech/synthesize), moving lips, subtitles, barge-in, idle reset.
// Needs out/renderer (`npx electron-vite build`) and espeak-ng (the fake microphone's voice).
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { bootServer, tempDir, type BootedServer } from '../utils/boot'
import { AUTOPLAY, launchBrowser } from '../utils/browser'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'
import { markSpeech } from '../utils/fake-speech'

const SHOTS = resolve(__dirname, '../../test-results/screenshots')
const VISITOR_SAYS = 'Where is the exit?'

let s: BootedServer
let llm: FakeLlm
let browser: Browser
let en: any
let zh: any
let draft: any
let mute: any

async function api(method: string, path: string, body: unknown) {
  const res = await s.api(method, path, body)
  if (res.status >= 300) throw new Error(`${path}: ${JSON.stringify(res.body)}`)
  return res.body
}

beforeAll(async () => {
  // The fake microphone plays espeak-ng's voice (marked with its words, though the mark does not
  // survive re-recording: the fake recogniser hears voiced audio as `heard`).
  const dir = tempDir('kiosk-mic-')
  const raw = join(dir, 'raw.wav')
  execFileSync('espeak-ng', ['-v', 'en', '-w', raw, VISITOR_SAYS])
  const mic = join(dir, 'visitor.wav')
  writeFileSync(mic, markSpeech(new Uint8Array(readFileSync(raw)), VISITOR_SAYS))
  ;[llm, s, browser] = await Promise.all([
    startFakeLlm({ speech: { heard: VISITOR_SAYS } }),
    bootServer(),
    // A kiosk runs with these: no gesture needed to speak, no prompt for the microphone.
    launchBrowser([AUTOPLAY, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${mic}`])
  ])
  const provider = await api('POST', '/api/providers', { name: 'Fake', baseUrl: llm.baseUrl })
  const tts = await api('POST', '/api/models', { providerId: provider.id, modelId: 'fake-tts', type: 'tts' })
  await api('POST', '/api/models', { providerId: provider.id, modelId: 'fake-asr', type: 'stt' })
  const base = { providerId: provider.id, model: 'fake-chat', published: true }
  en = await api('POST', '/api/agents', {
    ...base,
    name: 'Museum Guide',
    description: 'Ask me about the halls, tickets and the way out.',
    welcomeMessage: 'Welcome to the City Museum!',
    quickPhrases: ['Where is the exit?', 'What is on today?', 'Opening hours'],
    digitalHuman: { chatAvatarId: 'guide', ttsModelId: tts.id, voice: 'guide-en' }
  })
  zh = await api('POST', '/api/agents', {
    ...base,
    name: '博物馆向导',
    description: '展厅、门票、出口，都可以问我。',
    welcomeMessage: '欢迎来到城市博物馆！',
    quickPhrases: ['出口在哪里？', '今天有什么展览？', '开放时间'],
    digitalHuman: { chatAvatarId: 'panda', ttsModelId: tts.id, voice: 'guide-zh' }
  })
  draft = await api('POST', '/api/agents', { providerId: provider.id, model: 'fake-chat', name: 'Draft' })
  const broken = await api('POST', '/api/models', { providerId: provider.id, modelId: 'fake-tts-broken', type: 'tts' })
  mute = await api('POST', '/api/agents', { ...base, name: 'Mute Guide', digitalHuman: { ttsModelId: broken.id } })
  mkdirSync(SHOTS, { recursive: true })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await s?.close()
  await llm?.close()
})

interface Watch {
  page: Page
  /** Synthesis requests and the end of each /chat-message stream, in the order the page made them. */
  events: string[]
  errors: string[]
}

async function openKiosk(agent: any, query: string): Promise<Watch> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  const events: string[] = []
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('request', (r) => {
    if (r.url().includes('/speech/synthesize')) events.push(`synth:${JSON.parse(r.postData() ?? '{}').text}`)
  })
  page.on('requestfinished', (r) => {
    if (r.url().endsWith('/chat-message')) events.push('stream-done')
  })
  // Hold-to-talk: this browser's fake microphone repeats the visitor's sentence, which hands-free
  // listening would keep hearing (kiosk-listening.test.ts covers that mode).
  await page.goto(`${s.url}/kiosk/${agent.uuid}${query}&listen=push`)
  await page.getByTestId('kiosk-avatar').locator('svg').waitFor()
  // Subtitles as they change, for the assertions after barge-in.
  await page.evaluate(() => {
    const w = window as any
    w.subtitles = []
    const sub = document.querySelector('[data-testid=kiosk-subtitle]')!
    new MutationObserver(() => sub.textContent && w.subtitles.push(sub.textContent)).observe(sub, { childList: true, characterData: true, subtree: true })
  })
  return { page, events, errors }
}

const kioskState = (page: Page) => page.getByTestId('kiosk-state').getAttribute('data-state')

/** Mouth openness and whether audio plays, sampled each frame until the kiosk falls idle (bounded). */
async function sampleMouthUntilIdle(page: Page) {
  return page.evaluate(
    () =>
      new Promise<{ playing: number[]; silent: number[] }>((resolve, reject) => {
        const svg = () => document.querySelector('[data-testid=kiosk-avatar] svg') as SVGSVGElement
        const audio = (document.querySelector('[data-testid=kiosk-audio-frame]') as HTMLIFrameElement).contentDocument!.querySelector('audio')!
        const root = document.querySelector('[data-testid=kiosk]') as HTMLElement
        const out = { playing: [] as number[], silent: [] as number[] }
        let started = false
        const limit = setTimeout(() => reject(new Error('the kiosk did not finish speaking within 20 s')), 20_000)
        const tick = () => {
          const open = Number(svg().dataset.mouthOpen ?? 0)
          if (!audio.paused && !audio.ended) {
            started = true
            out.playing.push(open)
          } else out.silent.push(open)
          if (started && root.dataset.state === 'idle') {
            clearTimeout(limit)
            out.silent.push(Number(svg().dataset.mouthOpen ?? 0))
            return resolve(out)
          }
          requestAnimationFrame(tick)
        }
        tick()
      })
  )
}

describe('kiosk page', () => {
  test('only a published agent has a kiosk', async () => {
    const res = await fetch(`${s.url}/kiosk/${draft.uuid}`)
    expect(res.status).toBe(404)
    expect(await res.text()).toContain('not available')
    expect((await fetch(`${s.url}/kiosk/${en.uuid}`)).status).toBe(200)
  })

  test('a typed question: the first sentence is synthesized while the answer still streams, lips move while audio plays, subtitles follow', async () => {
    llm.reset()
    const first = 'Welcome to the hall of bronzes.'
    const second = 'The exit is behind you, past the gift shop.'
    llm.script({ chunks: ['Welcome ', 'to the hall ', 'of bronzes. ', 'The exit ', 'is behind you, ', 'past ', 'the gift ', 'shop.'], chunkDelayMs: 250 })
    const { page, events, errors } = await openKiosk(en, '?lang=en')
    expect(await page.getByTestId('kiosk-welcome').isVisible()).toBe(true)
    await page.screenshot({ path: join(SHOTS, 'kiosk-en-welcome.png') })
    await page.getByTestId('kiosk-input').fill('How do I get out?')
    await page.getByTestId('kiosk-input').press('Enter')
    const mouth = await sampleMouthUntilIdle(page)

    expect(events.indexOf(`synth:${first}`)).toBeGreaterThanOrEqual(0)
    expect(events.indexOf(`synth:${first}`)).toBeLessThan(events.indexOf('stream-done'))
    expect(events.filter((e) => e.startsWith('synth:'))).toEqual([`synth:${first}`, `synth:${second}`])
    expect(Math.max(...mouth.playing)).toBeGreaterThan(0.2)
    expect(mouth.silent.at(-1)).toBe(0)
    expect(await page.evaluate(() => (window as any).subtitles)).toEqual([first, second])
    expect(await page.getByTestId('kiosk-question').textContent()).toBe('How do I get out?')
    // The server called the TTS with the agent's voice; the chat turn came from the kiosk with is_digitalhuman.
    const speech = llm.requests.filter((r: any) => r.path === '/v1/audio/speech')
    expect(speech.map((r: any) => r.body.voice)).toEqual(['guide-en', 'guide-en'])
    expect(errors).toEqual([])
    await page.screenshot({ path: join(SHOTS, 'kiosk-en-answer.png') })
    await page.context().close()
  })

  test('barge-in: a new question silences the avatar and cancels the old turn', async () => {
    llm.reset()
    const long = Array.from({ length: 12 }, (_, i) => `This is sentence number ${i + 1} of a very long tour.`)
    llm.script({ chunks: long.map((x) => `${x} `), chunkDelayMs: 400 }, { text: 'Opening hours are nine to five.' })
    const { page } = await openKiosk(en, '?lang=en')
    await page.getByTestId('kiosk-phrase').filter({ hasText: 'What is on today?' }).click()
    await expect.poll(() => kioskState(page), { timeout: 10_000 }).toBe('speaking')
    await page.getByTestId('kiosk-phrase').filter({ hasText: 'Opening hours' }).click()
    await expect.poll(() => page.getByTestId('kiosk-subtitle').textContent(), { timeout: 10_000 }).toBe('Opening hours are nine to five.')
    await expect.poll(() => kioskState(page), { timeout: 10_000 }).toBe('idle')
    // The old answer's stream was cancelled at the model, and its later sentences were never spoken.
    const chats = llm.requests.filter((r: any) => r.path === '/v1/chat/completions')
    expect(chats[0].aborted).toBe(true)
    const subs: string[] = await page.evaluate(() => (window as any).subtitles)
    expect(subs).not.toContain(long.at(-1))
    expect(subs.at(-1)).toBe('Opening hours are nine to five.')
    await page.context().close()
  })

  test('push-to-talk: the microphone’s recording is transcribed by the server and becomes the question', async () => {
    llm.reset()
    llm.script({ text: 'The exit is behind you.' })
    const { page } = await openKiosk(en, '?lang=en')
    const mic = page.getByTestId('kiosk-mic')
    const box = (await mic.boundingBox())!
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await page.mouse.down()
    await expect.poll(() => kioskState(page)).toBe('listening')
    await page.screenshot({ path: join(SHOTS, 'kiosk-en-listening.png') })
    // Hold the button while the visitor speaks (the fake microphone loops the espeak-ng sentence). A
    // fixed time on purpose: how long the button is held is the user's action under test.
    await page.waitForTimeout(2_000)
    await page.mouse.up()
    await expect.poll(() => page.getByTestId('kiosk-question').textContent(), { timeout: 10_000 }).toBe(VISITOR_SAYS)
    await expect.poll(() => page.getByTestId('kiosk-subtitle').textContent(), { timeout: 10_000 }).toBe('The exit is behind you.')
    const asr = llm.requests.find((r: any) => r.path === '/v1/audio/transcriptions') as any
    expect(asr.body).toMatchObject({ model: 'fake-asr', file: { type: 'audio/wav' } })
    expect(asr.body.file.size).toBeGreaterThan(16_000)
    const chat = llm.requests.find((r: any) => r.path === '/v1/chat/completions') as any
    expect(chat.body.messages.at(-1).content).toContain(VISITOR_SAYS)
    await page.context().close()
  })

  test('idle reset: after the idle time the conversation is cleared and the kiosk greets again (zh-CN)', async () => {
    llm.reset()
    llm.script({ text: '出口在一楼大厅的东侧。' })
    const { page, events } = await openKiosk(zh, '?lang=zh-CN&idle=2')
    await page.screenshot({ path: join(SHOTS, 'kiosk-zh-welcome.png') })
    await page.getByTestId('kiosk-phrase').filter({ hasText: '出口在哪里？' }).click()
    await expect.poll(() => page.getByTestId('kiosk-subtitle').textContent(), { timeout: 10_000 }).toBe('出口在一楼大厅的东侧。')
    expect(await page.getByTestId('kiosk-welcome').isVisible()).toBe(false)
    await page.screenshot({ path: join(SHOTS, 'kiosk-zh-answer.png') })
    // The element the first visitor heard the answer through.
    await page.evaluate(
      () =>
        ((window as any).firstVoice = (document.querySelector('[data-testid=kiosk-audio-frame]') as HTMLIFrameElement).contentDocument!.querySelector('audio'))
    )
    await expect.poll(() => page.getByTestId('kiosk').getAttribute('data-reset'), { timeout: 15_000 }).toBe('1')
    expect(await page.getByTestId('kiosk-welcome').isVisible()).toBe(true)
    expect(await page.getByTestId('kiosk-question').textContent()).toBe('')
    await expect.poll(() => events.includes('synth:欢迎来到城市博物馆！'), { timeout: 10_000 }).toBe(true)
    // The greeting plays through a new document's <audio> (the one before is gone with what it loaded:
    // digitalhuman/audio/framed-audio.ts), and only one is in the page.
    const voice = () =>
      page.evaluate(() => {
        const frames = document.querySelectorAll<HTMLIFrameElement>('[data-testid=kiosk-audio-frame]')
        const audio = frames[0]?.contentDocument?.querySelector('audio')
        return { frames: frames.length, fresh: !!audio && audio !== (window as any).firstVoice, played: !!audio && audio.played.length > 0 }
      })
    await expect.poll(voice, { timeout: 10_000 }).toEqual({ frames: 1, fresh: true, played: true })
    // The next question starts a new session.
    llm.script({ text: '开放时间是九点到五点。' })
    await page.getByTestId('kiosk-phrase').filter({ hasText: '开放时间' }).click()
    await expect.poll(() => page.getByTestId('kiosk-subtitle').textContent(), { timeout: 10_000 }).toBe('开放时间是九点到五点。')
    const chats = llm.requests.filter((r: any) => r.path === '/v1/chat/completions') as any[]
    expect(chats.at(-1).body.messages.filter((m: any) => m.role === 'user')).toHaveLength(1)
    await page.context().close()
  })

  test('a TTS provider error: the operator sees why, the whole answer stays on screen as subtitles, nothing is lost', async () => {
    llm.reset()
    llm.script({ text: 'The cafe is on the second floor. It opens at ten. Try the cake.' })
    const { page, errors } = await openKiosk(mute, '?lang=en')
    await page.getByTestId('kiosk-input').fill('Coffee?')
    await page.getByTestId('kiosk-send').click()
    await expect
      .poll(() => page.evaluate(() => (window as any).subtitles), { timeout: 10_000 })
      .toEqual([
        'The cafe is on the second floor.',
        'The cafe is on the second floor. It opens at ten.',
        'The cafe is on the second floor. It opens at ten. Try the cake.'
      ])
    expect(await page.getByTestId('kiosk-notice').textContent()).toBe('Speech is unavailable right now: see the subtitles')
    await expect.poll(() => kioskState(page)).toBe('idle')
    expect(errors).toEqual([])
    await page.context().close()
  })
})
