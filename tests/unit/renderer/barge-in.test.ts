// The kiosk's rule for when a voice on the microphone counts (src-renderer/src/kiosk/barge-in.ts):
// at once in a quiet room; while the avatar speaks, only a loud voice that lasts.
import { describe, expect, it } from 'vitest'
import { BARGE_IN_DEFAULTS, BargeInGate, frameDb, type GateEvent } from '../../../src-renderer/src/kiosk/barge-in'

const FRAME = 32
const gate = () => new BargeInGate({ ...BARGE_IN_DEFAULTS, frameMs: FRAME, threshold: 0.5 })

type Frame = { p: number; db: number; playing: boolean }

/** Feeds frames 32 ms apart from `start`; returns the gate's events by frame index. */
function events(g: BargeInGate, frames: Frame[], start = 0): Record<number, GateEvent> {
  const out: Record<number, GateEvent> = {}
  frames.forEach((f, i) => {
    const e = g.frame({ probability: f.p, db: f.db, playing: f.playing, now: start + i * FRAME })
    if (e) out[i] = e
  })
  return out
}

/** The index of the frame that counted, or -1. */
function feed(g: BargeInGate, frames: Frame[], start = 0): number {
  const hit = Object.entries(events(g, frames, start)).find(([, e]) => e === 'count')
  return hit ? Number(hit[0]) : -1
}
const times = <T>(n: number, x: T): T[] => Array.from({ length: n }, () => x)

describe('BargeInGate', () => {
  it('counts the first speech frame when nothing of ours plays, once per segment', () => {
    const g = gate()
    expect(feed(g, [...times(3, { p: 0.1, db: -60, playing: false }), ...times(5, { p: 0.9, db: -50, playing: false })])).toBe(3)
    expect(g.endSegment()).toBe(true)
    // The next segment starts fresh.
    expect(feed(g, [{ p: 0.9, db: -30, playing: false }], 10_000)).toBe(0)
  })

  it('while the avatar speaks, a loud voice counts after 96 ms of it (3 frames of 32 ms)', () => {
    const g = gate()
    expect(feed(g, times(8, { p: 0.9, db: -25, playing: true }))).toBe(2)
    expect(g.endSegment()).toBe(true)
  })

  it('while the avatar speaks, its own quiet echo never counts, however long, and the segment is dropped', () => {
    const g = gate()
    expect(feed(g, times(100, { p: 0.95, db: -60, playing: true }))).toBe(-1)
    expect(g.endSegment()).toBe(false)
  })

  it('a short loud sound under the avatar (a knock) does not count, nor loud frames spread wider than the window', () => {
    const g = gate()
    const knock = [...times(2, { p: 0.9, db: -20, playing: true }), ...times(20, { p: 0.1, db: -60, playing: true })]
    expect(feed(g, knock)).toBe(-1)
    // One loud speech frame every 200 ms: never 3 within 320 ms.
    const sparse = Array.from({ length: 30 }, (_, i) => (i % 6 === 0 ? { p: 0.9, db: -20, playing: true } : { p: 0.9, db: -60, playing: true }))
    expect(feed(g, sparse, 5_000)).toBe(-1)
    expect(g.endSegment()).toBe(false)
  })

  it('a visitor whose first syllables the echo canceller lowered still counts: loud frames need not be in a row', () => {
    const g = gate()
    const lowered = [
      { p: 0.9, db: -33, playing: true },
      { p: 0.2, db: -48, playing: true },
      { p: 0.7, db: -38, playing: true },
      { p: 0.6, db: -37, playing: true }
    ]
    expect(feed(g, lowered)).toBe(3)
  })

  it('the room echo just after the avatar stops is still treated as ours (tail), then speech counts at once', () => {
    const g = gate()
    feed(g, times(3, { p: 0.1, db: -70, playing: true }), 0)
    // 64 ms after the last playing frame: inside the 300 ms tail, quiet speech does not count.
    expect(g.frame({ probability: 0.9, db: -60, playing: false, now: 64 + 64 })).toBe(null)
    // 400 ms after: the room is quiet again, the same voice counts.
    expect(g.frame({ probability: 0.9, db: -60, playing: false, now: 64 + 400 })).toBe('count')
  })

  it('while the avatar speaks, the first loud speech frame holds it (silent at once) and the count follows; a quiet room counts with no hold', () => {
    expect(events(gate(), times(4, { p: 0.9, db: -25, playing: true }))).toEqual({ 0: 'hold', 2: 'count' })
    expect(events(gate(), times(2, { p: 0.9, db: -25, playing: false }))).toEqual({ 0: 'count' })
  })

  it('a hold that does not become a barge-in (a knock, a loud word of our own echo) is released once no loud speech came for the window', () => {
    const g = gate()
    const knock = [{ p: 0.9, db: -20, playing: true }, ...times(15, { p: 0.1, db: -60, playing: true })]
    // Loud at 0 ms; the window (320 ms) is empty again from the frame at 320 ms (index 10).
    expect(events(g, knock)).toEqual({ 0: 'hold', 10: 'release' })
    // Its own quiet echo never holds it.
    expect(events(g, times(30, { p: 0.95, db: -60, playing: true }), 1_000)).toEqual({})
    // A hold the segment's end cuts short: the next segment may hold again.
    expect(events(g, [{ p: 0.9, db: -20, playing: true }], 2_000)).toEqual({ 0: 'hold' })
    expect(g.endSegment()).toBe(false)
    expect(events(g, [{ p: 0.9, db: -20, playing: true }], 3_000)).toEqual({ 0: 'hold' })
  })

  it('a louder threshold can be set for a noisy hall', () => {
    const g = new BargeInGate({ ...BARGE_IN_DEFAULTS, loudDb: -20, frameMs: FRAME, threshold: 0.5 })
    expect(feed(g, times(10, { p: 0.9, db: -25, playing: true }))).toBe(-1)
  })
})

describe('frameDb', () => {
  it('is the RMS level in dBFS', () => {
    expect(frameDb(new Float32Array(512).fill(1))).toBeCloseTo(0)
    expect(frameDb(new Float32Array(512).fill(0.1))).toBeCloseTo(-20)
    expect(frameDb(new Float32Array(512))).toBe(-Infinity)
  })
})
