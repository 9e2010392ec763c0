// Lip target → a 3D model's mouth controls (morph target names, or VRM expression names), and the
// easing that keeps them from jumping between frames. Pure: the 3D avatar applies the numbers.
import { MOUTH, VISEMES, type Viseme } from '../lipsync/visemes'
import type { LipTarget } from './avatar-handle'
import { VRM_VOWELS, type LipRig, type VrmVowel } from './model-file'

/** What each viseme borrows from the five VRM vowels (consonants: a little of the vowel they resemble). */
export const VISEME_VRM: Record<Viseme, Partial<Record<VrmVowel, number>>> = {
  sil: {},
  PP: {},
  FF: { ih: 0.2 },
  TH: { ee: 0.3 },
  DD: { ee: 0.3, aa: 0.1 },
  kk: { aa: 0.3 },
  CH: { ou: 0.45, ih: 0.1 },
  SS: { ih: 0.4 },
  nn: { ee: 0.25 },
  RR: { ou: 0.4 },
  aa: { aa: 1 },
  E: { ee: 0.9 },
  I: { ih: 0.9 },
  O: { oh: 1 },
  U: { ou: 1 }
}

/** The viseme each VRM vowel looks like (for how far it opens the mouth). */
const VRM_VISEME: Record<VrmVowel, Viseme> = { aa: 'aa', ih: 'I', ou: 'U', ee: 'E', oh: 'O' }

export const JAW_CONTROLS = ['jawOpen', 'mouthOpen']

/** Every mouth control a rig may use; the model has some of them. */
export function mouthControlNames(rig: LipRig): string[] {
  if (rig === 'vrm-vowels' || rig === 'vrm-aa') return [...VRM_VOWELS]
  return [...VISEMES.map((v) => `viseme_${v}`), ...JAW_CONTROLS]
}

/** How far a control at weight 1 opens the mouth (0..1): measured openness reads the model with it. */
export function controlOpenness(name: string): number {
  if (JAW_CONTROLS.includes(name)) return 1
  if (name.startsWith('viseme_')) return MOUTH[name.slice(7) as Viseme]?.open ?? 0
  const viseme = VRM_VISEME[name as VrmVowel]
  return viseme ? MOUTH[viseme].open : 0
}

/**
 * The weight each control of the model (`has`) should reach for this lip target. A text track
 * drives visemes (or VRM vowels); loudness, or a model without visemes, only opens the jaw (or
 * `viseme_aa` / VRM `aa`).
 */
export function mouthControls(rig: LipRig, has: (name: string) => boolean, target: LipTarget): Record<string, number> {
  const out: Record<string, number> = {}
  const add = (name: string, w: number) => {
    if (w > 0 && has(name)) out[name] = Math.min(1, (out[name] ?? 0) + w)
  }
  const open = target.pose.open
  if (rig === 'vrm-vowels' || rig === 'vrm-aa') {
    if (rig === 'vrm-vowels' && target.visemes) {
      for (const [v, w] of Object.entries(target.visemes) as [Viseme, number][]) {
        for (const [vowel, share] of Object.entries(VISEME_VRM[v]) as [VrmVowel, number][]) add(vowel, w * share)
      }
    } else add('aa', open)
    return out
  }
  if (rig === 'visemes' && target.visemes) {
    for (const [v, w] of Object.entries(target.visemes) as [Viseme, number][]) if (v !== 'sil') add(`viseme_${v}`, w)
    return out
  }
  const jaw = JAW_CONTROLS.filter(has)
  if (jaw.length) for (const name of jaw) add(name, open)
  else add('viseme_aa', open)
  return out
}

/**
 * One frame of easing from `current` towards `target` (`dt` seconds, time constant `tau`): quick
 * enough for syllables, smooth across frame-rate jitter; a closing value under 0.01 snaps to 0.
 */
export function ease(current: number, target: number, dt: number, tau = 0.05): number {
  const next = current + (target - current) * (1 - Math.exp(-Math.max(0, dt) / tau))
  return target === 0 && next < 0.01 ? 0 : next
}
