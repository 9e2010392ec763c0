// Segmenter cost on streamed answers (a figure, not a test): npx tsx digitalhuman/speech/tools/segmenter-speed.ts
import { visemeTrack } from '../../lipsync/track'
import { SpeechSegmenter } from '../segmenter'

function run(name: string, text: string, step: number): void {
  const t0 = performance.now()
  const seg = new SpeechSegmenter()
  let n = 0
  for (let i = 0; i < text.length; i += step) n += seg.push(text.slice(i, i + step)).length
  n += seg.flush().length
  const ms = performance.now() - t0
  process.stdout.write(`${name}: ${text.length} chars, ${n} sentences, ${ms.toFixed(1)} ms (${((ms / text.length) * step * 1000).toFixed(1)} µs a delta)\n`)
}

const para = '欢迎来到杭州博物馆，这里收藏了从新石器时代到明清时期的各类文物，包括玉器、青铜器、瓷器和书画。'
run('Chinese answer, 2-character deltas', `${para}\n\n`.repeat(80), 2)
run('English answer with Markdown, 6-character deltas', 'The museum opens at nine, and the [map](https://x.y/map) is at the **front desk**. '.repeat(50), 6)
run('run-on Chinese line without punctuation, 1-character deltas', '博物馆'.repeat(7000), 1)
run('run-on English line without punctuation, 1-character deltas', 'word '.repeat(4000), 1)
const t0 = performance.now()
for (let i = 0; i < 1000; i++) visemeTrack(para, 6)
process.stdout.write(`visemeTrack of a ${para.length}-character sentence: ${((performance.now() - t0) / 1000).toFixed(3)} ms\n`)
