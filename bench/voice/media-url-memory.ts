// What the kiosk's renderer kept per spoken sentence, shown without the kiosk: a bare page loads the
// same short WAV into one <audio> element again and again, from a fresh blob: URL (revoked after
// loading) or from a data: URL, and prints the renderer's RSS (/proc) after a forced GC.
//
//   npx tsx bench/voice/media-url-memory.ts [--kind blob|data] [--loads 2000] [--step 250]
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { parseArgs } from 'node:util'
import { launchBrowser } from '../../tests/utils/browser'
import { fakeSpeechWav } from '../../tests/utils/fake-speech'

const { values } = parseArgs({
  options: { kind: { type: 'string', default: 'blob' }, loads: { type: 'string', default: '2000' }, step: { type: 'string', default: '250' } }
})
const kind = values.kind === 'data' ? 'data' : 'blob'
const wav = fakeSpeechWav('The exit is behind you, past the gift shop.')
const server = createServer((req, res) => {
  if (req.url === '/wav') return res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav)
  res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><audio id=a></audio>')
})
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
const browser = await launchBrowser()
const page = await browser.newPage()
await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`)
const cdp = await page.context().newCDPSession(page)
const browserCdp = await browser.newBrowserCDPSession()
const rendererMb = async () => {
  await cdp.send('HeapProfiler.collectGarbage')
  const { processInfo } = (await browserCdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] }
  let kb = 0
  for (const p of processInfo.filter((x) => x.type === 'renderer')) kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p.id}/status`, 'utf8'))?.[1] ?? 0)
  return (kb / 1024).toFixed(1)
}
const loads = Number(values.loads)
const step = Number(values.step)
const row = [`${kind}: 0 → ${await rendererMb()} MB`]
for (let done = 0; done < loads; done += step) {
  await page.evaluate(
    async ({ kind, step, done }) => {
      const bytes = new Uint8Array(await (await fetch('/wav')).arrayBuffer())
      const audio = document.getElementById('a') as HTMLAudioElement
      for (let i = 0; i < step; i++) {
        // A different last sample each time: every load is new audio, as every sentence is.
        const n = done + i
        bytes[bytes.length - 2] = n & 0xff
        bytes[bytes.length - 1] = (n >> 8) & 0x7f
        const blob = new Blob([bytes], { type: 'audio/wav' })
        const url =
          kind === 'blob'
            ? URL.createObjectURL(blob)
            : await new Promise<string>((resolve) => {
                const reader = new FileReader()
                reader.onload = () => resolve(reader.result as string)
                reader.readAsDataURL(blob)
              })
        audio.src = url
        await new Promise((r) => (audio.onloadedmetadata = r))
        if (kind === 'blob') URL.revokeObjectURL(url)
      }
    },
    { kind, step, done }
  )
  row.push(`${done + step} → ${await rendererMb()} MB`)
  process.stdout.write(`${row.at(-1)}\n`)
}
process.stdout.write(`renderer RSS by loads, ${row.join(', ')}\n`)
await browser.close()
server.close()
