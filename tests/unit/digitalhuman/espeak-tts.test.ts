// The offline voice: espeak-ng run as a program, text on stdin, WAV out.
import { describe, expect, test } from 'vitest'
import { AppError } from '../../../src-main/contract/errors'
import { decodeWav, wavDuration } from '../../../digitalhuman/audio/wav'
import { espeakTts } from '../../../digitalhuman/speech/providers/espeak-tts'

describe('espeak-ng offline voice', () => {
  test('speaks Chinese and English as WAV with correct sizes; the voice follows the script', async () => {
    const tts = espeakTts()
    const zh = await tts.synthesize('您好，欢迎光临博物馆。')
    const en = await tts.synthesize('Hello, welcome to the museum.')
    for (const s of [zh, en]) {
      expect(s.mime).toBe('audio/wav')
      const view = new DataView(s.audio.buffer, s.audio.byteOffset)
      expect(view.getUint32(4, true)).toBe(s.audio.length - 8)
      expect(wavDuration(s.audio)).toBeGreaterThan(1)
    }
    expect(decodeWav(zh.audio).sampleRate).toBe(22050)
    // Chinese text gets the Mandarin voice: the English one says "Chinese letter" per character.
    const wrong = await espeakTts({ voice: 'en' }).synthesize('您好，欢迎光临博物馆。')
    expect(wavDuration(wrong.audio)).toBeGreaterThan(wavDuration(zh.audio) * 1.3)
  })

  test('text that starts with "-" is spoken, not taken for an option', async () => {
    const s = await espeakTts({ voice: 'en' }).synthesize('-v is not an option here')
    expect(wavDuration(s.audio)).toBeGreaterThan(0.5)
  })

  test('a missing program, an unknown voice and empty text are clear errors', async () => {
    const missing = await espeakTts({ command: 'no-such-espeak' })
      .synthesize('hello')
      .catch((e) => e)
    expect(missing).toBeInstanceOf(AppError)
    expect(missing.message).toMatch(/apt-get install espeak-ng/)
    const badVoice = await espeakTts({ voice: 'xx-nonexistent' })
      .synthesize('hello')
      .catch((e) => e)
    expect(badVoice).toBeInstanceOf(AppError)
    expect(badVoice.message).toMatch(/could not speak \(xx-nonexistent\)/)
    await expect(espeakTts().synthesize('  ')).rejects.toMatchObject({ code: 'validation_failed' })
  })

  test('an abort (barge-in) stops the program', async () => {
    const ac = new AbortController()
    const p = espeakTts().synthesize('This is a long sentence. '.repeat(200), { signal: ac.signal })
    ac.abort()
    await expect(p).rejects.toMatchObject({ name: 'AbortError' })
  })
})
