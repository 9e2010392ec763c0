// The speech queue between the segmenter and the player: in order, one sentence ahead, failures
// kept as text, barge-in aborts.
import { describe, expect, test } from 'vitest'
import { SpeechQueue, type SpeechItem } from '../../../digitalhuman/speech/speech-queue'

interface Call {
  text: string
  signal: AbortSignal
  resolve: (audio: string) => void
  reject: (err: Error) => void
}

/** A TTS whose calls the test finishes by hand, in any order. */
function manualTts() {
  const calls: Call[] = []
  const synth = (text: string, signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      calls.push({ text, signal, resolve, reject })
      signal.addEventListener('abort', () => reject(new Error('aborted')))
    })
  return { calls, synth }
}

/** Collects items as the consumer (the player) takes them. */
function consume<A>(q: SpeechQueue<A>) {
  const items: SpeechItem<A>[] = []
  const done = (async () => {
    for await (const item of q) items.push(item)
  })()
  return { items, done }
}

const settle = () => new Promise((r) => setImmediate(r))

describe('speech queue', () => {
  test('sentences come out in order even when their audio is ready out of order; one is synthesized ahead', async () => {
    const tts = manualTts()
    const q = new SpeechQueue(tts.synth)
    const { items, done } = consume(q)
    for (const s of ['第一句。', '第二句。', '第三句。', '第四句。']) q.push(s)
    q.end()
    await settle()
    // The first sentence and one ahead: not the whole answer at once.
    expect(tts.calls.map((c) => c.text)).toEqual(['第一句。', '第二句。'])
    tts.calls[1].resolve('audio-2')
    await settle()
    expect(items).toEqual([])
    tts.calls[0].resolve('audio-1')
    await settle()
    expect(items.map((i) => i.audio)).toEqual(['audio-1', 'audio-2'])
    expect(tts.calls.map((c) => c.text)).toEqual(['第一句。', '第二句。', '第三句。', '第四句。'])
    tts.calls[3].resolve('audio-4')
    tts.calls[2].resolve('audio-3')
    await done
    expect(items.map((i) => [i.index, i.text, i.audio])).toEqual([
      [0, '第一句。', 'audio-1'],
      [1, '第二句。', 'audio-2'],
      [2, '第三句。', 'audio-3'],
      [3, '第四句。', 'audio-4']
    ])
  })

  test('a sentence whose synthesis fails still comes out, as text with its error, and the rest go on', async () => {
    const tts = manualTts()
    const q = new SpeechQueue(tts.synth)
    const { items, done } = consume(q)
    q.push('Hello there.')
    q.push('The provider fails here.')
    q.push('And recovers.')
    q.end()
    await settle()
    tts.calls[0].resolve('a')
    tts.calls[1].reject(new Error('TTS 503'))
    await settle()
    tts.calls[2].resolve('c')
    await done
    expect(items.map((i) => i.text)).toEqual(['Hello there.', 'The provider fails here.', 'And recovers.'])
    expect(items[1].audio).toBeUndefined()
    expect((items[1].error as Error).message).toBe('TTS 503')
  })

  test('the consumer waits for sentences still streaming, and finishes at end()', async () => {
    const tts = manualTts()
    const q = new SpeechQueue(tts.synth, { ahead: 0 })
    const { items, done } = consume(q)
    await settle()
    q.push('one')
    await settle()
    tts.calls[0].resolve('1')
    await settle()
    expect(items).toHaveLength(1)
    q.push('two')
    await settle()
    tts.calls[1].resolve('2')
    q.end()
    await done
    expect(items.map((i) => i.audio)).toEqual(['1', '2'])
  })

  test('barge-in: cancel aborts synthesis in flight, drops the queue and ends the iteration', async () => {
    const tts = manualTts()
    const q = new SpeechQueue(tts.synth)
    const { items, done } = consume(q)
    q.push('first')
    q.push('second')
    q.push('third')
    await settle()
    tts.calls[0].resolve('1')
    await settle()
    expect(items).toHaveLength(1)
    q.cancel()
    await done
    expect(items).toHaveLength(1)
    expect(tts.calls.every((c) => c.signal.aborted)).toBe(true)
    // Nothing more is synthesized after a cancel.
    q.push('late')
    expect(tts.calls.map((c) => c.text)).not.toContain('late')
  })
})
