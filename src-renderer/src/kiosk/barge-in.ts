// When does a voice on the kiosk's microphone count? Pure, so the rule is tested frame by frame.
//
// The avatar's own voice reaches the microphone too. Chromium's echo cancellation removes most of
// it because the kiosk plays through an <audio> element (it does not cancel Web Audio playback,
// see digitalhuman/README.md), but what is left — quiet fragments of our own sentences — still
// looks like speech to the VAD, which does not care how loud speech is. So:
//
// - while nothing of ours plays (and `tailMs` after it stopped: the room's echo dies away), the
//   first speech frame counts: the visitor is asking;
// - while our voice plays, speech counts only once it has been loud (≥ `loudDb` dBFS RMS, a
//   visitor at the kiosk) for `bargeInMs` within the last `windowMs`. Echo left over after
//   cancellation is 20–40 dB quieter than a person at arm's length, and a click or a knock is
//   shorter than `bargeInMs`. The frames need not be in a row: while the avatar talks, the echo
//   canceller also lowers the visitor's first syllables (by 15–20 dB, measured here) and Silero's
//   probability dips between syllables, and the avatar must fall silent within 300 ms of the
//   visitor's first word (bench/voice/kiosk-listening.ts).
//
// Measured in Chromium here (tests/e2e/kiosk-listening.test.ts): a copy of the avatar's sentence
// 35 dB down on the microphone while the <audio> element plays is cancelled before the VAD even
// hears it; the same sound with the avatar silent is heard. The rule is for what cancellation misses
// (a loud speaker, a reverberant hall), and for a photoreal avatar's stream.
//
// A speech segment that never counted (our echo, a soft voice under the avatar's) is dropped at
// its end instead of being transcribed.
//
// Hold: the rule's decision comes late, and the avatar used to talk on until then. Measured with
// bench/voice/kiosk-listening.ts (20 rounds): visitor speech onset → the rule counts it p50 326 /
// p90 375 ms at load ~1 (321 / 348 ms at load ~12), most of it the echo canceller lowering the
// visitor's first syllables until three loud frames are in (the very first loud speech frame
// comes much earlier). So the first loud speech frame while our voice plays holds the avatar:
// its <audio> pauses there (onset → silent p50 56 / p90 294 ms at load ~12, was 315 / 378 at
// load ~1), and plays on from the same place if no barge-in follows within `windowMs`. Echo
// quieter than `loudDb` never holds it (tests/e2e/kiosk-listening.test.ts); a knock or a loud
// word of our own costs a pause of about `windowMs`, nothing is lost.

export interface BargeInOptions {
  /** Milliseconds of audio in one VAD frame (Silero v5: 512 samples at 16 kHz = 32 ms). */
  frameMs: number
  /** The VAD's speech probability from which a frame is speech. */
  threshold: number
  /** While our voice plays: how loud a frame must be to count, in dBFS (RMS). */
  loudDb: number
  /** While our voice plays: milliseconds of loud speech (within `windowMs`) before it is a barge-in. */
  bargeInMs: number
  /** The span in which those loud speech frames are counted. */
  windowMs: number
  /** After our voice stops, milliseconds during which it still counts as playing (room echo). */
  tailMs: number
}

export const BARGE_IN_DEFAULTS: Omit<BargeInOptions, 'frameMs' | 'threshold'> = { loudDb: -42, bargeInMs: 96, windowMs: 320, tailMs: 300 }

/** RMS level of a frame in dBFS (−Infinity for digital silence). */
export function frameDb(frame: Float32Array): number {
  let sum = 0
  for (let i = 0; i < frame.length; i++) sum += frame[i] * frame[i]
  return 10 * Math.log10(sum / Math.max(1, frame.length))
}

/**
 * What a frame means for the avatar: `count` the segment counts (barge-in while our voice plays);
 * `hold` a loud speech frame came while our voice plays and might be a visitor: fall silent now,
 * before the rule has decided; `release` it was not (no loud speech for `windowMs`): speak on.
 */
export type GateEvent = 'count' | 'hold' | 'release' | null

export class BargeInGate {
  /** When recent loud speech frames came (ms), while our voice plays. */
  private loud: number[] = []
  private counted = false
  private held = false
  private lastPlayingAt = -Infinity

  constructor(private readonly opts: BargeInOptions) {}

  /**
   * One VAD frame. `now` in ms (any monotonic clock), `playing` whether our voice plays now.
   * `count` exactly once per segment: on the frame that makes the segment count. `hold` at most
   * once before a `count` or a `release`.
   */
  frame(f: { probability: number; db: number; playing: boolean; now: number }): GateEvent {
    if (f.playing) this.lastPlayingAt = f.now
    if (this.counted) return null
    this.loud = this.loud.filter((t) => f.now - t < this.opts.windowMs)
    const speech = f.probability >= this.opts.threshold
    const ours = f.playing || f.now - this.lastPlayingAt < this.opts.tailMs
    if (speech && !ours) return this.count()
    if (speech && f.db >= this.opts.loudDb) {
      this.loud.push(f.now)
      if (this.loud.length * this.opts.frameMs >= this.opts.bargeInMs) return this.count()
      if (!this.held && f.playing) {
        this.held = true
        return 'hold'
      }
    }
    if (this.held && !this.loud.length) {
      this.held = false
      return 'release'
    }
    return null
  }

  /** Did the segment now ending count? Resets for the next one (the caller releases a hold that did not count). */
  endSegment(): boolean {
    const counted = this.counted
    this.counted = this.held = false
    this.loud = []
    return counted
  }

  private count(): GateEvent {
    this.counted = true
    this.held = false
    return 'count'
  }
}
