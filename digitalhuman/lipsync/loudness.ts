// Loudness as the lip-sync fallback, when no text timing is available (a voice that arrives as a
// stream, a LiveTalking-less audio file): an RMS envelope of the samples drives the jaw.

export interface LoudnessEnvelope {
  /** Seconds per value. */
  frame: number
  /** RMS per frame, normalised so the loudest frame is 1. */
  values: Float32Array
}

/** RMS of a block of samples (−1..1). */
export function rms(samples: ArrayLike<number>, from = 0, to = samples.length): number {
  let sum = 0
  for (let i = from; i < to; i++) sum += samples[i] * samples[i]
  return to > from ? Math.sqrt(sum / (to - from)) : 0
}

/** The RMS envelope of mono PCM in frames of `frameMs` (default 20 ms). */
export function rmsEnvelope(samples: Float32Array, sampleRate: number, frameMs = 20): LoudnessEnvelope {
  const size = Math.max(1, Math.round((sampleRate * frameMs) / 1000))
  const values = new Float32Array(Math.ceil(samples.length / size))
  let peak = 0
  for (let f = 0; f < values.length; f++) {
    values[f] = rms(samples, f * size, Math.min(samples.length, (f + 1) * size))
    peak = Math.max(peak, values[f])
  }
  if (peak > 0) for (let f = 0; f < values.length; f++) values[f] /= peak
  return { frame: size / sampleRate, values }
}

/** Jaw opening (0..1) at `time` seconds: below `gate` the mouth rests, above it opens with loudness. */
export function opennessAt(env: LoudnessEnvelope, time: number, gate = 0.08): number {
  const v = env.values[Math.floor(time / env.frame)] ?? 0
  return v < gate ? 0 : Math.min(1, Math.sqrt((v - gate) / (1 - gate)))
}

/**
 * Live loudness → jaw for audio that is analysed while it plays (a Web Audio AnalyserNode):
 * quick to open, slower to close, so the mouth does not flicker between syllables.
 */
export class LoudnessFollower {
  private level = 0
  private peak = 0.05

  constructor(private readonly gate = 0.02) {}

  /** Feed one block's RMS; returns the jaw opening 0..1. */
  next(blockRms: number): number {
    // The running peak adapts to the voice's own volume and decays slowly.
    this.peak = Math.max(blockRms, this.peak * 0.995, 0.05)
    const target = blockRms < this.gate ? 0 : Math.min(1, blockRms / this.peak)
    this.level += (target - this.level) * (target > this.level ? 0.6 : 0.25)
    return this.level < 0.02 ? 0 : this.level
  }
}

/** Silence before and after the speech in an envelope (seconds), to fit a text track to the voice. */
export function speechBounds(env: LoudnessEnvelope, gate = 0.08): { lead: number; tail: number } {
  const v = env.values
  let first = 0
  while (first < v.length && v[first] < gate) first++
  if (first === v.length) return { lead: 0, tail: 0 }
  let last = v.length - 1
  while (last > first && v[last] < gate) last--
  return { lead: first * env.frame, tail: (v.length - 1 - last) * env.frame }
}
