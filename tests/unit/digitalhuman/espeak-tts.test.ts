// The offline voice: espeak-ng compiled to wasm (the optional `espeak-ng` package, in a worker
// thread), or espeak-ng run as a program, text on stdin, WAV out.
import { afterAll, describe, expect, test } from 'vitest'
import { AppError } from '../../../src-main/contract/errors'
import { decodeWav, wavDuration } from '../../../digitalhuman/audio/wav'
import { espeakTts } from '../../../digitalhuman/speech/providers/espeak-tts'
import { espeakWasmEntry, stopEspeakWasm } from '../../../digitalhuman/speech/providers/espeak-wasm'

afterAll(() => stopEspeakWasm())

describe.each(['program', 'wasm'] as const)('espeak-ng offline voice (%s)', (engine) => {
  test('speaks Chinese and English as WAV with correct sizes; the voice follows the script', async () => {
    const tts = espeakTts({ engine })
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
    const wrong = await espeakTts({ voice: 'en', engine }).synthesize('您好，欢迎光临博物馆。')
    expect(wavDuration(wrong.audio)).toBeGreaterThan(wavDuration(zh.audio) * 1.3)
  })

  test('text that starts with "-" is spoken, not taken for an option', async () => {
    const s = await espeakTts({ voice: 'en', engine }).synthesize('-v is not an option here')
    expect(wavDuration(s.audio)).toBeGreaterThan(0.5)
  })

  test('a missing program, an unknown voice and empty text are clear errors', async () => {
    const missing = await espeakTts({ command: 'no-such-espeak', engine: 'program' })
      .synthesize('hello')
      .catch((e) => e)
    expect(missing).toBeInstanceOf(AppError)
    expect(missing.message).toMatch(/apt-get install espeak-ng/)
    const badVoice = await espeakTts({ voice: 'xx-nonexistent', engine })
      .synthesize('hello')
      .catch((e) => e)
    expect(badVoice).toBeInstanceOf(AppError)
    expect(badVoice.message).toMatch(/could not speak \(xx-nonexistent\)/)
    await expect(espeakTts({ engine }).synthesize('  ')).rejects.toMatchObject({ code: 'validation_failed' })
  })

  test('an abort (barge-in) stops the program', async () => {
    const ac = new AbortController()
    const p = espeakTts({ engine }).synthesize('This is a long sentence. '.repeat(200), { signal: ac.signal })
    ac.abort()
    await expect(p).rejects.toMatchObject({ name: 'AbortError' })
  })
})

describe('which engine speaks', () => {
  test('the program speaks where it is installed; where it is missing the wasm build does', async () => {
    expect(espeakWasmEntry()).toMatch(/espeak-ng/)
    const text = 'Welcome to the museum, please come in.'
    const program = await espeakTts().synthesize(text)
    const wasm = await espeakTts({ command: 'not-installed-espeak' }).synthesize(text)
    // Both say the same for about as long (the wasm build is espeak-ng 1.52, the program 1.51).
    expect(wavDuration(wasm.audio) / wavDuration(program.audio)).toBeGreaterThan(0.6)
    expect(wavDuration(wasm.audio) / wavDuration(program.audio)).toBeLessThan(1.6)
    expect(program.audio).not.toEqual(wasm.audio)
    const fast = await espeakTts({ command: 'not-installed-espeak', wpm: 350 }).synthesize(text)
    expect(wavDuration(fast.audio)).toBeLessThan(wavDuration(wasm.audio) * 0.7)
  })

  test('sentences asked for at once come back in order, each its own', async () => {
    const tts = espeakTts({ engine: 'wasm' })
    const texts = ['一。', 'This sentence is clearly the longest of the three, by far.', 'Two.']
    const out = await Promise.all(texts.map((t) => tts.synthesize(t)))
    const seconds = out.map((o) => wavDuration(o.audio))
    expect(seconds[1]).toBeGreaterThan(seconds[0])
    expect(seconds[1]).toBeGreaterThan(seconds[2])
  })
})
