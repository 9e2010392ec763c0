// A streamed answer → sentences to speak, each as soon as it ends, so the first sentence is spoken
// while the rest still streams. Pure TypeScript (no node:*): the core and the renderer both use it.
import { MarkdownSpeechFilter, type MarkdownSpeechOptions } from './markdown-speech'

export interface SegmenterOptions extends MarkdownSpeechOptions {
  /** Sentences lighter than this (a CJK character weighs 2, a letter or digit 1) join the next one. */
  minLength?: number
  /** A sentence heavier than this ends at its next comma or colon, so speech starts sooner. */
  maxLength?: number
}

const CJK_TERMINATORS = '。！？；…'
const ASCII_TERMINATORS = '.!?;'
const TERMINATORS = CJK_TERMINATORS + ASCII_TERMINATORS + '！？；'
const CLOSERS = '”’」』）)]"\'》】'
const SOFT_BREAKS = '，,、：:'
const CJK = /[\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]/
// A period after these ends an abbreviation, not a sentence.
const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'vs', 'etc', 'e.g', 'i.e', 'no', 'fig', 'inc', 'ltd', 'co', 'approx'])

/** How much speech a piece of text holds: a CJK character is about two letters' worth. */
export function speechWeight(s: string): number {
  let n = 0
  for (const ch of s)
    if (CJK.test(ch)) n += 2
    else if (/[\p{L}\p{N}]/u.test(ch)) n += 1
  return n
}

const isSpace = (ch: string) => /\s/.test(ch)

function joinSentences(a: string, b: string): string {
  if (!a) return b
  if (!b) return a
  return CJK.test(a[a.length - 1]) || CJK.test(b[0] ?? '') || /[。！？；，]$/.test(a) ? a + b : `${a} ${b}`
}

/** A hard break ends a line that may lack punctuation (a heading, a list item): give TTS its pause. */
function closeLine(s: string): string {
  if (!s || /[\p{P}\p{S}]$/u.test(s)) return s
  return s + (CJK.test(s[s.length - 1]) ? '。' : '.')
}

/** Splits speakable text (hard breaks as '\n') into sentences as it arrives. */
export class SentenceSplitter {
  private buf = ''
  private carry = ''
  private scanPos = 0
  private scanWeight = 0
  private readonly minLength: number
  private readonly maxLength: number

  constructor(opts: Pick<SegmenterOptions, 'minLength' | 'maxLength'> = {}) {
    this.minLength = opts.minLength ?? 8
    this.maxLength = opts.maxLength ?? 160
  }

  push(text: string): string[] {
    this.buf += text
    return this.drain(false)
  }

  flush(): string[] {
    const out = this.drain(true)
    const last = this.take(this.buf, false)
    this.buf = ''
    const rest = joinSentences(this.carry, last)
    this.carry = ''
    if (speechWeight(rest) > 0) out.push(rest)
    return out
  }

  private drain(final: boolean): string[] {
    const out: string[] = []
    for (let end = this.nextEnd(final); end > 0; end = this.nextEnd(final)) {
      const hard = this.buf[end - 1] === '\n'
      const piece = this.take(this.buf.slice(0, end), hard)
      this.buf = this.buf.slice(end)
      if (!speechWeight(piece)) continue
      const sentence = joinSentences(this.carry, piece)
      if (speechWeight(sentence) < this.minLength) this.carry = sentence
      else {
        out.push(sentence)
        this.carry = ''
      }
    }
    return out
  }

  private take(raw: string, hardBreak: boolean): string {
    // What was stripped (a URL, a citation) can leave a space before the punctuation after it.
    const s = raw
      .replace(/\s+/g, ' ')
      .replace(/ ([,.!?;:，。！？；：])/g, '$1')
      .trim()
    return hardBreak ? closeLine(s) : s
  }

  /** End (exclusive) of the first complete sentence in the buffer, or 0 when none is complete yet. */
  private nextEnd(final: boolean): number {
    const b = this.buf
    // Resume where the last call stopped: a long sentence must not be rescanned for every delta.
    let weight = this.scanWeight
    for (let i = this.scanPos; i < b.length; i++) {
      const ch = b[i]
      if (ch === '\n') return this.cut(i + 1)
      weight += CJK.test(ch) ? 2 : /[\p{L}\p{N}]/u.test(ch) ? 1 : 0
      if (TERMINATORS.includes(ch)) {
        let j = i + 1
        while (j < b.length && (TERMINATORS.includes(b[j]) || CLOSERS.includes(b[j]))) j++
        if (j === b.length) return final ? this.cut(j) : this.pause(i, weight)
        if (!ASCII_TERMINATORS.includes(ch)) return this.cut(j)
        // "3.14", "a.b.c", "file.ts": an ASCII stop ends a sentence only before a space.
        if (!isSpace(b[j]) && !CJK.test(b[j])) continue
        if (ch === '.' && j === i + 1 && isAbbreviation(b, i)) continue
        return this.cut(j)
      }
      if (weight > this.maxLength && SOFT_BREAKS.includes(ch)) {
        if (i + 1 === b.length) return final ? this.cut(i + 1) : this.pause(i, weight)
        if (isSpace(b[i + 1]) || CJK.test(b[i + 1]) || !/[,:]/.test(ch)) return this.cut(i + 1)
      }
      // No punctuation for twice maxLength: cut anyway (between words if there are any), so a
      // run-on answer is still spoken while it streams and no TTS request grows without bound.
      if (weight >= 2 * this.maxLength) {
        const space = b.lastIndexOf(' ', i)
        return this.cut(space > i / 2 ? space + 1 : i + 1)
      }
    }
    return this.pause(b.length, weight)
  }

  private cut(end: number): number {
    this.scanPos = 0
    this.scanWeight = 0
    return end
  }

  /** Nothing complete yet: the next scan starts at `at` (re-reading a character waiting for lookahead). */
  private pause(at: number, weightThrough: number): number {
    this.scanPos = at
    this.scanWeight = at < this.buf.length ? weightThrough - speechWeight(this.buf[at]) : weightThrough
    return 0
  }
}

function isAbbreviation(b: string, dot: number): boolean {
  const word = /([A-Za-z.]+)$/.exec(b.slice(Math.max(0, dot - 8), dot))?.[1] ?? ''
  if (/^[A-Z]$/.test(word)) return true
  return ABBREVIATIONS.has(word.toLowerCase())
}

/**
 * The answer's deltas in, sentences out: Markdown stripped for speech (code blocks dropped or
 * replaced by `codePhrase`, links → their text, citations removed), short fragments merged.
 */
export class SpeechSegmenter {
  private readonly markdown: MarkdownSpeechFilter
  private readonly splitter: SentenceSplitter

  constructor(opts: SegmenterOptions = {}) {
    this.markdown = new MarkdownSpeechFilter(opts)
    this.splitter = new SentenceSplitter(opts)
  }

  /** Sentences completed by this delta (often none). */
  push(delta: string): string[] {
    return this.splitter.push(this.markdown.push(delta))
  }

  /** The remaining sentences, at the end of the answer. */
  flush(): string[] {
    return [...this.splitter.push(this.markdown.end()), ...this.splitter.flush()]
  }
}

/** A finished answer as its spoken sentences. */
export function speechSentences(markdown: string, opts: SegmenterOptions = {}): string[] {
  const s = new SpeechSegmenter(opts)
  return [...s.push(markdown), ...s.flush()]
}
