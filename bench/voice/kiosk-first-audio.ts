// What the kiosk adds before a sentence is heard: against a fake TTS with a fixed latency, the
// round trip of /speech/synthesize as the page sees it (server + TTS) and the time from the audio
// bytes arriving to the <audio> element playing (decode, lips, play). Chromium, the server and the
// fake model server in one run.
//
//   npx electron-vite build            # the kiosk page is served from out/renderer
//   npx tsx bench/voice/kiosk-first-audio.ts [--rounds 20] [--tts-delay 100]
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { chromium } from 'playwright-core'
import { startServer } from '../../src-main/server'
import { bootRuntime } from '../../tests/utils/boot'
import { CHROMIUM_PATH } from '../../tests/utils/browser'
import { startFakeLlm } from '../../tests/utils/fake-llm'

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '20' }, 'tts-delay': { type: 'string', default: '100' } } })
const rounds = Number(values.rounds)
const ttsDelayMs = Number(values['tts-delay'])

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]

async function main() {
  const llm = await startFakeLlm({ speech: { ttsDelayMs } })
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
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required']
  })
  try {
    const provider = await api('/api/providers', { name: 'Fake', baseUrl: llm.baseUrl })
    const tts = await api('/api/models', { providerId: provider.id, modelId: 'fake-tts', type: 'tts' })
    const agent = await api('/api/agents', {
      providerId: provider.id,
      model: 'fake-chat',
      name: 'Bench',
      published: true,
      digitalHuman: { ttsModelId: tts.id }
    })
    const page = await browser.newPage()
    await page.goto(`${server.url}/kiosk/${agent.uuid}?lang=en`)
    const roundTrip: number[] = []
    const toPlaying: number[] = []
    for (let i = 0; i < rounds; i++) {
      llm.script({ text: 'Welcome to the hall of bronzes. The exit is behind you.' })
      await page.evaluate(() => {
        const audio = (document.querySelector('[data-testid=kiosk-audio-frame]') as HTMLIFrameElement).contentDocument!.querySelector('audio')!
        const w = window as unknown as { played: number }
        w.played = 0
        audio.addEventListener('playing', () => (w.played ||= performance.now()), { once: true })
        performance.clearResourceTimings()
      })
      await page.getByTestId('kiosk-input').fill(`question ${i}`)
      await page.getByTestId('kiosk-input').press('Enter')
      await page.waitForFunction(() => (window as unknown as { played: number }).played > 0)
      const [start, end, played] = await page.evaluate(() => {
        const synth = performance.getEntriesByType('resource').find((e) => e.name.includes('/speech/synthesize')) as PerformanceResourceTiming
        return [synth.startTime, synth.responseEnd, (window as unknown as { played: number }).played]
      })
      roundTrip.push(end - start)
      toPlaying.push(played - end)
      await page.waitForFunction(() => document.querySelector('[data-testid=kiosk]')?.getAttribute('data-state') === 'idle')
    }
    const row = (name: string, xs: number[]) => `${name.padEnd(44)} p50 ${pct(xs, 50).toFixed(0).padStart(5)} ms   p90 ${pct(xs, 90).toFixed(0).padStart(5)} ms`
    process.stdout.write(
      [
        `kiosk first audio: ${rounds} rounds, fake TTS latency ${ttsDelayMs} ms`,
        row('/speech/synthesize round trip (incl. TTS)', roundTrip),
        row('audio received → <audio> playing', toPlaying),
        row(
          'added over the TTS latency',
          roundTrip.map((r, i) => r - ttsDelayMs + toPlaying[i])
        )
      ].join('\n') + '\n'
    )
  } finally {
    await browser.close()
    await server.close()
    await booted.close()
    await llm.close()
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`)
  process.exit(1)
})
