// What the kiosk's renderer keeps per spoken sentence, shown without the kiosk: a bare page does one
// of the things the speaker does per sentence, again and again, on the same short WAV (a different
// last sample each time: every sentence is new audio), and prints the renderer's RSS (/proc) after a
// forced GC, so each suspect is measured alone in the same run conditions:
//
//   blob           load into one <audio> from a fresh blob: URL (revoked after loading)
//   data           load into one <audio> from a data: URL made by FileReader
//   data-js        load into one <audio> from a data: URL made in JS (btoa, no Blob or FileReader)
//   fresh-element  a new <audio> per clip, data: URL made by FileReader (the old one emptied)
//   same-data      load into one <audio> from the same data: URL every time (the bytes unchanged)
//   frame          as data, the <audio> in a same-origin <iframe> replaced every 20 clips (a visit)
//   reader         only make the data: URL with FileReader (no element)
//   offline-ctx    decode each clip in a new OfflineAudioContext (the lips' envelope, before the fix)
//   shared-ctx     decode each clip in one OfflineAudioContext kept for the page
//   wav-js         decode each clip's PCM in JS (digitalhuman/audio/wav.ts's decodeWav, bundled below)
//   fetch          fetch each clip from the server (a new URL each time), as /speech/synthesize answers
//   post           post each clip to the server, as /speech/transcribe gets an utterance
//
// --driver bare drives Chromium over CDP without Playwright (bare-cdp.ts): Playwright enables the
// Network domain, whose inspector buffer keeps fetched and loaded bodies; compare both drivers.
//
// With a load kind, --play also plays each loaded clip to its end (at 16× speed) and --decode
// new|shared|js also decodes it for the lips (a new OfflineAudioContext, one kept, or wav.ts), as
// the kiosk's speaker does per sentence.
//
//   npx tsx bench/voice/media-url-memory.ts [--kind data] [--loads 2000] [--step 250] [--play] [--decode new] [--driver bare]
import { createServer } from 'node:http'
import { parseArgs } from 'node:util'
import { decodeWav } from '../../digitalhuman/audio/wav'
import { AUTOPLAY, launchBrowser } from '../../tests/utils/browser'
import { openBarePage, rendererProcessesMb } from './bare-cdp'
import { fakeSpeechWav } from '../../tests/utils/fake-speech'

