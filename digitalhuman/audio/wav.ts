// 16-bit PCM WAV in and out, in pure TypeScript (the renderer decodes a TTS reply for its loudness;
// the fake model server and the tests make speech-shaped audio without a codec).

export interface Pcm {
  sampleRate: number
  /** Mono samples −1..1 (channels are averaged). */
  samples: Float32Array
}

/** The 44-byte header of a mono 16-bit PCM WAV file whose samples take `dataBytes`. */
export function wavHeader(sampleRate: number, dataBytes: number): Uint8Array {
  const bytes = new Uint8Array(44)
  const v = new DataView(bytes.buffer)
  const ascii = (at: number, s: string) => [...s].forEach((c, i) => v.setUint8(at + i, c.charCodeAt(0)))
  ascii(0, 'RIFF')
  v.setUint32(4, 36 + dataBytes, true)
  ascii(8, 'WAVE')
  ascii(12, 'fmt ')
  v.setUint32(16, 16, true)
  v.setUint16(20, 1, true)
  v.setUint16(22, 1, true)
  v.setUint32(24, sampleRate, true)
  v.setUint32(28, sampleRate * 2, true)
  v.setUint16(32, 2, true)
  v.setUint16(34, 16, true)
  ascii(36, 'data')
  v.setUint32(40, dataBytes, true)
  return bytes
}

/** Mono 16-bit PCM WAV bytes. */
export function encodeWav({ sampleRate, samples }: Pcm): Uint8Array {
  const bytes = new Uint8Array(44 + samples.length * 2)
  bytes.set(wavHeader(sampleRate, samples.length * 2))
  const v = new DataView(bytes.buffer)
  for (let i = 0; i < samples.length; i++) v.setInt16(44 + i * 2, Math.round(Math.max(-1, Math.min(1, samples[i])) * 32767), true)
  return bytes
}

/** Decodes 16-bit PCM WAV (any channel count, chunks in any order); throws on anything else. */
export function decodeWav(bytes: Uint8Array): Pcm {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4))
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a WAV file')
  let channels = 0
  let sampleRate = 0
  let bits = 0
  for (let at = 12; at + 8 <= bytes.length;) {
    const id = tag(at)
    // espeak-ng writes 0xFFFFFFFF as the data size when it streams to a file.
    let size = v.getUint32(at + 4, true)
    if (id === 'fmt ') {
      if (v.getUint16(at + 8, true) !== 1) throw new Error('WAV is not PCM')
      channels = v.getUint16(at + 10, true)
      sampleRate = v.getUint32(at + 12, true)
      bits = v.getUint16(at + 22, true)
    } else if (id === 'data') {
      if (bits !== 16 || !channels) throw new Error('WAV is not 16-bit PCM')
      size = Math.min(size, bytes.length - at - 8)
      const frames = Math.floor(size / (2 * channels))
      const samples = new Float32Array(frames)
      for (let f = 0; f < frames; f++) {
        let sum = 0
        for (let c = 0; c < channels; c++) sum += v.getInt16(at + 8 + (f * channels + c) * 2, true)
        samples[f] = sum / channels / 32768
      }
      return { sampleRate, samples }
    }
    at += 8 + size + (size & 1)
  }
  throw new Error('WAV has no data chunk')
}

/** Seconds of audio in a PCM WAV. */
export const wavDuration = (bytes: Uint8Array): number => {
  const { sampleRate, samples } = decodeWav(bytes)
  return samples.length / sampleRate
}
