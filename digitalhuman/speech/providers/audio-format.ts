// Names an audio file's format from its first bytes: uploads and recordings arrive without a
// trustworthy name or type, and transcription endpoints pick their decoder from the file name.

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
