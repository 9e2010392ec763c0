// A generated mixed English/Chinese corpus: Markdown, text and HTML files of 20–200 KB, written
// deterministically (same seed, same bytes), with queries drawn from what was written.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const HANZI =
  '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质各'
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'sto', 'val', 'qu', 'ter', 'bin', 'dra', 'zen', 'pho', 'lu', 'nex', 'cor', 'tas', 'vel', 'mun', 'ari', 'dos']

export interface Corpus {
  files: number
  bytes: number
  /** Queries that occur in the corpus: English word pairs and Chinese 4-character runs. */
  queries: { en: string[]; zh: string[] }
}

export function makeVocabulary(rand: () => number, size = 3000): string[] {
  const words = new Set<string>()
  while (words.size < size) {
    const n = 2 + Math.floor(rand() * 3)
    let w = ''
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(rand() * SYLLABLES.length)]
    words.add(w)
  }
  return [...words]
}

/** Words follow a Zipf-like law, as in real text, so that some terms are common and some rare. */
function zipfPicker(rand: () => number, n: number) {
  return () => Math.min(n - 1, Math.floor(n ** rand()) - 1)
}

export function paragraph(rand: () => number, vocab: string[], pick: () => number): { en: string; zh: string } {
  const words: string[] = []
  const len = 12 + Math.floor(rand() * 20)
  for (let i = 0; i < len; i++) words.push(vocab[pick()])
  const en = words.join(' ').replace(/^./, (c) => c.toUpperCase()) + '.'
  let zh = ''
  const zlen = 20 + Math.floor(rand() * 40)
  for (let i = 0; i < zlen; i++) zh += HANZI[Math.floor(HANZI.length ** rand()) - 1] ?? HANZI[0]
  // Chinese punctuation inside, so sentences and clauses split like real text.
  zh = zh.replace(/(.{8,14})/g, (m, _g, off: number) => (off % 3 === 0 ? `${m}，` : m)) + '。'
  return { en, zh }
}

export function writeCorpus(dir: string, mb: number, seed = 42): Corpus {
  mkdirSync(dir, { recursive: true })
  const rand = rng(seed)
  const vocab = makeVocabulary(rand)
  const pick = zipfPicker(rand, vocab.length)
  const target = mb * 1_048_576
  const queries: Corpus['queries'] = { en: [], zh: [] }
  let bytes = 0
  let files = 0
  while (bytes < target) {
    const size = Math.min(target - bytes, 20_000 + Math.floor(rand() * 180_000))
    const kind = rand()
    const ext = kind < 0.7 ? 'md' : kind < 0.9 ? 'txt' : 'html'
    const parts: string[] = []
    let length = 0
    let section = 0
    while (length < size) {
      const { en, zh } = paragraph(rand, vocab, pick)
      if (length === 0 || rand() < 0.08) {
        section++
        const heading = `${vocab[pick()]} ${section} ${zh.slice(0, 4)}`
        parts.push(ext === 'md' ? `## ${heading}` : ext === 'html' ? `<h2>${heading}</h2>` : heading.toUpperCase())
      }
      const text = rand() < 0.5 ? `${en} ${zh}` : `${zh}${en}`
      parts.push(ext === 'html' ? `<p>${text}</p>` : text)
      length += Buffer.byteLength(text) + 2
      if (queries.en.length < 400 && rand() < 0.01) queries.en.push(en.split(' ').slice(2, 4).join(' ').replace(/\.$/, ''))
      if (queries.zh.length < 400 && rand() < 0.01) queries.zh.push(zh.replace(/[，。]/g, '').slice(5, 9))
    }
    const body =
      ext === 'html'
        ? `<html><body><h1>File ${files}</h1>${parts.join('\n')}</body></html>`
        : `${ext === 'md' ? '# ' : ''}File ${files}\n\n${parts.join('\n\n')}\n`
    const sub = `d${Math.floor(files / 200)}`
    mkdirSync(join(dir, sub), { recursive: true })
    writeFileSync(join(dir, sub, `f${files}.${ext}`), body)
    bytes += Buffer.byteLength(body)
    files++
  }
  return { files, bytes, queries }
}
