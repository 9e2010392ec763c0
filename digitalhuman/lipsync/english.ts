// English words → visemes through spelling rules (no dictionary ships offline): digraphs first,
// then single letters, silent final e. Good enough for a mouth; not a pronunciation engine.
import type { Viseme } from './visemes'

// Longest first: the first match at a position wins.
const RULES: [string, Viseme[]][] = [
  ['tch', ['CH']],
  ['igh', ['aa', 'I']],
  ['ough', ['O']],
  ['tion', ['CH', 'E', 'nn']],
  ['th', ['TH']],
  ['sh', ['CH']],
  ['ch', ['CH']],
  ['ph', ['FF']],
  ['wh', ['U']],
  ['ng', ['kk']],
  ['ck', ['kk']],
  ['qu', ['kk', 'U']],
  ['oo', ['U']],
  ['ou', ['aa', 'U']],
  ['ow', ['O', 'U']],
  ['ee', ['I']],
  ['ea', ['I']],
  ['ie', ['I']],
  ['ai', ['E', 'I']],
  ['ay', ['E', 'I']],
  ['oa', ['O']],
  ['oi', ['O', 'I']],
  ['oy', ['O', 'I']],
  ['au', ['O']],
  ['aw', ['O']],
  ['er', ['E', 'RR']],
  ['ar', ['aa', 'RR']],
  ['or', ['O', 'RR']],
  ['ge', ['CH', 'E']],
  ['dg', ['CH']]
]

const LETTERS: Record<string, Viseme[]> = {
  a: ['aa'],
  b: ['PP'],
  c: ['kk'],
  d: ['DD'],
  e: ['E'],
  f: ['FF'],
  g: ['kk'],
  h: [],
  i: ['I'],
  j: ['CH'],
  k: ['kk'],
  l: ['nn'],
  m: ['PP'],
  n: ['nn'],
  o: ['O'],
  p: ['PP'],
  q: ['kk'],
  r: ['RR'],
  s: ['SS'],
  t: ['DD'],
  u: ['U'],
  v: ['FF'],
  w: ['U'],
  x: ['kk', 'SS'],
  y: ['I'],
  z: ['SS']
}

// Digits read as a word each; two visemes stand for any of them.
const DIGIT: Viseme[] = ['E', 'I']

/** Visemes of one English word (letters and digits; anything else is ignored). */
export function wordVisemes(word: string): Viseme[] {
  const w = word.toLowerCase()
  const out: Viseme[] = []
  // Silent final e: "make", "time" (but not "be", "the").
  const end = w.length > 3 && w.endsWith('e') && !/[aeiou]e$/.test(w) ? w.length - 1 : w.length
  for (let i = 0; i < end;) {
    if (/\d/.test(w[i])) {
      out.push(...DIGIT)
      i++
      continue
    }
    const rule = RULES.find(([g]) => w.startsWith(g, i) && i + g.length <= end)
    if (rule) {
      out.push(...rule[1])
      i += rule[0].length
      continue
    }
    // A soft c before e, i, y.
    if (w[i] === 'c' && /[eiy]/.test(w[i + 1] ?? '')) out.push('SS')
    else out.push(...(LETTERS[w[i]] ?? []))
    i++
  }
  // Doubled letters ("ll", "pp") are one sound.
  return out.filter((v, k) => k === 0 || v !== out[k - 1] || v === 'aa' || v === 'E' || v === 'I' || v === 'O' || v === 'U')
}
