// Lip-sync from text (Chinese through pinyin, English through spelling rules) stretched over a
// sentence's audio, and loudness as the fallback.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { decodeWav, encodeWav, wavDuration } from '../../../digitalhuman/audio/wav'
import { wordVisemes } from '../../../digitalhuman/lipsync/english'
import { LoudnessFollower, opennessAt, rmsEnvelope, speechBounds } from '../../../digitalhuman/lipsync/loudness'
import { hanziVisemes, pinyinOf, syllableVisemes } from '../../../digitalhuman/lipsync/pinyin'
import { mouthAt, visemeTrack } from '../../../digitalhuman/lipsync/track'

describe('Chinese through pinyin', () => {
  test('common characters have their pinyin, including the numerals espeak-ng reads by rule', () => {
    expect(['你', '好', '中', '国', '绿', '学', '三', '么', '们'].map(pinyinOf)).toEqual(['ni', 'hao', 'zhong', 'guo', 'lv', 'xue', 'san', 'me', 'men'])
  })

  test('initials and finals map to visemes: lips close for b/p/m, round for u/o', () => {
    expect(syllableVisemes('ni')).toEqual(['nn', 'I'])
    expect(syllableVisemes('hao')).toEqual(['kk', 'aa', 'O'])
    expect(syllableVisemes('ma')).toEqual(['PP', 'aa'])
    expect(syllableVisemes('zhong')).toEqual(['CH', 'O', 'kk'])
    expect(syllableVisemes('wu')).toEqual(['U'])
    expect(syllableVisemes('yi')).toEqual(['I'])
    expect(syllableVisemes('er')).toEqual(['E', 'RR'])
    expect(hanziVisemes('爸')).toEqual(['PP', 'aa'])
  })

  test('a rare character outside the table still moves the mouth, the same way every time', () => {
    expect(pinyinOf('龘')).toBeUndefined()
    const v = hanziVisemes('龘')
    expect(v.length).toBeGreaterThan(0)
    expect(hanziVisemes('龘')).toEqual(v)
  })
})

describe('English through spelling rules', () => {
  test('digraphs, soft c, silent e and doubled letters', () => {
    expect(wordVisemes('map')).toEqual(['PP', 'aa', 'PP'])
    expect(wordVisemes('think')).toEqual(['TH', 'I', 'nn', 'kk'])
    expect(wordVisemes('shop')).toEqual(['CH', 'O', 'PP'])
    expect(wordVisemes('nice')).toEqual(['nn', 'I', 'SS'])
    expect(wordVisemes('hello')).toEqual(['E', 'nn', 'O'])
    expect(wordVisemes('moon')).toEqual(['PP', 'U', 'nn'])
  })
})

describe('viseme track', () => {
  test('spans the audio: starts after the lead silence, ends before the tail, cues in order without gaps', () => {
    const track = visemeTrack('您好，欢迎光临！Welcome to the museum.', 3.2, { lead: 0.1, tail: 0.2 })
    expect(track.cues[0].start).toBeCloseTo(0.1, 6)
    expect(track.cues.at(-1)!.end).toBeCloseTo(3.0, 6)
    for (let i = 1; i < track.cues.length; i++) {
      expect(track.cues[i].start).toBeCloseTo(track.cues[i - 1].end, 9)
      expect(track.cues[i].viseme).not.toBe(track.cues[i - 1].viseme)
    }
    // The comma and the sentence end are pauses inside the speech.
    expect(track.cues.filter((c) => c.viseme === 'sil').length).toBeGreaterThanOrEqual(2)
  })

  test('the same text over longer audio is stretched in proportion', () => {
    const short = visemeTrack('你好世界', 1)
    const long = visemeTrack('你好世界', 2)
    expect(long.cues.map((c) => c.viseme)).toEqual(short.cues.map((c) => c.viseme))
    long.cues.forEach((c, i) => expect(c.end).toBeCloseTo(short.cues[i].end * 2, 9))
  })

  test('the mouth opens on vowels, closes on b/p/m and rests outside the speech', () => {
    const track = visemeTrack('爸爸', 1, { lead: 0.2 })
    expect(mouthAt(track, 0.1).open).toBe(0)
    expect(mouthAt(track, 1.5).open).toBe(0)
    const opens = track.cues.map((c) => mouthAt(track, c.start + (c.end - c.start) * 0.3))
    expect(track.cues.map((c) => c.viseme)).toEqual(['PP', 'aa', 'PP', 'aa'])
    expect(opens.map((o) => o.open)).toEqual([0, 1, 0, 1])
    // Near a cue's end the pose eases towards the next one.
    const aa = track.cues[1]
    const late = mouthAt(track, aa.end - 0.001).open
    expect(late).toBeLessThan(1)
    expect(late).toBeGreaterThan(0)
  })
})

describe('loudness fallback', () => {
  const rate = 16000
  // 0.3 s silence, 0.4 s tone, 0.3 s silence.
  const samples = new Float32Array(rate).map((_, i) => (i >= 0.3 * rate && i < 0.7 * rate ? 0.5 * Math.sin((2 * Math.PI * 220 * i) / rate) : 0))

  test('the RMS envelope drives the jaw: open while the tone sounds, closed in the silences', () => {
    const env = rmsEnvelope(samples, rate)
    expect(env.frame).toBeCloseTo(0.02, 6)
    expect(opennessAt(env, 0.1)).toBe(0)
    expect(opennessAt(env, 0.5)).toBeGreaterThan(0.9)
    expect(opennessAt(env, 0.9)).toBe(0)
    expect(opennessAt(env, 5)).toBe(0)
    // The silences around the voice, to fit a text track to it.
    const { lead, tail } = speechBounds(env)
    expect(lead).toBeCloseTo(0.3, 2)
    expect(tail).toBeCloseTo(0.3, 2)
  })

  test('a live follower opens fast, closes to rest in silence', () => {
    const f = new LoudnessFollower()
    const loud = [0.3, 0.3, 0.3].map((r) => f.next(r))
    expect(loud[0]).toBeGreaterThan(0.5)
    let last = 1
    for (let i = 0; i < 30; i++) last = f.next(0)
    expect(last).toBe(0)
  })

  test('espeak-ng speech: the envelope is loud where the voice is and the WAV round-trips', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lipsync-'))
    const file = join(dir, 'hello.wav')
    execFileSync('espeak-ng', ['-w', file, 'hello, this is a test'], { stdio: 'ignore' })
    const bytes = new Uint8Array(readFileSync(file))
    const pcm = decodeWav(bytes)
    expect(pcm.sampleRate).toBe(22050)
    expect(wavDuration(bytes)).toBeGreaterThan(0.8)
    const env = rmsEnvelope(pcm.samples, pcm.sampleRate)
    const open = Array.from({ length: env.values.length }, (_, f) => opennessAt(env, f * env.frame))
    // Speech has syllables: the mouth both opens wide and closes during it.
    expect(Math.max(...open)).toBeGreaterThan(0.8)
    expect(open.filter((o) => o === 0).length).toBeGreaterThan(3)
    const again = decodeWav(encodeWav(pcm))
    expect(again.samples.length).toBe(pcm.samples.length)
    expect(Math.abs(again.samples[1000] - pcm.samples[1000])).toBeLessThan(1e-4)
  })

  test('a file that is not 16-bit PCM WAV is refused with a clear error', () => {
    expect(() => decodeWav(new TextEncoder().encode('ID3 not a wav'))).toThrow('not a WAV file')
  })
})
