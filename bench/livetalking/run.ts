// LiveTalking adapter figures in headless Chromium against the wrtc mock (tests/utils/livetalking-mock.ts):
// /offer round trip (ICE gathering included), first video frame, and the /human round trip of
// say() (what the adapter adds before the service can start a sentence). The mock answers at
// once, so these are the adapter's and WebRTC's own costs, not a real LiveTalking's.
//
//   npx tsx bench/livetalking/run.ts [--rounds 5] [--sentences 20]
import { parseArgs } from 'node:util'
import { launchBrowser, openPage } from '../../tests/utils/browser'
import { startLiveTalkingMock } from '../../tests/utils/livetalking-mock'
import { bundleForPage, PAGE_HTML, ROOT, servePage } from '../../tests/e2e/digitalhuman-page'

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, sentences: { type: 'string', default: '20' } } })

const ENTRY = `
import { LiveTalkingSpeaker } from '${ROOT}/digitalhuman/livetalking/presenter'
window.measure = async (url, n) => {
  const video = document.createElement('video')
  document.body.appendChild(video)
  const t0 = performance.now()
  const s = new LiveTalkingSpeaker({ video, service: { url } })
  await s.client.connect()
  const offer = performance.now() - t0
  await s.start()
  const firstFrame = performance.now() - t0
  const human = []
  for (let i = 0; i < n; i++) {
    const a = performance.now()
    await s.client.say('Sentence ' + i + '.')
    human.push(performance.now() - a)
  }
  s.close()
  return { offer, firstFrame, human }
}`

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]
const ms = (x: number) => `${x.toFixed(0)} ms`

async function main() {
  const mock = await startLiveTalkingMock()
  const { server, origin } = await servePage({ '/': ['text/html', PAGE_HTML], '/bundle.js': ['text/javascript', await bundleForPage(ENTRY)] })
  const browser = await launchBrowser()
  try {
    const { page } = await openPage(browser)
    const offers: number[] = []
    const frames: number[] = []
    const human: number[] = []
    for (let i = 0; i < Number(values.rounds); i++) {
      await page.goto(origin)
      const r = await page.evaluate(([u, n]) => (window as any).measure(u, n), [mock.url, Number(values.sentences)] as const)
      offers.push(r.offer)
      frames.push(r.firstFrame)
      human.push(...r.human)
    }
    const line = (name: string, xs: number[]) =>
      `${name.padEnd(24)} p50 ${ms(pct(xs, 50))}  p95 ${ms(pct(xs, 95))}  max ${ms(Math.max(...xs))}  (n=${xs.length})`
    process.stdout.write(
      [
        line('/offer → answer', offers),
        line('connect → first frame', frames),
        line('/human round trip', human),
        JSON.stringify({ offers, frames, human })
      ].join('\n') + '\n'
    )
  } finally {
    await browser.close()
    await mock.close()
    server.close()
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`)
    process.exit(1)
  }
)
