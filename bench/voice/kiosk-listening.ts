// The kiosk listening, timed: a visitor's voice (espeak-ng through Chromium's fake microphone,
// looping) interrupts the avatar again and again. Per round: visitor speech onset → the avatar
// silent (barge-in; target < 300 ms) and end of the visitor's utterance → the turn request
// (/chat-message; target < 700 ms). Then, with --soak-minutes, a scripted kiosk soak (visitor →
// answer → idle reset, repeated) reporting the renderer's and the server's memory growth.
// Chromium, the server and the fake model server (instant ASR, TTS with a fixed latency) in one run.
//
//   npx electron-vite build            # the kiosk page and the VAD files come from out/renderer
//   node --expose-gc --import tsx bench/voice/kiosk-listening.ts [--rounds 20] [--soak-minutes 30] [--soak-driver bare|playwright]
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { Page } from 'playwright-core'
import { startServer } from '../../src-main/server'
import { bootRuntime } from '../../tests/utils/boot'
import { startFakeLlm } from '../../tests/utils/fake-llm'
import { launchWithMic, micArgs, micTrack } from '../../tests/utils/fake-mic'
import { openBarePage, rendererProcessesMb } from './bare-cdp'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '20' },
    'soak-minutes': { type: 'string', default: '0' },
    'tts-delay': { type: 'string', default: '100' },
    'soak-driver': { type: 'string', default: 'bare' }
  }
})
const rounds = Number(values.rounds)
const soakMinutes = Number(values['soak-minutes'])
const ttsDelayMs = Number(values['tts-delay'])
/** The detector's wait after speech before it ends an utterance (listening.ts VAD_TUNING.redemptionMs). */
const REDEMPTION_MS = 600

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]
const row = (name: string, xs: number[], target?: number) =>
  !xs.length
    ? `${name.padEnd(48)} no samples`
    : `${name.padEnd(48)} p50 ${pct(xs, 50).toFixed(0).padStart(5)} ms   p90 ${pct(xs, 90).toFixed(0).padStart(5)} ms` +
      (target ? `   p50/target ${(pct(xs, 50) / target).toFixed(2)} (target ${target} ms)` : '')

/**
 * Watches the page: the microphone's own samples (a second listener on the stream the VAD opens)
 * give the visitor's speech onset and end as the page receives them; the <audio> element's pause
 * is the avatar falling silent; fetch() starts of /chat-message are the turn requests.
 */
const WATCH = `(() => {
  const w = window
  w.bench = { onsets: [], ends: [], pauses: [], chats: [], listening: [], resumed: 0 }
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices)
  navigator.mediaDevices.getUserMedia = async (c) => {
    const stream = await gum(c)
    const ctx = new AudioContext()
    const tap = ctx.createScriptProcessor(256, 1, 1)
    let loud = false, lastLoud = 0
    tap.onaudioprocess = (e) => {
      const x = e.inputBuffer.getChannelData(0)
      let s = 0
      for (let i = 0; i < x.length; i++) s += x[i] * x[i]
      const now = performance.now()
      // Onset: above -40 dBFS after at least 400 ms below it; end: 400 ms below after speech.
      if (s / x.length > 1e-4) {
        if (!loud && now - lastLoud > 400) w.bench.onsets.push(now - (x.length / ctx.sampleRate) * 1000)
        loud = true
        lastLoud = now
      } else if (loud && now - lastLoud > 400) {
        loud = false
        w.bench.ends.push(lastLoud)
      }
    }
    ctx.createMediaStreamSource(stream).connect(tap)
    tap.connect(ctx.destination)
    return stream
  }
  const f = w.fetch.bind(w)
  w.fetch = (input, init) => {
    if (String(input).endsWith('/chat-message')) w.bench.chats.push(performance.now())
    return f(input, init)
  }
  addEventListener('DOMContentLoaded', () => {
    let pausedSrc = ''
    // The avatar's voice plays in a frame the kiosk renews (digitalhuman/audio/framed-audio.ts):
    // every new frame's <audio> is watched.
    const hook = (frame) => {
      const audio = frame.contentDocument.querySelector('audio')
      audio.addEventListener('pause', () => {
        if (audio.ended) return
        w.bench.pauses.push(performance.now())
        pausedSrc = audio.src
      })
      // The same sentence going on after a pause: a hold that did not become a barge-in.
      audio.addEventListener('play', () => { if (pausedSrc && audio.src === pausedSrc) w.bench.resumed++; pausedSrc = '' })
    }
    const root = document.querySelector('[data-testid=kiosk]')
    root.querySelectorAll('[data-testid=kiosk-audio-frame]').forEach(hook)
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) if (n.dataset?.testid === 'kiosk-audio-frame') hook(n)
    }).observe(root, { childList: true })
    new MutationObserver(() => root.dataset.state === 'listening' && w.bench.listening.push(performance.now())).observe(root, { attributes: true, attributeFilter: ['data-state'] })
  })
})()`

