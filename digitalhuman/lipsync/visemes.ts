// The viseme set (the 15 of the Oculus/TalkingHead convention, so a GLB avatar's morph targets can
// take the same track) and what each one does to a 2D mouth.

export const VISEMES = ['sil', 'PP', 'FF', 'TH', 'DD', 'kk', 'CH', 'SS', 'nn', 'RR', 'aa', 'E', 'I', 'O', 'U'] as const
export type Viseme = (typeof VISEMES)[number]

/** A mouth pose: `open` jaw drop, `width` lip spread, `round` lip rounding; each 0..1. */
export interface MouthShape {
  open: number
  width: number
  round: number
}

export const MOUTH: Record<Viseme, MouthShape> = {
  sil: { open: 0, width: 0.5, round: 0 },
  PP: { open: 0, width: 0.45, round: 0.1 },
  FF: { open: 0.12, width: 0.55, round: 0 },
  TH: { open: 0.2, width: 0.55, round: 0 },
  DD: { open: 0.3, width: 0.55, round: 0 },
  kk: { open: 0.35, width: 0.5, round: 0 },
  CH: { open: 0.25, width: 0.35, round: 0.6 },
  SS: { open: 0.15, width: 0.75, round: 0 },
  nn: { open: 0.2, width: 0.55, round: 0 },
  RR: { open: 0.3, width: 0.4, round: 0.45 },
  aa: { open: 1, width: 0.6, round: 0 },
  E: { open: 0.6, width: 0.8, round: 0 },
  I: { open: 0.35, width: 0.9, round: 0 },
  O: { open: 0.75, width: 0.35, round: 0.8 },
  U: { open: 0.4, width: 0.25, round: 1 }
}

/** Vowels carry the syllable's time; consonants are short transitions. */
export const isVowel = (v: Viseme): boolean => v === 'aa' || v === 'E' || v === 'I' || v === 'O' || v === 'U'

export const mixMouth = (a: MouthShape, b: MouthShape, t: number): MouthShape => ({
  open: a.open + (b.open - a.open) * t,
  width: a.width + (b.width - a.width) * t,
  round: a.round + (b.round - a.round) * t
})
