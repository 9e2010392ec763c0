// The kiosk listening hands-free (src-renderer/src/kiosk/listening.ts): espeak-ng speech played by
// Chromium's fake microphone → the Silero VAD shipped in @ricky0123/vad-web (served by our server,
// no download) → the server's /speech/transcribe → the turn, spoken with moving lips; barge-in by
// voice, the avatar's own voice ignored, a denied microphone. Each test's visitor is its own
// microphone file, so each gets its own Chromium. Needs out/renderer (`npx electron-vite build`).
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { bootServer, type BootedServer } from '../utils/boot'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'
import { launchWithMic, micTrack, type MicPart } from '../utils/fake-mic'

const SHOTS = resolve(__dirname, '../../test-results/screenshots')
const HEARD = 'Where is the exit?'

let s: BootedServer
let llm: FakeLlm
let agent: any
let browser: Browser | undefined

beforeAll(async () => {
  // Every voiced recording is "heard" as HEARD: the fake microphone re-records espeak-ng's voice.
  ;[llm, s] = await Promise.all([startFakeLlm({ speech: { heard: HEARD } }), bootServer()])
  const provider = (await s.api('POST', '/api/providers', { name: 'Fake', baseUrl: llm.baseUrl })).body
  const tts = (await s.api('POST', '/api/models', { providerId: provider.id, modelId: 'fake-tts', type: 'tts' })).body
  await s.api('POST', '/api/models', { providerId: provider.id, modelId: 'fake-asr', type: 'stt' })
  agent = (
    await s.api('POST', '/api/agents', {
      providerId: provider.id,
      model: 'fake-chat',
      name: 'Museum Guide',
      published: true,
      welcomeMessage: 'Welcome to the City Museum!',
      quickPhrases: ['What is on today?', 'Opening hours'],
      digitalHuman: { chatAvatarId: 'guide', ttsModelId: tts.id, voice: 'guide-en' }
    })
  ).body
  mkdirSync(SHOTS, { recursive: true })
}, 60_000)

afterEach(async () => {
  await browser?.close()
  browser = undefined
})

afterAll(async () => {
  await s?.close()
  await llm?.close()
})

interface Kiosk {
  page: Page
  errors: string[]
  /** Request paths to the server in order (/speech/transcribe with the WAV's size). */
  requests: string[]
  transcribeSizes: number[]
}

/** Chromium with `mic` as its microphone, on the kiosk page, hands-free listening ready. */
async function openKiosk(mic: MicPart[] | 'denied', query = ''): Promise<Kiosk> {
  browser = await launchWithMic(mic === 'denied' ? 'denied' : micTrack(mic))
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
  const errors: string[] = []
  const requests: string[] = []
  const transcribeSizes: number[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname
    if (path === '/speech/transcribe') transcribeSizes.push(r.postDataBuffer()?.length ?? 0)
    if (!path.startsWith('/assets/') && !path.startsWith('/vad/')) requests.push(path)
  })
  await page.goto(`${s.url}/kiosk/${agent.uuid}?lang=en${query}`)
  await page.evaluate(() => {
    const w = window as any
    w.subtitles = []
    w.states = []
    // The avatar paused mid-sentence (a hold or a barge-in), not at a sentence's end.
    w.pauses = 0
    const audio = (document.querySelector('[data-testid=kiosk-audio-frame]') as HTMLIFrameElement).contentDocument!.querySelector('audio')!
    audio.addEventListener('pause', () => !audio.ended && w.pauses++)
    const sub = document.querySelector('[data-testid=kiosk-subtitle]')!
    new MutationObserver(() => sub.textContent && w.subtitles.push(sub.textContent)).observe(sub, { childList: true, characterData: true, subtree: true })
    const root = document.querySelector('[data-testid=kiosk]') as HTMLElement
    new MutationObserver(() => w.states.at(-1) !== root.dataset.state && w.states.push(root.dataset.state)).observe(root, { attributes: true })
  })
  return { page, errors, requests, transcribeSizes }
}

const live = (page: Page) => page.getByTestId('kiosk-live').getAttribute('data-live')
const state = (page: Page) => page.getByTestId('kiosk').getAttribute('data-state')
const chats = () => llm.requests.filter((r: any) => r.path === '/v1/chat/completions') as any[]

