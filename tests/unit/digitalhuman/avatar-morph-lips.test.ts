// The 3D avatar's lips without a browser: the lip target at a moment of the audio, what each
// kind of model (viseme morphs, jaw only, VRM vowels, VRM aa) is asked to do with it, and easing.
import { describe, expect, test } from 'vitest'
import { lipTargetAt } from '../../../digitalhuman/avatar/avatar-handle'
import { controlOpenness, ease, mouthControls } from '../../../digitalhuman/avatar/morph-lips'
import { rmsEnvelope } from '../../../digitalhuman/lipsync/loudness'
import type { VisemeTrack } from '../../../digitalhuman/lipsync/track'

const track: VisemeTrack = {
  duration: 1,
  cues: [
    { start: 0.1, end: 0.3, viseme: 'PP' },
    { start: 0.3, end: 0.6, viseme: 'aa' },
    { start: 0.6, end: 0.8, viseme: 'O' }
  ]
}
const playing = (t: number) => ({ paused: false, ended: false, currentTime: t }) as HTMLAudioElement
const all = () => true
const only =
  (...names: string[]) =>
  (n: string) =>
    names.includes(n)

describe('lipTargetAt', () => {
  test('a held viseme has weight 1; in the last 40% of a cue it hands over to the next, weights summing to 1', () => {
    expect(lipTargetAt(playing(0.35), { track }).visemes).toEqual({ aa: 1 })
    const blend = lipTargetAt(playing(0.57), { track })
    expect(blend.visemes!.aa! + blend.visemes!.O!).toBeCloseTo(1)
    expect(blend.visemes!.O).toBeGreaterThan(0)
    expect(blend.pose.viseme).toBe('aa')
  })

  test('rest outside the speech, when paused or ended, with no audio; loudness gives an opening and no visemes', () => {
    expect(lipTargetAt(playing(0.05), { track }).pose.open).toBe(0)
    expect(lipTargetAt({ ...playing(0.35), paused: true } as HTMLAudioElement, { track }).pose.open).toBe(0)
    expect(lipTargetAt(undefined, { track }).visemes).toBeUndefined()
    const loud = new Float32Array(8000).map((_, i) => Math.sin(i / 5))
    const target = lipTargetAt(playing(0.1), { envelope: rmsEnvelope(loud, 8000) })
    expect(target.pose.open).toBeGreaterThan(0.5)
    expect(target.visemes).toBeUndefined()
  })
})

describe('mouthControls', () => {
  test('viseme morphs take the track weights (never viseme_sil); a missing morph is not asked for', () => {
    const target = lipTargetAt(playing(0.57), { track })
    const out = mouthControls('visemes', all, target)
    expect(Object.keys(out).sort()).toEqual(['viseme_O', 'viseme_aa'])
    expect(mouthControls('visemes', only('viseme_aa'), target)).toEqual({ viseme_aa: target.visemes!.aa })
    expect(mouthControls('visemes', all, lipTargetAt(playing(0.05), { track }))).toEqual({})
  })

  test('loudness on a viseme model opens jawOpen/mouthOpen, or viseme_aa when it has no jaw', () => {
    const target = { pose: { viseme: 'aa' as const, open: 0.7, width: 0.6, round: 0 } }
    expect(mouthControls('visemes', all, target)).toEqual({ jawOpen: 0.7, mouthOpen: 0.7 })
    expect(mouthControls('visemes', only('viseme_aa', 'viseme_O'), target)).toEqual({ viseme_aa: 0.7 })
    expect(mouthControls('jaw', only('jawOpen'), lipTargetAt(playing(0.4), { track }))).toEqual({ jawOpen: 1 })
  })

  test('VRM vowels: vowels map to aa/ih/ou/ee/oh, consonants borrow a little, sums stay within 1; aa-only opens aa', () => {
    expect(mouthControls('vrm-vowels', all, lipTargetAt(playing(0.65), { track }))).toEqual({ oh: 1 })
    const ch = mouthControls('vrm-vowels', all, { pose: { viseme: 'CH', open: 0.25, width: 0.35, round: 0.6 }, visemes: { CH: 1 } })
    expect(ch).toEqual({ ou: 0.45, ih: 0.1 })
    const many = mouthControls('vrm-vowels', all, { pose: { viseme: 'aa', open: 1, width: 1, round: 0 }, visemes: { aa: 1, kk: 1, DD: 1 } })
    expect(Math.max(...Object.values(many))).toBeLessThanOrEqual(1)
    expect(mouthControls('vrm-aa', all, lipTargetAt(playing(0.4), { track }))).toEqual({ aa: 1 })
    expect(mouthControls('vrm-vowels', only('aa', 'oh'), { pose: { viseme: 'aa', open: 0.4, width: 0.6, round: 0 } })).toEqual({ aa: 0.4 })
  })

  test('how far each control opens the mouth', () => {
    expect(controlOpenness('viseme_aa')).toBe(1)
    expect(controlOpenness('viseme_PP')).toBe(0)
    expect(controlOpenness('jawOpen')).toBe(1)
    expect(controlOpenness('oh')).toBe(0.75)
    expect(controlOpenness('eyeBlinkLeft')).toBe(0)
  })
})

describe('ease', () => {
  test('moves towards the target, the same at any frame rate, and snaps shut when closing', () => {
    const once = ease(0, 1, 1 / 30)
    expect(once).toBeGreaterThan(0.3)
    expect(once).toBeLessThan(1)
    expect(ease(ease(0, 1, 1 / 60), 1, 1 / 60)).toBeCloseTo(once, 10)
    let w = 1
    for (let i = 0; i < 30 && w > 0; i++) w = ease(w, 0, 1 / 60)
    expect(w).toBe(0)
    expect(ease(0.5, 0.5, 0.016)).toBe(0.5)
    expect(ease(0.3, 1, 0)).toBe(0.3)
  })
})
