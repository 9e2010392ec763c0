// A visitor for Chromium's fake microphone: espeak-ng speech and silences laid end to end in one
// WAV (`--use-file-for-fake-audio-capture` plays it from the moment a page opens the microphone,
// looping at its end), and the Chromium that plays it. Used by the kiosk tests and bench/voice.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { decodeWav, encodeWav } from '../../digitalhuman/audio/wav'
import { tempDir } from './boot'
import { AUTOPLAY, launchBrowser } from './browser'

export type MicPart =
  /** espeak-ng says this; `db` lowers it (an echo left over after cancellation: -40). */
  { say: string; voice?: string; db?: number } | { silence: number }

export interface MicTrack {
  file: string
  /** Where each spoken part starts and ends, in seconds from the start of the file. */
  spoken: { text: string; start: number; end: number }[]
  seconds: number
}

const RATE = 22050

/** Speech as espeak-ng says it (mono samples at 22.05 kHz, its own rate). */
export function espeak(text: string, voice = 'en'): Float32Array {
  const wav = execFileSync('espeak-ng', ['-v', voice, '--stdout', text], { maxBuffer: 64 << 20 })
  const pcm = decodeWav(new Uint8Array(wav))
  if (pcm.sampleRate !== RATE) throw new Error(`espeak-ng spoke at ${pcm.sampleRate} Hz, expected ${RATE}`)
  return pcm.samples
}

/** Writes the parts as one WAV in a temporary folder. */
export function micTrack(parts: MicPart[]): MicTrack {
  const chunks: Float32Array[] = []
  const spoken: MicTrack['spoken'] = []
  let at = 0
  for (const part of parts) {
    let samples: Float32Array
    if ('silence' in part) samples = new Float32Array(Math.round(part.silence * RATE))
    else {
      samples = espeak(part.say, part.voice)
      const gain = 10 ** ((part.db ?? 0) / 20)
      if (gain !== 1) samples = samples.map((x) => x * gain)
      spoken.push({ text: part.say, start: at / RATE, end: (at + samples.length) / RATE })
    }
    chunks.push(samples)
    at += samples.length
  }
  const all = new Float32Array(at)
  let o = 0
  for (const c of chunks) {
    all.set(c, o)
    o += c.length
  }
  const file = join(tempDir('fake-mic-'), 'mic.wav')
  writeFileSync(file, encodeWav({ sampleRate: RATE, samples: all }))
  return { file, spoken, seconds: at / RATE }
}

/** Reads a track's WAV back (for tests of the track itself). */
export const readTrack = (t: MicTrack) => decodeWav(new Uint8Array(readFileSync(t.file)))

/**
 * Chromium whose microphone plays `track` (no permission prompt), or, with `mic: 'denied'`, one
 * that refuses every page the microphone. Autoplay needs no gesture, as on a kiosk.
 */
export function launchWithMic(mic: MicTrack | 'denied'): Promise<Browser> {
  return launchBrowser(micArgs(mic))
}

/** Chromium's switches for launchWithMic (for a browser launched another way). */
export function micArgs(mic: MicTrack | 'denied'): string[] {
  const media =
    mic === 'denied'
      ? ['--use-fake-device-for-media-stream', '--deny-permission-prompts']
      : ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${mic.file}`]
  return [AUTOPLAY, ...media]
}
