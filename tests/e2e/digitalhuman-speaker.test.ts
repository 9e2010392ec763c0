// The speaking pipeline in Chromium, end to end: a streamed answer → the segmenter → the speech
// queue → TTS (the page asks a small loopback server, which holds the key and calls the fake
// model server's /audio/speech through the OpenAI-compatible client) → the avatar speaker
// playing each sentence with moving lips and subtitles in order.
import type { Server } from 'node:http'
import OpenAI from 'openai'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { speechSentences } from '../../digitalhuman/speech/segmenter'
import { openAiTts } from '../../digitalhuman/speech/providers/openai-speech'
import { AppError } from '../../src-main/contract/errors'
import { launchBrowser, openPage } from '../utils/browser'
import { BROKEN_TTS_MODEL } from '../utils/fake-speech'
import { splitText, startFakeLlm, type FakeLlm } from '../utils/fake-llm'
import { bundleForPage, PAGE_HTML, ROOT, servePage } from './digitalhuman-page'

const KEY = 'sk-speaker-test'

const ENTRY = `
import { createAvatar } from '${ROOT}/digitalhuman/avatar/svg-avatar'
import { AvatarSpeaker } from '${ROOT}/digitalhuman/avatar/speaker'
import { SpeechQueue } from '${ROOT}/digitalhuman/speech/speech-queue'
import { SpeechSegmenter } from '${ROOT}/digitalhuman/speech/segmenter'

const log = { subtitles: [], spoken: [], problems: [], opens: [], streamed: 0, result: null, playing: 0, sources: [] }
let speaker
let feed

async function tts(text, signal) {
  const r = await fetch('/tts', { method: 'POST', body: text, signal })
  if (!r.ok) throw new Error(await r.text())
  return { audio: await r.arrayBuffer(), mime: r.headers.get('content-type') }
}

window.dh = {
  log,
  /** Starts speaking an answer that arrives through feed(); returns at once. */
  start() {
    const avatar = createAvatar(document.getElementById('stage'), { look: 'guide' })
    const queue = new SpeechQueue(tts)
    const seg = new SpeechSegmenter()
    speaker = new AvatarSpeaker(avatar, {
      onSentence: (s) => {
        log.subtitles.push({ ...s, streamed: log.streamed })
        // A visitor who speaks just as a sentence begins, before its audio has loaded.
        if (s.index === window.dh.interruptAt) speaker.interrupt()
      },
      onSpoken: (s) => log.spoken.push(s),
      onProblem: (p) => log.problems.push(String(p.error && p.error.message))
    })
    feed = (chunks, last) => {
      for (const c of chunks) {
        for (const s of seg.push(c)) queue.push(s)
        log.streamed++
      }
      if (last) {
        for (const s of seg.flush()) queue.push(s)
        queue.end()
      }
    }
    speaker.audio.addEventListener('playing', () => log.playing++)
    speaker.audio.addEventListener('loadedmetadata', () => log.sources.push(speaker.audio.currentSrc))
    speaker.speak(queue).then((r) => (log.result = r))
    const tick = () => {
      if (!speaker.audio.paused && !speaker.audio.ended) log.opens.push(Number(avatar.element.dataset.mouthOpen))
      if (!log.result) requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  },
  feed: (chunks, last) => feed(chunks, last),
  interrupt: () => speaker.interrupt(),
  interruptAt: null,
  mouth: () => document.querySelector('#stage svg').getAttribute('data-mouth-open'),
  paused: () => speaker.audio.paused
}
`

let llm: FakeLlm
let server: Server
let origin: string
let browser: Browser
let page: Page
let errors: string[]

beforeAll(async () => {
  llm = await startFakeLlm({ apiKey: KEY })
  const client = new OpenAI({ baseURL: llm.baseUrl, apiKey: KEY, maxRetries: 0 })
  const voice = openAiTts(client, { model: 'fake-tts', voice: 'alloy' })
  const broken = openAiTts(client, { model: BROKEN_TTS_MODEL, voice: 'alloy' })
  ;({ server, origin } = await servePage(
    { '/': ['text/html; charset=utf-8', PAGE_HTML], '/bundle.js': ['text/javascript', await bundleForPage(ENTRY)] },
    {
      // The main process's part: the key stays here, the page gets audio. "FAIL" picks the broken model.
      '/tts': async (_req, body) => {
        const text = body.toString('utf8')
        try {
          const speech = await (text.includes('FAIL') ? broken : voice).synthesize(text)
          return { type: speech.mime, body: speech.audio }
        } catch (err) {
          const e = err as AppError
          return { status: e.status, type: 'application/json', body: JSON.stringify(e.toBody()) }
        }
      }
    }
  ))
  browser = await launchBrowser()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await new Promise((r) => server?.close(r))
  await llm?.close()
})

async function freshPage() {
  if (page) await page.context().close()
  ;({ page, errors } = await openPage(browser))
  await page.goto(`${origin}/`)
  await page.waitForFunction(() => typeof (window as any).dh === 'object')
  // A click gives the page the user activation that autoplay needs (a kiosk gets it by flag).
  await page.click('#stage')
  await page.evaluate(() => (window as any).dh.start())
}

const feed = (chunks: string[], last = false) => page.evaluate(([c, l]) => (window as any).dh.feed(c, l), [chunks, last] as const)
const log = () => page.evaluate(() => (window as any).dh.log)

