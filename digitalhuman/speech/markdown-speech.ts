// Streamed Markdown → text a voice can read. Pure TypeScript (no node:*): the core and the
// renderer both use it. Output uses '\n' for hard breaks (a heading, a list item, a table row, a
// paragraph or a code block ends there); the sentence splitter treats each one as a sentence end.

export interface MarkdownSpeechOptions {
  /** Said once in place of each fenced code block; empty (the default) drops the block silently. */
  codePhrase?: string
}

// Characters that can open a line-level marker; any other first character means plain text.
const MARKER_START = /[`~\-*_+#>|[\d]/
// A line-level prefix is decidable once this many characters follow the indentation.
const DECIDE_AFTER = 8
// An unclosed inline construct longer than this is literal text, not something still streaming.
const MAX_HOLD = 300

const FENCE = /^\s*(`{3,}|~{3,})/
const HR = /^\s{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/
const HR_CANDIDATE = /^\s*([-*_])(?:[ \t]*\1)+[ \t]*$/
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$/
const FOOTNOTE_DEF = /^\s*\[\^[^\]]*\]:/
const CJK = /[\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]/

/** Strips one line's block markers (quote, heading, list item, task box); returns the text part. */
function stripLineMarkers(line: string): string {
  let s = line.replace(/^\s*(?:>\s?)+/, '')
  s = s.replace(/^\s{0,3}#{1,6}(?:\s+|$)/, '')
  s = s.replace(/^\s*(?:[-*+]|\d{1,3}[.)])\s+(?:\[[ xX]\]\s+)?/, '')
  return s
}

function tableRow(line: string): string {
  if (TABLE_SEPARATOR.test(line)) return ''
  const cells = line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => stripInline(c).trim())
    .filter(Boolean)
  return cells.join(CJK.test(line) ? '，' : ', ')
}

