// Chinese characters → toneless pinyin → visemes. The common characters come from a table generated
// with pinyin-pro (pinyin-table.ts), so the page does not carry its dictionary; any other character
// gets a stable stand-in syllable, which still opens and closes the mouth once per character.
import { PINYIN_GROUPS } from './pinyin-table'
import type { Viseme } from './visemes'

let table: Map<string, string> | undefined

function pinyinTable(): Map<string, string> {
  if (table) return table
  table = new Map()
  for (const group of PINYIN_GROUPS.split(' ')) {
    const [syllable, chars] = group.split(':')
    for (const ch of chars) table.set(ch, syllable)
  }
  return table
}

/** The toneless pinyin of a character (`v` for ü), or undefined when the table lacks it. */
export function pinyinOf(ch: string): string | undefined {
  return pinyinTable().get(ch)
}

const INITIALS: [string, Viseme][] = [
  ['zh', 'CH'],
  ['ch', 'CH'],
  ['sh', 'CH'],
  ['b', 'PP'],
  ['p', 'PP'],
  ['m', 'PP'],
  ['f', 'FF'],
  ['d', 'DD'],
  ['t', 'DD'],
  ['n', 'nn'],
  ['l', 'nn'],
  ['g', 'kk'],
  ['k', 'kk'],
  ['h', 'kk'],
  ['j', 'CH'],
  ['q', 'CH'],
  ['x', 'CH'],
  ['z', 'SS'],
  ['c', 'SS'],
  ['s', 'SS'],
  ['r', 'RR'],
  ['y', 'I'],
  ['w', 'U']
]

const VOWELS: Record<string, Viseme> = { a: 'aa', o: 'O', e: 'E', i: 'I', u: 'U', v: 'U' }

/** A syllable's visemes: its initial, then each vowel of its final, then a nasal coda. */
export function syllableVisemes(syllable: string): Viseme[] {
  const out: Viseme[] = []
  let rest = syllable
  const initial = INITIALS.find(([p]) => rest.startsWith(p))
  if (initial) {
    out.push(initial[1])
    rest = rest.slice(initial[0].length)
    // yi, wu, yu: the initial is the vowel itself.
    if ((initial[0] === 'y' && rest.startsWith('i')) || (initial[0] === 'w' && rest.startsWith('u'))) out.pop()
  }
  if (rest === 'er') return [...out, 'E', 'RR']
  for (let i = 0; i < rest.length; i++) {
    const v = VOWELS[rest[i]]
    if (v) out.push(v)
    else if (rest.startsWith('ng', i)) {
      out.push('kk')
      i++
    } else if (rest[i] === 'n') out.push('nn')
    else if (rest[i] === 'r') out.push('RR')
  }
  return out
}

// Stand-ins for characters outside the table: a spread of common syllable shapes.
const FALLBACK = ['da', 'shi', 'guo', 'ren', 'yi', 'bu', 'zai', 'you', 'he', 'men', 'lai', 'dao']

/** Visemes of one CJK character. */
export function hanziVisemes(ch: string): Viseme[] {
  const syllable = pinyinOf(ch) ?? FALLBACK[(ch.codePointAt(0) ?? 0) % FALLBACK.length]
  return syllableVisemes(syllable)
}