describe('avatar speaker', () => {
  test('the first sentence is spoken while the answer still streams; every sentence plays in order with moving lips and its subtitle', async () => {
    await freshPage()
    const answer = '您好！欢迎来到**杭州博物馆**。\n\n1. 导览图在一楼服务台[1]；\n2. 三楼有良渚玉器展。\n\nEnjoy your visit, and ask me anything.'
    const chunks = splitText(answer)
    const firstEnd =
      chunks.findIndex((_, i) =>
        chunks
          .slice(0, i + 1)
          .join('')
          .includes('博物馆**。')
      ) + 2
    llm.reset()
    await feed(chunks.slice(0, firstEnd))
    // Only the first sentence is complete, and it is already being spoken (a bounded wait).
    await page.waitForFunction(() => (window as any).dh.log.subtitles.length === 1, undefined, { timeout: 10_000 })
    await feed(chunks.slice(firstEnd), true)
    await page.waitForFunction(() => (window as any).dh.log.result, undefined, { timeout: 30_000 })
    const l = await log()
    const expected = speechSentences(answer)
    expect(l.subtitles.map((s: any) => s.text)).toEqual(expected)
    expect(l.subtitles[0].streamed).toBe(firstEnd)
    expect(l.spoken.map((s: any) => s.status)).toEqual(expected.map(() => 'played'))
    // TTS got the sentences in order, stripped of Markdown.
    expect(llm.requests.filter((r) => r.path === '/v1/audio/speech').map((r) => r.body.input)).toEqual(expected)
    expect(l.result.status).toBe('done')
    expect(l.result.duration).toBeGreaterThan(2)
    expect(Math.max(...l.opens)).toBeGreaterThan(0.5)
    expect(l.opens.filter((o: number) => o < 0.15).length).toBeGreaterThan(0)
    expect(await page.evaluate(() => (window as any).dh.mouth())).toBe('0.000')
    expect(errors).toEqual([])
  })

  test('a long-running speaker does not pile up media memory: each sentence plays from its own blob: URL, revoked once it is over', async () => {
    // Chromium lets go of a revoked blob: URL's media; each distinct data: URL would stay in the
    // page's document, about a clip's size, until a few hundred (bench/voice/README.md).
    await freshPage()
    await feed(['The hall opens at nine. ', 'The cafe is on the second floor.'], true)
    await page.waitForFunction(() => (window as any).dh.log.result, undefined, { timeout: 30_000 })
    const l = await log()
    expect(l.spoken.map((s: any) => s.status)).toEqual(['played', 'played'])
    expect(l.sources.map((u: string) => u.split(':')[0])).toEqual(['blob', 'blob'])
    expect(new Set(l.sources).size).toBe(2)
    expect(errors).toEqual([])
    // Revoked: the page can no longer read them (Chromium logs each refused read).
    const read = (urls: string[]) =>
      Promise.all(
        urls.map((u) =>
          fetch(u).then(
            () => 'read',
            () => 'refused'
          )
        )
      )
    expect(await page.evaluate(read, l.sources)).toEqual(['refused', 'refused'])
  })

  test('a sentence whose TTS fails is still shown as a subtitle, the operator is told, and the next sentence is spoken', async () => {
    await freshPage()
    await feed(['The hall opens at nine. ', 'This sentence will FAIL to speak. ', 'The cafe is on the second floor.'], true)
    await page.waitForFunction(() => (window as any).dh.log.result, undefined, { timeout: 30_000 })
    const l = await log()
    expect(l.subtitles.map((s: any) => s.text)).toEqual(['The hall opens at nine.', 'This sentence will FAIL to speak.', 'The cafe is on the second floor.'])
    expect(l.spoken.map((s: any) => s.status)).toEqual(['played', 'text-only', 'played'])
    expect(l.problems).toHaveLength(1)
    expect(l.problems[0]).toMatch(/Speech synthesis failed/)
    expect(errors.filter((e) => !e.includes('502'))).toEqual([])
  })

  test('barge-in: interrupt mid-answer stops the audio and the lips at once and speaks nothing more', async () => {
    await freshPage()
    await feed(['第一句话，介绍一下博物馆的历史。', '第二句话，说明展厅的位置。', '第三句话，不应该被说出来。'], true)
    await page.waitForFunction(() => (window as any).dh.log.subtitles.length === 2 && !(window as any).dh.paused(), undefined, { timeout: 20_000 })
    await page.evaluate(() => (window as any).dh.interrupt())
    expect(await page.evaluate(() => (window as any).dh.mouth())).toBe('0.000')
    expect(await page.evaluate(() => (window as any).dh.paused())).toBe(true)
    await page.waitForFunction(() => (window as any).dh.log.result, undefined, { timeout: 10_000 })
    const l = await log()
    expect(l.result.status).toBe('interrupted')
    expect(l.subtitles.map((s: any) => s.text)).toEqual(['第一句话，介绍一下博物馆的历史。', '第二句话，说明展厅的位置。'])
    expect(l.spoken.map((s: any) => s.status)).toEqual(['played', 'interrupted'])
    expect(errors).toEqual([])
  })

  test('barge-in while the next sentence loads: its audio never starts', async () => {
    await freshPage()
    await page.evaluate(() => ((window as any).dh.interruptAt = 1))
    await feed(['First sentence, about the museum. ', 'Second sentence, which must not be heard. ', 'Third sentence.'], true)
    // The result comes when speak() returns: the sentence that was loading or decoding when the visitor
    // spoke has been decided by then, and nothing after it can start. What it decided must be silence.
    await page.waitForFunction(() => (window as any).dh.log.result, undefined, { timeout: 20_000 })
    const l = await log()
    expect(l.result.status).toBe('interrupted')
    expect(l.playing).toBe(1)
    expect(await page.evaluate(() => (window as any).dh.paused())).toBe(true)
    expect(l.spoken.map((s: any) => s.status)).toEqual(['played', 'interrupted'])
  })
})