/** Removes inline Markdown from a piece that holds no unfinished construct. */
export function stripInline(s: string): string {
  return (
    s
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
      // Citation markers: [1], [1, 2], [^1], [citation:3], 【4†source】.
      .replace(/\[\^[^\]]*\]|\[(?:citation:\s*)?\d+(?:\s*[,，-]\s*\d+)*\]|【\d+(?:†[^】]*)?】/gi, '')
      .replace(/\[([^\]]*)\]/g, '$1')
      .replace(/<br\s*\/?>/gi, ' ')
      .replace(/<\/?[a-zA-Z][^<>]*>/g, '')
      // A URL is unreadable aloud; its trailing punctuation belongs to the sentence.
      .replace(/https?:\/\/[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]*[A-Za-z0-9\-_~/#=&%]/g, '')
      .replace(/`+/g, '')
      .replace(/~~/g, '')
      // Without context across deltas an emphasis '*' and a product '*' look alike: drop both;
      // '_' (emphasis or snake_case) reads as a pause.
      .replace(/\*+/g, '')
      .replace(/_+/g, ' ')
      .replace(/\p{Extended_Pictographic}\uFE0F?/gu, '')
      .replace(/&nbsp;/g, ' ')
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
  )
}

/** Where the stable part of a partial line ends: everything after may still be an open construct. */
function stableEnd(t: string): number {
  let end = t.length
  // Past the last finished link: a URL inside "(…)" must not be held as a bare one.
  let after = 0
  // An unclosed link, image or citation: hold from its '[' (or the '!' before it).
  for (let i = 0; i < t.length; i++) {
    if (t[i] !== '[') continue
    const close = t.indexOf(']', i)
    const start = i > 0 && t[i - 1] === '!' ? i - 1 : i
    if (close < 0 || close === t.length - 1) {
      if (t.length - i <= MAX_HOLD) return Math.min(end, start)
      continue
    }
    if (t[close + 1] === '(') {
      const paren = t.indexOf(')', close)
      if (paren < 0) {
        if (t.length - i <= MAX_HOLD) return Math.min(end, start)
        continue
      }
      i = paren
    } else i = close
    after = i + 1
  }
  const rest = t.slice(after)
  const tag = /<\/?(?:[a-zA-Z][^<>]*)?$/.exec(rest)
  if (tag && rest.length - tag.index <= 100) end = Math.min(end, after + tag.index)
  const url = /(?<![A-Za-z])(?:https?:\/\/\S*|h(?:t(?:t(?:p(?:s?(?::\/?)?)?)?)?)?)$/.exec(rest)
  if (url) end = Math.min(end, after + url.index)
  const tail = /[*_~!&]+$/.exec(rest)
  if (tail) end = Math.min(end, after + tail.index)
  const cite = /【[^】]*$/.exec(rest)
  if (cite && rest.length - cite.index <= 40) end = Math.min(end, after + cite.index)
  const entity = /&[a-z]*$/.exec(rest)
  if (entity) end = Math.min(end, after + entity.index)
  return end
}

/**
 * Feed it the answer's deltas; it returns the speakable text that can no longer change. Lines
 * whose kind is not known yet (a table row, a fence, a rule) are held until they end; within a
 * plain line only a possibly unfinished link, tag, URL or emphasis marker is held back.
 */
export class MarkdownSpeechFilter {
  private line = ''
  /** Characters of `line` already consumed: the stripped block prefix and emitted inline text. */
  private consumed = 0
  private decided = false
  private inCode = false
  private fence = ''

  constructor(private readonly opts: MarkdownSpeechOptions = {}) {}

  push(delta: string): string {
    let out = ''
    this.line += delta
    for (let nl = this.line.indexOf('\n'); nl >= 0; nl = this.line.indexOf('\n')) {
      out += this.completeLine(this.line.slice(0, nl))
      this.line = this.line.slice(nl + 1)
      this.consumed = 0
      this.decided = false
    }
    return out + this.partialLine()
  }

  /** The rest, at the end of the answer. An unclosed code block is dropped. */
  end(): string {
    const out = (this.line || this.decided) && !this.inCode ? this.completeLine(this.line) : ''
    this.line = ''
    this.consumed = 0
    this.decided = false
    this.inCode = false
    return out
  }

  private completeLine(line: string): string {
    if (this.inCode) {
      const m = FENCE.exec(line)
      if (m && m[1][0] === this.fence[0] && m[1].length >= this.fence.length && line.trim() === m[1]) this.inCode = false
      return ''
    }
    if (this.decided) return stripInline(line.slice(this.consumed)) + '\n'
    const fence = FENCE.exec(line)
    if (fence) {
      this.inCode = true
      this.fence = fence[1]
      return '\n' + (this.opts.codePhrase ? `${this.opts.codePhrase}\n` : '')
    }
    if (HR.test(line) || FOOTNOTE_DEF.test(line)) return '\n'
    if (/^\s*\|/.test(line)) return tableRow(line) + '\n'
    return stripInline(stripLineMarkers(line)) + '\n'
  }

  private partialLine(): string {
    if (this.inCode) return ''
    if (!this.decided) {
      const body = this.line.trimStart()
      if (!body) return ''
      if (MARKER_START.test(body[0])) {
        const needsWholeLine = /^[`~|]/.test(body) || body.startsWith('[^') || HR_CANDIDATE.test(body)
        if (needsWholeLine || body.length < DECIDE_AFTER) return ''
      }
      const rest = stripLineMarkers(this.line)
      this.consumed = this.line.length - rest.length
      this.decided = true
    }
    const pending = this.line.slice(this.consumed)
    const end = stableEnd(pending)
    if (end <= 0) return ''
    // Keep only the unemitted rest: a long line must not be re-copied for every delta.
    this.line = pending.slice(end)
    this.consumed = 0
    return stripInline(pending.slice(0, end))
  }
}

/** The whole of a finished Markdown answer as speakable text (hard breaks as '\n'). */
export function markdownToSpeech(markdown: string, opts: MarkdownSpeechOptions = {}): string {
  const f = new MarkdownSpeechFilter(opts)
  return f.push(markdown) + f.end()
}
