// The loudness envelope of an encoded audio reply (WAV, MP3, Opus…), decoded offline in the
// browser. Decoding only: the audio itself plays through an <audio> element, because Chromium's
// echo cancellation ignores Web Audio playback and the avatar's own voice would trigger barge-in.
import { rmsEnvelope, type LoudnessEnvelope } from '../lipsync/loudness'

export async function envelopeOfAudio(encoded: ArrayBuffer): Promise<LoudnessEnvelope> {
  const ctx = new OfflineAudioContext(1, 1, 44100)
  const buffer = await ctx.decodeAudioData(encoded.slice(0))
  return rmsEnvelope(buffer.getChannelData(0), buffer.sampleRate)
}
