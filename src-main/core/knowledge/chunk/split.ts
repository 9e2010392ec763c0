/** A [start, end) slice of the text being split; slices are never copied into new strings until the end. */
export interface Span {
  start: number
  end: number
}

/**
 * Boundaries from coarse to fine. Each pattern matches a separator; the cut goes right after it,
 * so the separator stays with the text before it and the pieces concatenate back to the input.
 */
const LEVELS: RegExp[] = [
  // paragraphs: a blank line
  /\n[ \t]*\n\s*/g,
  // lines: spreadsheet rows, list items, verse
  /\n/g,
  // sentences: . ! ? only before whitespace (so 3.14 and example.com stay whole); CJK terminators anywhere,
  // with closing quotes or brackets kept on the sentence they close
  /(?:[.!?]+["'”’)\]]*(?=\s|$)|[。！？；…]+[”’」』）)"']*)\s*/g,
  // clauses
  /[,;:，、：]\s*/g,
  // words
  /\s+/g
]

/** Splits text[span] into contiguous spans of at most `max` characters, preferring coarse boundaries. */
export function splitRecursive(text: string, span: Span, max: number, level = 0): Span[] {
  if (span.end - span.start <= max) return [span]
  if (level >= LEVELS.length) return splitByCharacters(text, span, max)
  const pieces = cutAfter(text, span, LEVELS[level])
  if (pieces.length === 1) return splitRecursive(text, span, max, level + 1)
  return pieces.flatMap((piece) => (piece.end - piece.start <= max ? [piece] : splitRecursive(text, piece, max, level + 1)))
}

function cutAfter(text: string, span: Span, pattern: RegExp): Span[] {
  const slice = text.slice(span.start, span.end)
  const spans: Span[] = []
  let from = 0
  pattern.lastIndex = 0
  for (let m = pattern.exec(slice); m; m = pattern.exec(slice)) {
    if (m[0].length === 0) {
      pattern.lastIndex++
      continue
    }
    const cut = m.index + m[0].length
    if (cut > from && cut < slice.length) {
      spans.push({ start: span.start + from, end: span.start + cut })
      from = cut
    }
  }
  spans.push({ start: span.start + from, end: span.end })
  return spans
}

/** The last resort; never cuts between the two halves of a surrogate pair (emoji, rare CJK ideographs). */
function splitByCharacters(text: string, span: Span, max: number): Span[] {
  const spans: Span[] = []
  let start = span.start
  while (start < span.end) {
    let end = Math.min(start + max, span.end)
    if (end < span.end && end - start > 1 && isHighSurrogate(text.charCodeAt(end - 1))) end--
    spans.push({ start, end })
    start = end
  }
  return spans
}

export function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

const SENTENCE_END = /[.!?。！？；…\n]/
// Still part of the sentence before: the rest of "……" or "?!", or the quote or bracket it closes.
const SENTENCE_TAIL = /[.!?。！？；…”’」』）)\]"']/
const WHITESPACE = /\s/

/**
 * Where the overlap copied from the previous chunk should begin: the earliest sentence start in the
 * last `overlap` characters, else the earliest word start, else exactly `overlap` characters back.
 * Starting later only shortens the overlap, so it never exceeds what was asked for.
 */
export function overlapStart(text: string, floor: number, end: number, overlap: number): number {
  let lo = Math.max(floor, end - overlap)
  if (lo < end && lo > 0 && isHighSurrogate(text.charCodeAt(lo - 1))) lo++
  let wordStart = -1
  for (let p = lo; p < end; p++) {
    const prev = text[p - 1] ?? '\n'
    if (WHITESPACE.test(text[p]) || SENTENCE_TAIL.test(text[p])) continue
    if (SENTENCE_END.test(prev) || (WHITESPACE.test(prev) && SENTENCE_END.test(lastNonSpaceBefore(text, p)))) return p
    if (wordStart < 0 && WHITESPACE.test(prev)) wordStart = p
  }
  return wordStart >= 0 ? wordStart : lo
}

function lastNonSpaceBefore(text: string, p: number): string {
  let i = p - 1
  while (i >= 0 && WHITESPACE.test(text[i])) {
    if (text[i] === '\n') return '\n'
    i--
  }
  return text[i] ?? '\n'
}