/** Mouth openness while audio plays and after, until the kiosk falls idle (bounded). */
function sampleMouthUntilIdle(page: Page) {
  return page.evaluate(
    () =>
      new Promise<{ playing: number[]; silent: number[] }>((resolve, reject) => {
        const svg = () => document.querySelector('[data-testid=kiosk-avatar] svg') as SVGSVGElement
        const audio = (document.querySelector('[data-testid=kiosk-audio-frame]') as HTMLIFrameElement).contentDocument!.querySelector('audio')!
        const root = document.querySelector('[data-testid=kiosk]') as HTMLElement
        const out = { playing: [] as number[], silent: [] as number[] }
        let started = false
        const limit = setTimeout(() => reject(new Error('the kiosk did not speak and finish within 30 s')), 30_000)
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

// A Chromium per test, the model loading in each, a visitor talking in real time: minutes, not seconds.
describe('kiosk listening hands-free', { timeout: 120_000 }, () => {
  test('a visitor just speaks: VAD → the agent’s ASR → the turn, answered with moving lips; then the idle reset greets again', async () => {
    llm.reset()
    llm.script({ text: 'The exit is behind you, past the gift shop.' })
    const k = await openKiosk([{ silence: 1.5 }, { say: 'Excuse me, where is the exit?' }, { silence: 60 }], '&idle=4')
    await expect.poll(() => live(k.page), { timeout: 30_000 }).toBe('on')
    expect(await k.page.getByTestId('kiosk-mic').isVisible()).toBe(false)
    await expect.poll(() => state(k.page), { timeout: 15_000 }).toBe('listening')
    await k.page.screenshot({ path: join(SHOTS, 'kiosk-en-vad-listening.png') })
    const mouth = await sampleMouthUntilIdle(k.page)
    expect(await k.page.getByTestId('kiosk-question').textContent()).toBe(HEARD)
    expect(await k.page.getByTestId('kiosk-subtitle').textContent()).toBe('The exit is behind you, past the gift shop.')
    expect(Math.max(...mouth.playing)).toBeGreaterThan(0.2)
    expect(mouth.silent.at(-1)).toBe(0)
    expect(k.requests.filter((p) => p === '/speech/transcribe')).toHaveLength(1)
    const asr = llm.requests.find((r: any) => r.path === '/v1/audio/transcriptions') as any
    expect(asr.body).toMatchObject({ model: 'fake-asr', file: { type: 'audio/wav' } })
    expect(chats()[0].body.messages.at(-1).content).toContain(HEARD)
    expect(await k.page.evaluate(() => (window as any).states)).toEqual(['listening', 'thinking', 'speaking', 'idle'])

    // The visitor walks away: the conversation is cleared and the kiosk greets the next one.
    await expect.poll(() => k.page.getByTestId('kiosk').getAttribute('data-reset'), { timeout: 20_000 }).toBe('1')
    expect(await k.page.getByTestId('kiosk-welcome').isVisible()).toBe(true)
    expect(await k.page.getByTestId('kiosk-question').textContent()).toBe('')
    await expect.poll(() => k.page.evaluate(() => (window as any).subtitles.at(-1)), { timeout: 10_000 }).toBe('Welcome to the City Museum!')
    expect(k.errors).toEqual([])
  })

  test('two utterances a second apart are two questions, not one', async () => {
    llm.reset()
    llm.script({ text: 'The exit is behind you.' }, { text: 'The toilets are upstairs.' })
    const k = await openKiosk([{ silence: 1 }, { say: 'Where is the exit?' }, { silence: 1 }, { say: 'And where are the toilets?' }, { silence: 60 }])
    await expect.poll(() => k.transcribeSizes.length, { timeout: 40_000 }).toBe(2)
    await expect.poll(() => k.page.getByTestId('kiosk-subtitle').textContent(), { timeout: 15_000 }).toBe('The toilets are upstairs.')
    // Each recording holds one utterance (16 kHz, 16-bit: 32 kB a second); both together last over 3 s.
    for (const size of k.transcribeSizes) expect(size).toBeLessThan(3 * 32_000)
    expect(chats()).toHaveLength(2)
    expect(k.errors).toEqual([])
  })

  test('barge-in by voice: the visitor speaks over the avatar, which falls silent; the old turn is cancelled; the new question is answered', async () => {
    llm.reset()
    // Still streaming when the visitor speaks (12 × 0.7 s), so the old turn has something to cancel.
    const long = Array.from({ length: 12 }, (_, i) => `This is sentence number ${i + 1} of a very long tour.`)
    llm.script({ chunks: long.map((x) => `${x} `), chunkDelayMs: 700 }, { text: 'The exit is behind you.' })
    const k = await openKiosk([{ silence: 4 }, { say: 'Excuse me! Where is the exit?' }, { silence: 60 }])
    await expect.poll(() => live(k.page), { timeout: 30_000 }).toBe('on')
    await k.page.getByTestId('kiosk-phrase').filter({ hasText: 'What is on today?' }).click()
    await expect.poll(() => state(k.page), { timeout: 10_000 }).toBe('speaking')
    // The visitor's voice arrives while the avatar talks: it stops (the <audio> pauses) and listens.
    await expect.poll(() => state(k.page), { timeout: 15_000 }).toBe('listening')
    expect(
      await k.page
        .frameLocator('[data-testid=kiosk-audio-frame]')
        .getByTestId('kiosk-audio')
        .evaluate((a: HTMLAudioElement) => a.paused)
    ).toBe(true)
    await expect.poll(() => k.page.getByTestId('kiosk-subtitle').textContent(), { timeout: 20_000 }).toBe('The exit is behind you.')
    expect(chats()[0].aborted).toBe(true)
    const subs: string[] = await k.page.evaluate(() => (window as any).subtitles)
    expect(subs).not.toContain(long.at(-1))
    expect(await k.page.getByTestId('kiosk-question').textContent()).toBe(HEARD)
    expect(k.errors).toEqual([])
  })

  test('the avatar’s own voice does not interrupt it; the same sound once the avatar is silent is heard', async () => {
    llm.reset()
    const answer = [
      'Welcome to the hall of bronzes.',
      'The bells are three thousand years old.',
      'They were found in a tomb by farmers.',
      'Each bell plays two notes.',
      'The exit is behind you.',
      'Enjoy your visit.'
    ]
    llm.script({ text: answer.join(' ') })
    // What the microphone picks up of the avatar's sentences, 35 dB down, while it speaks (from
    // 5 s after the microphone opens: on a loaded machine the first sentence can take seconds to
    // start, and an echo that comes before it is a visitor); then, long after it finished, the
    // same sound again as a control.
    const echo: MicPart[] = answer.slice(0, 2).flatMap((say) => [{ say, db: -35 }, { silence: 0.2 }])
    const k = await openKiosk([{ silence: 5 }, ...echo, { silence: 26 }, { say: answer[0], db: -35 }, { silence: 120 }])
    await expect.poll(() => live(k.page), { timeout: 30_000 }).toBe('on')
    await k.page.getByTestId('kiosk-phrase').filter({ hasText: 'What is on today?' }).click()
    await expect.poll(() => state(k.page), { timeout: 10_000 }).toBe('speaking')
    await expect.poll(() => state(k.page), { timeout: 40_000 }).toBe('idle')
    expect(await k.page.evaluate(() => (window as any).subtitles)).toEqual(answer)
    expect(k.requests).not.toContain('/speech/transcribe')
    expect(chats()[0].aborted).toBe(false)
    expect(await k.page.evaluate(() => (window as any).states)).not.toContain('listening')
    // Not even a hold: the echo never made the avatar stop for a moment.
    expect(await k.page.evaluate(() => (window as any).pauses)).toBe(0)
    // The control: with the avatar silent, that quiet voice is a visitor (too quiet for the fake
    // recogniser, so "I did not catch that"): the detector hears this level, the echo was not let in.
    await expect.poll(() => k.requests.filter((p) => p === '/speech/transcribe').length, { timeout: 40_000 }).toBe(1)
    await expect.poll(() => k.page.getByTestId('kiosk-notice').textContent(), { timeout: 10_000 }).toBe('I did not catch that: please say it again or type it')
    expect(k.errors).toEqual([])
  })

  test('a denied microphone: the kiosk says so and the text input takes the question', async () => {
    llm.reset()
    llm.script({ text: 'The exit is behind you.' })
    const k = await openKiosk('denied')
    await expect.poll(() => live(k.page), { timeout: 30_000 }).toBe('denied')
    expect(await k.page.getByTestId('kiosk-notice').textContent()).toBe('The microphone is not available: please type your question')
    expect(await k.page.getByTestId('kiosk-input').evaluate((e) => e === document.activeElement)).toBe(true)
    await k.page.screenshot({ path: join(SHOTS, 'kiosk-en-mic-denied.png') })
    await k.page.getByTestId('kiosk-input').fill('Where is the exit?')
    await k.page.getByTestId('kiosk-input').press('Enter')
    await expect.poll(() => k.page.getByTestId('kiosk-subtitle').textContent(), { timeout: 15_000 }).toBe('The exit is behind you.')
    expect(k.errors).toEqual([])
  })
})
