// Small pure pieces: the lip path the avatar draws, and naming an audio file by its bytes.
import { describe, expect, test } from 'vitest'
import { encodeWav } from '../../../digitalhuman/audio/wav'
import { avatarMarkup, LOOKS, paletteFor } from '../../../digitalhuman/avatar/looks'
import { mouthPath } from '../../../digitalhuman/avatar/mouth-path'
import { MOUTH } from '../../../digitalhuman/lipsync/visemes'
import { mimeOfFormat, sniffAudio } from '../../../digitalhuman/speech/providers/audio-format'

/** Bounding box of a path's points. */
function box(d: string) {
  const nums = d.match(/-?[\d.]+/g)!.map(Number)
  const xs = nums.filter((_, i) => i % 2 === 0)
  const ys = nums.filter((_, i) => i % 2 === 1)
  return { width: Math.max(...xs) - Math.min(...xs), height: Math.max(...ys) - Math.min(...ys) }
}

describe('mouth path', () => {
  test('aa opens tall, PP closes, U is narrow and round, I is wide', () => {
    const aa = box(mouthPath(MOUTH.aa, 100, 150))
    const pp = box(mouthPath(MOUTH.PP, 100, 150))
    const u = box(mouthPath(MOUTH.U, 100, 150))
    const i = box(mouthPath(MOUTH.I, 100, 150))
    expect(aa.height).toBeGreaterThan(pp.height * 3)
    expect(u.width).toBeLessThan(i.width * 0.6)
    expect(i.width).toBeGreaterThan(aa.width)
  })
})

describe('looks', () => {
  test('every look has the parts the animator moves', () => {
    for (const look of LOOKS) {
      const svg = avatarMarkup(look, paletteFor(look, 'green'))
      for (const part of ['head', 'mouth', 'lid-l', 'lid-r', 'pupil-l', 'pupil-r', 'thinking', 'listening', 'ring']) {
        expect(svg, `${look} ${part}`).toContain(`data-part="${part}"`)
      }
    }
  })

  test('palette overrides take hex colours only (they end up in markup)', () => {
    const p = paletteFor('guide', { outfit: '#123456', hair: 'red" onload="alert(1)' } as any)
    expect(p.outfit).toBe('#123456')
    expect(p.hair).toBe(paletteFor('guide').hair)
    expect(avatarMarkup('guide', p)).not.toContain('onload')
  })
})

describe('audio format', () => {
  test('named by the first bytes', () => {
    const wav = encodeWav({ sampleRate: 8000, samples: new Float32Array(10) })
    const of = (...b: number[]) => sniffAudio(Uint8Array.from(b))?.ext
    expect(sniffAudio(wav)).toEqual({ mime: 'audio/wav', ext: 'wav' })
    expect(of(0x49, 0x44, 0x33, 4)).toBe('mp3')
    expect(of(0xff, 0xfb, 0x90, 0)).toBe('mp3')
    expect(of(0x4f, 0x67, 0x67, 0x53)).toBe('ogg')
    expect(of(0x66, 0x4c, 0x61, 0x43)).toBe('flac')
    expect(of(0x1a, 0x45, 0xdf, 0xa3)).toBe('webm')
    expect(of(0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70)).toBe('m4a')
    expect(of(0xff, 0xf1, 0x50, 0x80)).toBe('aac')
    expect(of(0x7b, 0x22)).toBeUndefined()
    expect(mimeOfFormat('mp3')).toBe('audio/mpeg')
  })
})