const KINDS = ['blob', 'data', 'data-js', 'fresh-element', 'same-data', 'frame', 'reader', 'offline-ctx', 'shared-ctx', 'wav-js', 'fetch', 'post'] as const
type Kind = (typeof KINDS)[number]
const { values } = parseArgs({
  options: {
    kind: { type: 'string', default: 'blob' },
    loads: { type: 'string', default: '2000' },
    step: { type: 'string', default: '250' },
    play: { type: 'boolean', default: false },
    decode: { type: 'string', default: 'none' },
    driver: { type: 'string', default: 'playwright' }
  }
})
if (!KINDS.includes(values.kind as Kind)) throw new Error(`--kind is one of ${KINDS.join(', ')}`)
const kind = values.kind as Kind
const play = values.play
const decode = values.decode as 'none' | 'new' | 'shared' | 'js'
if (!['none', 'new', 'shared', 'js'].includes(decode)) throw new Error('--decode is none, new, shared or js')
const bare = values.driver === 'bare'
const label = `${bare ? '[bare CDP] ' : '[playwright] '}${kind}${play ? ' --play' : ''}${decode !== 'none' ? ` --decode ${decode}` : ''}`
const wav = fakeSpeechWav('The exit is behind you, past the gift shop.')
const server = createServer((req, res) => {
  if (req.url?.startsWith('/wav')) return res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav)
  if (req.method === 'POST') return req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'))
  res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><audio id=a></audio>')
})
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`
// The page gets the same decoder the product uses (a plain function, no imports); tsx names
// functions with a __name helper that the page lacks.
const prelude = `window.__name = (f) => f; window.decodeWav = ${decodeWav.toString()}`
let evaluate: <A>(fn: (a: A) => Promise<void>, arg: A) => Promise<void>
let rendererMb: () => Promise<number>
let pressure: () => Promise<void>
let close: () => Promise<void>
if (bare) {
  // Playwright's evaluate counts as a gesture, bare CDP's does not: sound plays with no gesture, as on a kiosk.
  const page = await openBarePage(url, [AUTOPLAY])
  await page.evaluate(prelude)
  evaluate = (fn, arg) => page.evaluate(`(${fn.toString()})(${JSON.stringify(arg)})`)
  rendererMb = () => page.rendererMb()
  pressure = () => page.send('Memory.simulatePressureNotification', { level: 'critical' })
  close = () => page.close()
} else {
  const browser = await launchBrowser()
  const page = await browser.newPage()
  await page.goto(url)
  await page.evaluate(prelude)
  const cdp = await page.context().newCDPSession(page)
  const browserCdp = await browser.newBrowserCDPSession()
  evaluate = (fn, arg) => page.evaluate(fn as never, arg)
  rendererMb = async () => {
    await cdp.send('HeapProfiler.collectGarbage')
    return rendererProcessesMb((method) => browserCdp.send(method))
  }
  pressure = async () => void (await cdp.send('Memory.simulatePressureNotification', { level: 'critical' }))
  close = () => browser.close()
}
const loads = Number(values.loads)
const step = Number(values.step)
const first = await rendererMb()
const mbs = [first]
process.stdout.write(`${label}: 0 → ${first.toFixed(1)} MB\n`)
for (let done = 0; done < loads; done += step) {
  await evaluate(
    async ({ kind, step, done, play, decode }: { kind: Kind; step: number; done: number; play: boolean; decode: string }) => {
      const w = window as unknown as { decodeWav(b: Uint8Array): { samples: Float32Array }; shared?: OfflineAudioContext; sink?: number }
      const bytes = new Uint8Array(await (await fetch('/wav')).arrayBuffer())
      let audio = document.getElementById('a') as HTMLAudioElement
      const viaReader = (blob: Blob) =>
        new Promise<string>((resolve) => {
          const reader = new FileReader()
          reader.onload = () => resolve(reader.result as string)
          reader.readAsDataURL(blob)
        })
      const viaJs = (b: Uint8Array) => {
        let s = ''
        for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000))
        return `data:audio/wav;base64,${btoa(s)}`
      }
      const decodeClip = async (b: Uint8Array) => {
        if (decode === 'js') return (w.sink = w.decodeWav(b.slice()).samples.length)
        const ctx = decode === 'shared' ? (w.shared ??= new OfflineAudioContext(1, 1, 44100)) : new OfflineAudioContext(1, 1, 44100)
        w.sink = (await ctx.decodeAudioData(b.slice().buffer)).getChannelData(0).length
      }
      for (let i = 0; i < step; i++) {
        const n = done + i
        if (kind !== 'same-data') {
          bytes[bytes.length - 2] = n & 0xff
          bytes[bytes.length - 1] = (n >> 8) & 0x7f
        }
        if (kind === 'frame' && (n % 20 === 0 || !document.querySelector('iframe'))) {
          document.querySelector('iframe')?.remove()
          const frame = document.createElement('iframe')
          document.body.append(frame)
          audio = frame.contentDocument!.createElement('audio')
          frame.contentDocument!.body.append(audio)
        } else if (kind === 'frame') audio = document.querySelector('iframe')!.contentDocument!.querySelector('audio')!
        const blob = new Blob([bytes], { type: 'audio/wav' })
        if (kind === 'offline-ctx' || kind === 'shared-ctx') {
          const ctx = kind === 'shared-ctx' ? (w.shared ??= new OfflineAudioContext(1, 1, 44100)) : new OfflineAudioContext(1, 1, 44100)
          const buffer = await ctx.decodeAudioData(bytes.slice().buffer)
          w.sink = buffer.getChannelData(0).length
          continue
        }
        if (kind === 'wav-js') {
          w.sink = w.decodeWav(bytes.slice()).samples.length
          continue
        }
        if (kind === 'fetch') {
          w.sink = (await (await fetch(`/wav?${n}`)).arrayBuffer()).byteLength
          continue
        }
        if (kind === 'post') {
          w.sink = (await (await fetch('/post', { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: blob })).json()) ? 1 : 0
          continue
        }
        if (kind === 'reader') {
          w.sink = (await viaReader(blob)).length
          continue
        }
        const url = kind === 'blob' ? URL.createObjectURL(blob) : kind === 'data-js' ? viaJs(bytes) : await viaReader(blob)
        if (kind === 'fresh-element') {
          audio.removeAttribute('src')
          audio.load()
          audio.remove()
          audio = document.createElement('audio')
          audio.id = 'a'
          document.body.append(audio)
        }
        audio.src = url
        await new Promise((r) => (audio.onloadedmetadata = r))
        if (kind === 'blob') URL.revokeObjectURL(url)
        if (decode !== 'none') await decodeClip(bytes)
        if (play) {
          audio.playbackRate = 16
          await audio.play()
          await new Promise((r) => (audio.onended = r))
        }
      }
    },
    { kind, step, done, play, decode }
  )
  mbs.push(await rendererMb())
  process.stdout.write(`${done + step} → ${mbs.at(-1)!.toFixed(1)} MB\n`)
}
// The first steps warm up (code, caches, the allocator's first pages): the slope over the second
// half is what a page speaking all day pays per sentence.
const mid = Math.floor((mbs.length - 1) / 2)
const perClip = (from: number) => ((mbs.at(-1)! - mbs[from]) / ((mbs.length - 1 - from) * step)) * 1024
process.stdout.write(
  `renderer RSS by loads (${label}): ${mbs.map((m) => m.toFixed(0)).join(' → ')} MB; ` +
    `${perClip(1).toFixed(0)} KB a clip after the first ${step}, ${perClip(mid).toFixed(0)} KB over the last ${(mbs.length - 1 - mid) * step}\n`
)
// What of it Chromium gives back when the system is short of memory (its caches and the allocator's
// free pages are purged then; what stays is held by something).
await pressure()
await new Promise((r) => setTimeout(r, 3000))
process.stdout.write(`after a critical memory-pressure signal: ${(await rendererMb()).toFixed(1)} MB\n`)
await close()
server.close()
