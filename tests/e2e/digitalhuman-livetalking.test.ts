// The photoreal adapter in Chromium against the LiveTalking mock (a wrtc peer sending video and
// audio): the video plays, a streamed answer's sentences reach /human in order, a new turn
// interrupts first, a restarted service gets a new session (and the video comes back), and an
// unreachable or full service falls back to the built-in avatar with a message.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { speechSentences } from '../../digitalhuman/speech/segmenter'
import { launchBrowser, openPage } from '../utils/browser'
import { splitText } from '../utils/fake-llm'
import { startLiveTalkingMock, type LiveTalkingMock } from '../utils/livetalking-mock'
import { bundleForPage, PAGE_HTML, ROOT, servePage } from './digitalhuman-page'
import { until } from '../utils/until'

const ENTRY = `
import { createAvatar } from '${ROOT}/digitalhuman/avatar/svg-avatar'
import { AvatarSpeaker } from '${ROOT}/digitalhuman/avatar/speaker'
import { SpeechQueue } from '${ROOT}/digitalhuman/speech/speech-queue'
import { SpeechSegmenter } from '${ROOT}/digitalhuman/speech/segmenter'
import { startPresenter } from '${ROOT}/digitalhuman/livetalking/presenter'

const log = { subtitles: [], spoken: [], problems: [], speaking: [], sessions: [], results: [] }
let started, queue, seg

window.dh = {
  log,
  async start(url, videoWithinMs = 15000) {
    const video = document.createElement('video')
    video.id = 'photo'
    video.width = 320
    document.body.appendChild(video)
    started = await startPresenter(
      {
        video,
        service: { url, avatar: 'avatar1', iceServers: [], onSession: (id, again) => log.sessions.push({ id, again }) },
        pollMs: 100,
        videoWithinMs,
        onSentence: (s) => log.subtitles.push(s),
        onSpoken: (s) => log.spoken.push(s),
        onProblem: (p) => log.problems.push(String(p.error && p.error.message)),
        onSpeaking: (on) => log.speaking.push(on)
      },
      () => new AvatarSpeaker(createAvatar(document.getElementById('stage'), { look: 'guide' }))
    )
    return { kind: started.kind, message: started.message, needsAudio: started.needsAudio }
  },
  /** A new turn: its sentences arrive through feed(). */
  turn() {
    queue = new SpeechQueue(async () => undefined)
    seg = new SpeechSegmenter()
    const n = log.results.length
    log.results.push(null)
    started.speaker.speak(queue).then((r) => (log.results[n] = r))
  },
  feed(chunks, last) {
    for (const c of chunks) for (const s of seg.push(c)) queue.push(s)
    if (last) {
      for (const s of seg.flush()) queue.push(s)
      queue.end()
    }
  },
  interrupt: () => started.speaker.interrupt(),
  video: () => {
    const v = document.getElementById('photo')
    return { width: v.videoWidth, height: v.videoHeight, time: v.currentTime, paused: v.paused }
  },
  hasBuiltin: () => !!document.querySelector('#stage svg')
}
`

let server: Server
let origin: string
let browser: Browser
let page: Page
let errors: string[]
let mock: LiveTalkingMock | undefined

beforeAll(async () => {
  ;({ server, origin } = await servePage({ '/': ['text/html; charset=utf-8', PAGE_HTML], '/bundle.js': ['text/javascript', await bundleForPage(ENTRY)] }))
  browser = await launchBrowser()
}, 120_000)

afterEach(async () => {
  await page?.context().close()
  await mock?.close()
  mock = undefined
})

afterAll(async () => {
  await browser?.close()
  await new Promise((r) => server?.close(r))
})

async function openKiosk(url: string, videoWithinMs?: number) {
  ;({ page, errors } = await openPage(browser))
  await page.goto(`${origin}/`)
  await page.waitForFunction(() => typeof (window as any).dh === 'object')
  // A tap gives the page the user activation that autoplay with sound needs (a kiosk gets it by flag).
  await page.click('#stage')
  return page.evaluate(([u, w]) => (window as any).dh.start(u, w), [url, videoWithinMs] as const)
}

