// A sentence's text → a timed viseme track stretched over its audio, and the mouth pose at any
// moment of playback. Pure TypeScript: the renderer computes it when a sentence's audio arrives.
import { wordVisemes } from './english'
import { hanziVisemes } from './pinyin'
import { isVowel, mixMouth, MOUTH, type MouthShape, type Viseme } from './visemes'

export interface VisemeCue {
  /** Seconds from the start of the sentence's audio. */
  start: number
  end: number
  viseme: Viseme
}

export interface VisemeTrack {
  duration: number
  cues: VisemeCue[]
}

export interface MouthPose extends MouthShape {
  viseme: Viseme
}

// Relative durations: vowels carry the syllable, consonants are transitions, punctuation pauses.
const WEIGHT = { vowel: 1, consonant: 0.45, space: 0.15, comma: 1.2, stop: 2 }
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/
const TOKEN = /[\u3400-\u9fff\uf900-\ufaff]|[A-Za-z0-9']+|[，,、：:；;]|[。.！!？?…]|\s+/g

interface Unit {
  viseme: Viseme
  weight: number
}

function textUnits(text: string): Unit[] {
  const units: Unit[] = []
  const push = (visemes: Viseme[]) => {
    for (const v of visemes) units.push({ viseme: v, weight: isVowel(v) ? WEIGHT.vowel : WEIGHT.consonant })
  }
  for (const token of text.match(TOKEN) ?? []) {
    if (CJK.test(token)) push(hanziVisemes(token))
    else if (/^[A-Za-z0-9']+$/.test(token)) push(wordVisemes(token.replace(/'/g, '')))
    else if (/^\s+$/.test(token)) units.push({ viseme: 'sil', weight: WEIGHT.space })
    else units.push({ viseme: 'sil', weight: /[，,、：:；;]/.test(token) ? WEIGHT.comma : WEIGHT.stop })
  }
  // Leading and trailing pauses are the audio's own silence, not the text's: trim them.
  while (units.length && units[0].viseme === 'sil') units.shift()
  while (units.length && units[units.length - 1].viseme === 'sil') units.pop()
  return units
}

/**
 * The visemes of `text` spread over `duration` seconds in proportion to their weights. `lead` and
 * `tail` (seconds) are the audio's silence before and after the speech, when known.
 */
export function visemeTrack(text: string, duration: number, opts: { lead?: number; tail?: number } = {}): VisemeTrack {
  const units = textUnits(text)
  const lead = Math.max(0, opts.lead ?? 0)
  const span = Math.max(0, duration - lead - Math.max(0, opts.tail ?? 0))
  const total = units.reduce((n, u) => n + u.weight, 0)
  const cues: VisemeCue[] = []
  let t = lead
  for (const u of units) {
    const d = total ? (u.weight / total) * span : 0
    const last = cues[cues.length - 1]
    if (last && last.viseme === u.viseme) last.end = t + d
    else cues.push({ start: t, end: t + d, viseme: u.viseme })
    t += d
  }
  return { duration, cues }
}

/** The cue playing at `time` (binary search), or -1 outside the speech. */
function cueIndex(track: VisemeTrack, time: number): number {
  let lo = 0
  let hi = track.cues.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const c = track.cues[mid]
    if (time < c.start) hi = mid - 1
    else if (time >= c.end) lo = mid + 1
    else return mid
  }
  return -1
}

const REST: MouthPose = { viseme: 'sil', ...MOUTH.sil }

/**
 * The viseme playing at `time` and, over the last 40% of its cue, the next one it eases into
 * (`k` 0 → 1, quadratic: coarticulation); undefined outside the speech. The 2D mouth mixes the
 * two shapes; a 3D avatar mixes the two morph targets.
 */
export function visemeBlendAt(track: VisemeTrack, time: number): { viseme: Viseme; next?: Viseme; k: number } | undefined {
  const i = cueIndex(track, time)
  if (i < 0) return undefined
  const cue = track.cues[i]
  const next = track.cues[i + 1]
  const len = cue.end - cue.start
  const blendFrom = cue.start + len * 0.6
  if (!next || time < blendFrom || len <= 0) return { viseme: cue.viseme, k: 0 }
  const k = (time - blendFrom) / (cue.end - blendFrom)
  return { viseme: cue.viseme, next: next.viseme, k: k * k }
}

/** The mouth at `time` seconds into the sentence (see visemeBlendAt); closed outside the speech. */
export function mouthAt(track: VisemeTrack, time: number): MouthPose {
  const at = visemeBlendAt(track, time)
  if (!at) return REST
  const shape = MOUTH[at.viseme]
  if (!at.next) return { viseme: at.viseme, ...shape }
  return { viseme: at.viseme, ...mixMouth(shape, MOUTH[at.next], at.k) }
}
