// Names an audio file's format from its first bytes: uploads and recordings arrive without a
// trustworthy name or type, and transcription endpoints pick their decoder from the file name.
import { wavHeader } from '../../audio/wav'

export interface AudioFormat {
  mime: string
  ext: string
}

const SIGNATURES: [(b: Uint8Array) => boolean, AudioFormat][] = [
  [(b) => tag(b, 0, 'RIFF') && tag(b, 8, 'WAVE'), { mime: 'audio/wav', ext: 'wav' }],
  [(b) => tag(b, 0, 'ID3') || (b[0] === 0xff && (b[1] & 0xe0) === 0xe0 && (b[1] & 0x06) !== 0), { mime: 'audio/mpeg', ext: 'mp3' }],
  [(b) => tag(b, 0, 'OggS'), { mime: 'audio/ogg', ext: 'ogg' }],
  [(b) => tag(b, 0, 'fLaC'), { mime: 'audio/flac', ext: 'flac' }],
  [(b) => b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3, { mime: 'audio/webm', ext: 'webm' }],
  [(b) => tag(b, 4, 'ftyp'), { mime: 'audio/mp4', ext: 'm4a' }],
  [(b) => b[0] === 0xff && (b[1] & 0xf6) === 0xf0, { mime: 'audio/aac', ext: 'aac' }]
]

function tag(b: Uint8Array, at: number, s: string): boolean {
  if (b.length < at + s.length) return false
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false
  return true
}

/** The format of encoded audio, or undefined when the bytes are not a known audio container. */
export function sniffAudio(bytes: Uint8Array): AudioFormat | undefined {
  return SIGNATURES.find(([test]) => test(bytes))?.[1]
}

const BY_FORMAT: Record<string, string> = { wav: 'audio/wav', mp3: 'audio/mpeg', opus: 'audio/ogg', aac: 'audio/aac', flac: 'audio/flac', pcm: 'audio/L16' }

/** The MIME type of a TTS `response_format`. */
export const mimeOfFormat = (format: string): string => BY_FORMAT[format] ?? 'application/octet-stream'

/** Raw 16-bit little-endian mono PCM (what the WebSocket vendors stream) wrapped as a WAV file. */
export function pcm16Wav(pcm: Uint8Array, sampleRate: number): Uint8Array {
  const size = pcm.length - (pcm.length & 1)
  const out = new Uint8Array(44 + size)
  out.set(wavHeader(sampleRate, size))
  out.set(pcm.subarray(0, size), 44)
  return out
}

/** Mono samples (−1..1) at `from` Hz → 16-bit PCM at `to` Hz (linear interpolation: speech, not music). */
export function resamplePcm16(samples: Float32Array, from: number, to: number): Uint8Array {
  const n = from === to ? samples.length : Math.floor((samples.length * to) / from)
  const out = new Uint8Array(n * 2)
  const v = new DataView(out.buffer)
  for (let i = 0; i < n; i++) {
    const x = from === to ? i : (i * from) / to
    const a = Math.floor(x)
    const b = Math.min(a + 1, samples.length - 1)
    const s = samples[a] + (samples[b] - samples[a]) * (x - a)
    v.setInt16(i * 2, Math.round(Math.max(-1, Math.min(1, s)) * 32767), true)
  }
  return out
}
