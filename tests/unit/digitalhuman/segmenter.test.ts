// The speech segmenter: a streamed Markdown answer → the sentences a voice reads, each as soon as
// it ends, whatever way the model's deltas cut the text.
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { markdownToSpeech } from '../../../digitalhuman/speech/markdown-speech'
import { SpeechSegmenter, speechSentences, speechWeight } from '../../../digitalhuman/speech/segmenter'

const ZH = [
  '## 参观指南',
  '',
  '您好！欢迎来到**杭州博物馆**。今天的开放时间是 9:00 到 17:00，周一闭馆[1]。',
  '',
  '1. 先到一楼服务台领取[导览图](https://example.com/map.pdf)；',
  '2. 再乘电梯到三楼看*良渚玉器*展。',
  '',
  '```js',
  'console.log("这段代码不要读出来。")',
  '```',
  '',
  '| 展厅 | 楼层 |',
  '|---|---|',
  '| 书画 | 二楼 |',
  '',
  '祝您参观愉快😊'
].join('\n')

const EN = [
  "Sure! Here's how to install it:",
  '',
  '- Run `npm install agenta` in your project.',
  '- Then call `start()`. See [the docs](https://docs.example.com/start?a=1) for details[^2].',
  '',
  '```ts',
  'const x = 1. // Never read. Ever!',
  '```',
  '> Note: Node 20 or newer is required, e.g. v20.19.',
  '',
  '---',
  '',
  'The price is $3.50 per month. Dr. Smith <b>agrees</b>. Visit https://example.com/pricing. Thanks!'
].join('\n')

const ZH_SENTENCES = [
  '参观指南。',
  '您好！欢迎来到杭州博物馆。',
  '今天的开放时间是 9:00 到 17:00，周一闭馆。',
  '先到一楼服务台领取导览图；',
  '再乘电梯到三楼看良渚玉器展。',
  '展厅，楼层。',
  '书画，二楼。',
  '祝您参观愉快。'
]
const EN_SENTENCES = [
  "Sure! Here's how to install it:",
  'Run npm install agenta in your project.',
  'Then call start().',
  'See the docs for details.',
  'Note: Node 20 or newer is required, e.g. v20.19.',
  'The price is $3.50 per month.',
  'Dr. Smith agrees.',
  'Visit. Thanks!'
]

/** Streams `text` cut at the given positions; returns what came out after each chunk and at the end. */
function stream(text: string, cuts: number[]): { perChunk: string[][]; all: string[] } {
  const seg = new SpeechSegmenter()
  const points = [...new Set(cuts.map((c) => Math.min(text.length, c)))].sort((a, b) => a - b)
  const perChunk: string[][] = []
  let from = 0
  for (const p of [...points, text.length]) {
    perChunk.push(seg.push(text.slice(from, p)))
    from = p
  }
  perChunk.push(seg.flush())
  return { perChunk, all: perChunk.flat() }
}

