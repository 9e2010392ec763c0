// The offline voice's two engines on this machine: espeak-ng compiled to wasm (the optional npm
// package, in a worker thread) against the espeak-ng program, in one run. Per engine: the first
// sentence (the wasm build compiles its 18 MB module then), then p50/p90 of the following ones,
// and the event loop's worst delay while they were spoken (what a streaming turn would feel).
//
//   npx tsx bench/speech/espeak-engines.ts [--rounds 20]
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { wavDuration } from '../../digitalhuman/audio/wav'
import { espeakTts } from '../../digitalhuman/speech/providers/espeak-tts'
import { stopEspeakWasm } from '../../digitalhuman/speech/providers/espeak-wasm'

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '20' } } })
const rounds = Number(values.rounds)
const SENTENCES = ['您好，欢迎光临博物馆。', 'The guided tour starts at ten in the main hall.', '请问您需要什么帮助？', 'Thank you, and enjoy your visit.']
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]

async function measure(engine: 'wasm' | 'program') {
  const tts = espeakTts({ engine })
  let t = performance.now()
  const first = await tts.synthesize(SENTENCES[0])
  const firstMs = performance.now() - t
  const times: number[] = []
  let audio = wavDuration(first.audio)
  const loop = monitorEventLoopDelay({ resolution: 5 })
  loop.enable()
  for (let i = 0; i < rounds; i++) {
    t = performance.now()
    const s = await tts.synthesize(SENTENCES[i % SENTENCES.length])
    times.push(performance.now() - t)
    audio += wavDuration(s.audio)
  }
  loop.disable()
  return { firstMs, p50: pct(times, 50), p90: pct(times, 90), loopMaxMs: loop.max / 1e6, audio }
}

const rss0 = process.memoryUsage().rss
const program = await measure('program')
const wasm = await measure('wasm')
const rss = (process.memoryUsage().rss - rss0) / 1e6
await stopEspeakWasm()
const row = (name: string, r: typeof wasm) =>
  `${name.padEnd(8)} first ${r.firstMs.toFixed(0).padStart(5)} ms   p50 ${r.p50.toFixed(0).padStart(4)} ms   p90 ${r.p90.toFixed(0).padStart(4)} ms   event loop max ${r.loopMaxMs.toFixed(0).padStart(4)} ms   ${r.audio.toFixed(1)} s of audio`
console.log(`${rounds} sentences after the first (Chinese and English in turn)`)
console.log(row('program', program))
console.log(row('wasm', wasm))
console.log(
  `wasm / program: first ×${(wasm.firstMs / program.firstMs).toFixed(1)}, p50 ×${(wasm.p50 / program.p50).toFixed(2)}, p90 ×${(wasm.p90 / program.p90).toFixed(2)}`
)
console.log(`RSS growth over both runs: ${rss.toFixed(0)} MB`)