const dh = <T>(fn: string, ...args: unknown[]) => page.evaluate(([f, a]) => (window as any).dh[f as string](...(a as unknown[])) as T, [fn, args] as const)
const log = () => page.evaluate(() => (window as any).dh.log)
const video = () => dh<{ width: number; height: number; time: number; paused: boolean }>('video')

/** The video has frames and its clock moves on. */
async function expectVideoPlays() {
  await page.waitForFunction(() => (window as any).dh.video().width > 0, undefined, { timeout: 20_000 })
  const t0 = (await video()).time
  await page.waitForFunction((t) => (window as any).dh.video().time > t + 0.3, t0, { timeout: 20_000 })
  const v = await video()
  expect(v).toMatchObject({ width: 320, height: 240, paused: false })
}

describe('LiveTalking photoreal adapter', () => {
  test("the service's video plays; a streamed answer's sentences reach /human one by one, in order, as echo", async () => {
    mock = await startLiveTalkingMock({ shape: 'lipku', sessionIds: 'int' })
    expect(await openKiosk(mock.url)).toEqual({ kind: 'photoreal', needsAudio: false })
    await expectVideoPlays()
    await page.locator('#photo').screenshot({ path: `${ROOT}/test-results/screenshots/digitalhuman-livetalking.png` })

    const answer = '您好！欢迎来到**杭州博物馆**。\n\n1. 导览图在一楼服务台[1]；\n2. 三楼有良渚玉器展。\n\nEnjoy your visit, and ask me anything.'
    const chunks = splitText(answer)
    await dh('turn')
    await dh('feed', chunks.slice(0, 6), false)
    await dh('feed', chunks.slice(6), true)
    await page.waitForFunction(() => (window as any).dh.log.results[0], undefined, { timeout: 30_000 })
    const expected = speechSentences(answer)
    const human = mock.events.filter((e) => e.path === '/human')
    expect(human.map((e) => e.text)).toEqual(expected)
    expect(human.every((e) => e.type === 'echo' && typeof e.sessionid === 'number')).toBe(true)
    expect(Math.max(...human.map((e) => e.inFlight!))).toBe(1)
    const l = await log()
    expect(l.subtitles.map((s: any) => s.text)).toEqual(expected)
    expect(l.spoken.map((s: any) => s.status)).toEqual(expected.map(() => 'played'))
    // It waited for the avatar to talk and fall silent.
    expect(l.speaking).toEqual([true, false])
    expect(l.results[0].status).toBe('done')
    expect(l.results[0].duration).toBeGreaterThan(0)
    expect(errors).toEqual([])
  })

  test.each(['lipku', 'fork'] as const)('%s: a new turn interrupts the old one first, and its sentences follow', async (shape) => {
    mock = await startLiveTalkingMock({ shape, msPerChar: 200 })
    await openKiosk(mock.url)
    await expectVideoPlays()
    await dh('turn')
    await dh('feed', ['The first turn is a long answer about the museum. ', 'It goes on and on. '], false)
    await page.waitForFunction(() => (window as any).dh.log.speaking.includes(true), undefined, { timeout: 20_000 })
    await until(() => mock!.sentences().length === 2, 'both sentences at the mock')
    // Barge-in, then the next turn.
    await dh('interrupt')
    await dh('turn')
    await dh('feed', ['Second turn here.'], true)
    await page.waitForFunction(() => (window as any).dh.log.results[1], undefined, { timeout: 30_000 })
    const l = await log()
    expect(l.results[0].status).toBe('interrupted')
    expect(l.results[1].status).toBe('done')
    const after = mock.events.slice(mock.events.findIndex((e) => e.path === '/human' && e.text === 'It goes on and on.') + 1)
    if (shape === 'lipku') expect(after.map((e) => e.path)).toEqual(['/interrupt_talk', '/human'])
    else expect(after.map((e) => e.path)).toEqual(['/human'])
    expect(after.at(-1)).toMatchObject({ text: 'Second turn here.', interrupt: true })
    // The fork has no /interrupt_talk: the one probe that finds that out is a 404 in the console.
    expect(errors.filter((e) => !(shape === 'fork' && e.includes('404')))).toEqual([])
  })

  test('a sentence the service refuses stays as a subtitle, the operator is told, and the rest is spoken', async () => {
    mock = await startLiveTalkingMock({ refuse: 'REFUSE' })
    await openKiosk(mock.url)
    await expectVideoPlays()
    await dh('turn')
    await dh('feed', ['The hall opens at nine. ', 'Please REFUSE this one. ', 'The cafe is upstairs.'], true)
    await page.waitForFunction(() => (window as any).dh.log.results[0], undefined, { timeout: 30_000 })
    const l = await log()
    expect(l.subtitles.map((s: any) => s.text)).toEqual(['The hall opens at nine.', 'Please REFUSE this one.', 'The cafe is upstairs.'])
    expect(l.spoken.map((s: any) => [s.text, s.status])).toEqual([
      ['Please REFUSE this one.', 'text-only'],
      ['The hall opens at nine.', 'played'],
      ['The cafe is upstairs.', 'played']
    ])
    expect(l.problems).toEqual([expect.stringMatching(/answered \/human with: tts failed/)])
    expect(mock.sentences()).toEqual(['The hall opens at nine.', 'Please REFUSE this one.', 'The cafe is upstairs.'])
    expect(l.results[0].status).toBe('done')
  })

  test('a restarted service: the client opens a new session, the sentence is spoken there and the video plays again', async () => {
    mock = await startLiveTalkingMock({ shape: 'fork', sessionIds: 'uuid' })
    await openKiosk(mock.url)
    await expectVideoPlays()
    await mock.restart()
    await dh('turn')
    await dh('feed', ['After the restart, I am back.'], true)
    await page.waitForFunction(() => (window as any).dh.log.results[0], undefined, { timeout: 30_000 })
    const l = await log()
    expect(l.sessions.map((s: any) => s.again)).toEqual([false, true])
    expect(mock.events.filter((e) => e.path === '/human').at(-1)).toMatchObject({ text: 'After the restart, I am back.', sessionid: l.sessions[1].id })
    expect(l.results[0].status).toBe('done')
    expect(mock.openSessions()).toBe(1)
    await expectVideoPlays()
  })

  test('a restarted service while nobody speaks: the client notices the lost connection and the video comes back on its own', async () => {
    mock = await startLiveTalkingMock({ shape: 'lipku' })
    await openKiosk(mock.url)
    await expectVideoPlays()
    await mock.restart()
    await page.waitForFunction(() => (window as any).dh.log.sessions.length === 2, undefined, { timeout: 40_000 })
    await expectVideoPlays()
    expect(mock.openSessions()).toBe(1)
  }, 60_000)

  test('an unreachable service: the built-in avatar speaks instead and the operator is told why', async () => {
    const closed = createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
    await new Promise((r) => closed.close(r))
    const started = await openKiosk(url)
    expect(started).toMatchObject({ kind: 'builtin', needsAudio: true })
    expect(started.message).toMatch(/photoreal avatar service at http:\/\/127\.0\.0\.1:\d+ cannot be reached.*built-in avatar speaks instead/)
    expect(await dh('hasBuiltin')).toBe(true)
    expect(errors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to fetch/.test(e))).toEqual([])
  })

  test('a session whose video never arrives (UDP blocked): the built-in avatar, and a hint to configure TURN', async () => {
    mock = await startLiveTalkingMock({ media: false })
    const started = await openKiosk(mock.url, 2000)
    expect(started).toMatchObject({ kind: 'builtin' })
    expect(started.message).toMatch(/sent no video.*TURN server \(iceServers\).*built-in avatar speaks instead/)
    expect(await dh('hasBuiltin')).toBe(true)
    // One try: a black video does not get better by opening session after session.
    expect(mock.events.filter((e) => e.path === '/offer')).toHaveLength(1)
  })

  test('a service at its session limit: the built-in avatar, and a message naming the limit', async () => {
    mock = await startLiveTalkingMock({ maxSessions: 0 })
    const started = await openKiosk(mock.url)
    expect(started).toMatchObject({ kind: 'builtin' })
    expect(started.message).toMatch(/session limit/)
    expect(await dh('hasBuiltin')).toBe(true)
  })
})