describe('speech segmenter', () => {
  test('a Chinese answer: punctuation ends sentences; headings, lists, links, citations, emphasis, code and tables are made speakable', () => {
    expect(speechSentences(ZH)).toEqual(ZH_SENTENCES)
  })

  test('an English answer: a period ends a sentence only before a space, not in 3.50, v20.19, e.g. or Dr.; URLs and tags are not read', () => {
    expect(speechSentences(EN)).toEqual(EN_SENTENCES)
  })

  test('any cutting of the stream into deltas gives the same sentences (mid-word, mid-link, mid-code-fence, mid-emoji)', () => {
    for (const text of [ZH, EN]) {
      const expected = speechSentences(text)
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 40 }), (cuts) => {
          // Cutting inside a surrogate pair is impossible for a real stream of strings: skip it.
          const safe = cuts.filter((c) => !/[\udc00-\udfff]/.test(text[c] ?? ''))
          expect(stream(text, safe).all).toEqual(expected)
        }),
        { numRuns: 300 }
      )
      // One character at a time: every cut at once.
      expect(
        stream(
          text,
          [...Array(text.length).keys()].filter((c) => !/[\udc00-\udfff]/.test(text[c]))
        ).all
      ).toEqual(expected)
    }
  })

  test('the first sentence comes out as soon as it ends, while the rest is still streaming', () => {
    const seg = new SpeechSegmenter()
    expect(seg.push('您好！欢迎来到杭州')).toEqual([])
    expect(seg.push('博物馆。今天')).toEqual(['您好！欢迎来到杭州博物馆。'])
    expect(seg.push('开放')).toEqual([])
    const en = new SpeechSegmenter()
    expect(en.push('The museum opens at nine')).toEqual([])
    // "nine." could still be "nine.5": the sentence ends once the space arrives.
    expect(en.push('.')).toEqual([])
    expect(en.push(' Tickets')).toEqual(['The museum opens at nine.'])
    expect(en.flush()).toEqual(['Tickets.'])
  })

  test('a code fence split across deltas is never read, and the optional phrase stands in for it once', () => {
    const chunks = ['Run this:\n`', '``', 'bash\nrm -rf /tmp/x.', ' Done!\n`', '``\nAll set, ', 'enjoy.']
    const seg = new SpeechSegmenter({ codePhrase: 'See the code on screen.' })
    const out = [...chunks.flatMap((c) => seg.push(c)), ...seg.flush()]
    expect(out).toEqual(['Run this: See the code on screen.', 'All set, enjoy.'])
    expect(out.join(' ')).not.toMatch(/rm|Done/)
    // An unclosed fence at the end of the answer is dropped too.
    expect(speechSentences('好的，请运行下面的命令：\n```\necho 你好。')).toEqual(['好的，请运行下面的命令：'])
  })

  test('short fragments join the next sentence; a long one breaks at a comma', () => {
    expect(speechSentences('好的。我来帮你查一下明天的天气。')).toEqual(['好的。我来帮你查一下明天的天气。'])
    expect(speechSentences('Yes. No. The hall opens at nine.')).toEqual(['Yes. No. The hall opens at nine.'])
    const long = '这个展厅收藏了从新石器时代到明清时期的各类文物，包括玉器、青铜器、瓷器和书画，其中最著名的是良渚文化的玉琮，它代表了五千年前中华文明的高度。'
    const parts = speechSentences(long, { maxLength: 40 })
    expect(parts.length).toBeGreaterThan(1)
    expect(parts.join('')).toBe(long)
  })

  test('a long run without any punctuation is still spoken in pieces while it streams, English cut between words', () => {
    for (const [unit, cjk] of [
      ['博物馆', true],
      ['word ', false]
    ] as const) {
      const seg = new SpeechSegmenter({ maxLength: 100 })
      const early: string[] = []
      const text = unit.repeat(2000)
      for (const ch of text) early.push(...seg.push(ch))
      const all = [...early, ...seg.flush()]
      // Spoken before the stream ended, in pieces no heavier than twice maxLength.
      expect(early.length).toBeGreaterThan(10)
      for (const s of all) expect(speechWeight(s)).toBeLessThanOrEqual(200)
      if (cjk) expect(all.join('')).toBe(text)
      else for (const s of all) expect(s).toMatch(/^(word )*word\.?$/)
    }
  })

  test('ellipses, closing quotes and repeated marks stay with their sentence', () => {
    expect(speechSentences('他说：“明天见！”然后就走了……真的吗？？是的。')).toEqual(['他说：“明天见！”', '然后就走了……', '真的吗？？是的。'])
    expect(speechSentences('She said "wait here." Then she left... Really?! Yes, really.')).toEqual([
      'She said "wait here."',
      'Then she left...',
      'Really?! Yes, really.'
    ])
  })

  test('markdownToSpeech keeps link and image text and drops what cannot be read', () => {
    expect(markdownToSpeech('![展厅地图](a.png) 见 [官网](https://x.cn)【3†source】 ~~旧价~~ 新价 &amp; 更多')).toBe('展厅地图 见 官网 旧价 新价 & 更多\n')
  })
})