interface Watched {
  onsets: number[]
  ends: number[]
  pauses: number[]
  chats: number[]
  listening: number[]
  resumed: number
}

const after = (xs: number[], t: number) => xs.find((x) => x >= t)

async function main() {
  const llm = await startFakeLlm({ speech: { ttsDelayMs, heard: 'Where is the exit?' } })
  const booted = await bootRuntime()
  const server = await startServer(booted.runtime, {
    host: '127.0.0.1',
    port: 0,
    token: 'bench',
    rendererDir: resolve(import.meta.dirname, '../../out/renderer')
  })
  const api = async (path: string, body: unknown) => {
    const res = await fetch(server.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
      body: JSON.stringify(body)
    })
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`)
    return (await res.json()) as { id: string; uuid: string }
  }
  const provider = await api('/api/providers', { name: 'Fake', baseUrl: llm.baseUrl })
  const tts = await api('/api/models', { providerId: provider.id, modelId: 'fake-tts', type: 'tts' })
  await api('/api/models', { providerId: provider.id, modelId: 'fake-asr', type: 'stt' })
  const agent = await api('/api/agents', {
    providerId: provider.id,
    model: 'fake-chat',
    name: 'Bench',
    published: true,
    welcomeMessage: 'Welcome to the City Museum!',
    digitalHuman: { ttsModelId: tts.id }
  })
  const out: string[] = []

  // Part 1: barge-in and end of utterance. The visitor speaks every 7 s (the file loops); every
  // answer is long, so the avatar is always talking when the visitor starts again.
  {
    const long = Array.from({ length: 6 }, (_, i) => `This is sentence number ${i + 1} of a long tour.`).join(' ')
    llm.script(...Array.from({ length: rounds + 5 }, () => ({ text: long })))
    const track = micTrack([{ silence: 5.5 }, { say: 'Excuse me, where is the exit?' }])
    const browser = await launchWithMic(track)
    const page = await browser.newPage()
    await page.addInitScript(WATCH)
    await page.goto(`${server.url}/kiosk/${agent.uuid}?lang=en`)
    await page.waitForFunction(() => document.querySelector('[data-testid=kiosk-live]')?.getAttribute('data-live') === 'on', null, { timeout: 60_000 })
    // The first answer starts the avatar talking; the visitor keeps interrupting it from then on.
    await page.getByTestId('kiosk-input').fill('Tell me about the museum')
    await page.getByTestId('kiosk-input').press('Enter')
    const cycleMs = track.seconds * 1000
    await page.waitForTimeout(cycleMs * (rounds + 1) + 3000)
    const w = (await page.evaluate(() => (window as unknown as { bench: Watched }).bench)) as Watched
    const bargeIn: number[] = []
    const detect: number[] = []
    const toTurn: number[] = []
    for (const onset of w.onsets) {
      const paused = after(w.pauses, onset)
      const listening = after(w.listening, onset)
      // Only onsets that came while the avatar talked and were followed by silence within the cycle.
      if (paused !== undefined && paused - onset < 2000) bargeIn.push(paused - onset)
      if (listening !== undefined && listening - onset < 2000) detect.push(listening - onset)
    }
    for (const end of w.ends) {
      const chat = after(w.chats, end)
      if (chat !== undefined && chat - end < 3000) toTurn.push(chat - end)
    }
    out.push(
      `kiosk listening: ${w.onsets.length} visitor utterances over the avatar, fake TTS latency ${ttsDelayMs} ms; ` +
        `${w.resumed} pauses resumed (a hold that was not a barge-in)`,
      row('speech onset → VAD counts it (state listening)', detect),
      row('speech onset → avatar silent (barge-in)', bargeIn, 300),
      row('end of utterance → turn request (/chat-message)', toTurn, 700),
      row(
        `  of which beyond the detector's ${REDEMPTION_MS} ms silence wait`,
        toTurn.map((x) => x - REDEMPTION_MS)
      )
    )
    process.stdout.write(out.join('\n') + '\n')
    await browser.close()
  }

  // Part 2: the soak. Visitor → answer → idle reset (greeting) → the next visitor, for N minutes.
  // Driven over bare CDP (bare-cdp.ts), not Playwright: Playwright enables the Network domain,
  // whose inspector buffer keeps every /speech/synthesize answer (~1 MB a minute here) and would be
  // measured as the kiosk's (`--soak-driver playwright` measures it that way, for comparison).
  if (soakMinutes > 0) {
    llm.reset()
    const idle = 3
    llm.script(...Array.from({ length: Math.ceil(soakMinutes * 10) + 20 }, () => ({ text: 'The exit is behind you, past the gift shop.' })))
    const track = micTrack([{ say: 'Excuse me, where is the exit?' }, { silence: 11 }])
    const url = `${server.url}/kiosk/${agent.uuid}?lang=en&idle=${idle}`
    let evaluate: <T>(expression: string) => Promise<T>
    let send: (method: string, params?: object) => Promise<any>
    let rendererRss: () => Promise<number>
    let closeBrowser: () => Promise<void>
    if (values['soak-driver'] === 'playwright') {
      const browser = await launchWithMic(track)
      const page: Page = await browser.newPage()
      const cdp = await page.context().newCDPSession(page)
      const browserCdp = await browser.newBrowserCDPSession()
      await page.goto(url)
      evaluate = (expression) => page.evaluate(expression)
      send = (method, params) => cdp.send(method as 'Performance.enable', params)
      rendererRss = () => rendererProcessesMb((method) => browserCdp.send(method))
      closeBrowser = () => browser.close()
    } else {
      const page = await openBarePage(url, micArgs(track))
      evaluate = page.evaluate
      send = page.send
      rendererRss = page.rendererMb
      closeBrowser = page.close
    }
    await send('Performance.enable')
    const live = `document.querySelector('[data-testid=kiosk-live]')?.getAttribute('data-live') === 'on'`
    for (let t = Date.now(); !(await evaluate<boolean>(live).catch(() => false));) {
      if (Date.now() - t > 60_000) throw new Error('the kiosk did not start listening within 60 s')
      await sleep(500)
    }
    const gc = (globalThis as { gc?: () => void }).gc
    const measure = async () => {
      await send('HeapProfiler.collectGarbage')
      const { metrics } = await send('Performance.getMetrics')
      const m = Object.fromEntries(metrics.map((x: { name: string; value: number }) => [x.name, x.value]))
      gc?.()
      const mem = process.memoryUsage()
      const resets = Number(await evaluate<string>(`document.querySelector('[data-testid=kiosk]').dataset.reset ?? '0'`))
      return {
        heap: m.JSHeapUsedSize as number,
        renderer: (await rendererRss()) * 1048576,
        nodes: m.Nodes as number,
        listeners: m.JSEventListeners as number,
        rss: mem.rss,
        serverHeap: mem.heapUsed,
        resets
      }
    }
    // Warm-up before the baseline (caches, JIT, the model's first runs, wasm memory at its peak):
    // a minute, or two visitor cycles if longer.
    await sleep(Math.max(60_000, track.seconds * 2000))
    const base = await measure()
    const started = Date.now()
    const samples = [base]
    while (Date.now() - started < soakMinutes * 60_000) {
      await sleep(Math.min(60_000, soakMinutes * 60_000 - (Date.now() - started)))
      samples.push(await measure())
    }
    const end = samples.at(-1)!
    const chats = llm.requests.filter((r) => r.path === '/v1/chat/completions').length
    const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`
    const growth = (a: number, b: number) => `${(((b - a) / a) * 100).toFixed(1)}%`
    const soak = [
      `kiosk soak (${values['soak-driver'] === 'playwright' ? 'Playwright, Network domain on' : 'bare CDP'}): ${soakMinutes} min, ${chats} answered visitors, ${end.resets - base.resets} idle resets after warm-up`,
      `renderer processes RSS        ${mb(base.renderer)} → ${mb(end.renderer)}   growth ${growth(base.renderer, end.renderer)} (target < 10%)`,
      `renderer JS heap (after GC)   ${mb(base.heap)} → ${mb(end.heap)}   growth ${growth(base.heap, end.heap)}`,
      `renderer DOM nodes            ${base.nodes} → ${end.nodes}   listeners ${base.listeners} → ${end.listeners}`,
      `server process RSS            ${mb(base.rss)} → ${mb(end.rss)}   growth ${growth(base.rss, end.rss)} (target < 10%)`,
      `server JS heap (after GC)     ${mb(base.serverHeap)} → ${mb(end.serverHeap)}   growth ${growth(base.serverHeap, end.serverHeap)}`,
      `per minute: renderer RSS MB   ${samples.map((x) => (x.renderer / 1048576).toFixed(0)).join(' ')}`,
      `            renderer heap MB  ${samples.map((x) => (x.heap / 1048576).toFixed(1)).join(' ')}`,
      `            JS listeners      ${samples.map((x) => x.listeners).join(' ')}`
    ]
    process.stdout.write(soak.join('\n') + '\n')
    await closeBrowser()
  }
  await server.close()
  await booted.close()
  await llm.close()
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`)
  process.exit(1)
})
