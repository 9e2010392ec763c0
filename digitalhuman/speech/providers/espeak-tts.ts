// An offline voice for Chinese and English through espeak-ng (GPL-3): the espeak-ng program
// (Debian/Ubuntu package `espeak-ng`, run as a separate program, not linked) where it is installed,
// else the wasm build (optional npm package `espeak-ng`, espeak-wasm.ts). Robotic, but it needs
// no key, no network and no model download, so a kiosk speaks even when the cloud voice is unreachable.
import { spawn } from 'node:child_process'
import { AppError } from '../../../src-main/contract/errors'
import { espeakWasmEntry, speakWasm } from './espeak-wasm'
import type { SynthesizedSpeech, TtsProvider } from './types'

export interface EspeakVoice {
  /** espeak-ng voice; by default `cmn` for text with Chinese characters, `en` otherwise. */
  voice?: string
  /** Words per minute (espeak-ng's default is 175). */
  wpm?: number
  /** The program to run. */
  command?: string
  /** `auto` (default): the program, or the wasm build where the program is missing. */
  engine?: 'auto' | 'wasm' | 'program'
}

const CJK = /[\u3400-\u9fff]/

/**
 * Programs found missing: not spawned again. The program comes first where it is installed: it
 * speaks a sentence several times faster than the wasm build, which instantiates its 18 MB module
 * for every call (bench/speech/espeak-engines.ts).
 */
const missingPrograms = new Set<string>()

/** espeak-ng streams its WAV with placeholder sizes; players want the real ones. */
function fixWavSizes(wav: Uint8Array): Uint8Array {
  const v = new DataView(wav.buffer, wav.byteOffset, wav.byteLength)
  for (let at = 12; at + 8 <= wav.length;) {
    const id = String.fromCharCode(...wav.subarray(at, at + 4))
    if (id === 'data') {
      v.setUint32(at + 4, wav.length - at - 8, true)
      v.setUint32(4, wav.length - 8, true)
      break
    }
    at += 8 + v.getUint32(at + 4, true)
  }
  return wav
}

export function espeakTts(opts: EspeakVoice = {}): TtsProvider {
  const command = opts.command ?? 'espeak-ng'
  const engine = opts.engine ?? 'auto'
  const wpm = opts.wpm ? Math.round(Math.min(450, Math.max(80, opts.wpm))) : undefined

  function viaProgram(input: string, voice: string, call: { signal?: AbortSignal }): Promise<SynthesizedSpeech> {
    const args = ['-v', voice, '--stdout', ...(wpm ? ['-s', String(wpm)] : [])]
    return new Promise((resolve, reject) => {
      // The text goes in on stdin: as an argument, one starting with "-" would read as an option.
      const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], signal: call.signal })
      const out: Buffer[] = []
      let err = ''
      child.stdout.on('data', (b: Buffer) => out.push(b))
      child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')))
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (call.signal?.aborted) return reject(e)
        if (e.code === 'ENOENT')
          return reject(new AppError('upstream_error', `The offline voice needs ${command}: install it (apt-get install espeak-ng)`, { reason: 'unreachable' }))
        reject(new AppError('upstream_error', `The offline voice failed: ${e.message}`, { reason: 'upstream_error' }))
      })
      child.on('close', (code) => {
        if (call.signal?.aborted) return
        const wav = new Uint8Array(Buffer.concat(out))
        // espeak-ng exits 0 even for an unknown voice; it then writes nothing.
        if (code !== 0 || wav.length <= 44) {
          const detail = err.trim().split('\n')[0] || `exit code ${code}`
          return reject(new AppError('upstream_error', `The offline voice could not speak (${voice}): ${detail}`, { reason: 'upstream_error' }))
        }
        resolve({ audio: fixWavSizes(wav), mime: 'audio/wav' })
      })
      child.stdin.on('error', () => undefined)
      child.stdin.end(input)
    })
  }

  async function viaWasm(input: string, voice: string, call: { signal?: AbortSignal }): Promise<SynthesizedSpeech> {
    try {
      return { audio: await speakWasm({ text: input, voice, wpm }, call.signal), mime: 'audio/wav' }
    } catch (err) {
      if (call.signal?.aborted) throw err
      throw new AppError('upstream_error', `The offline voice could not speak (${voice}): ${(err as Error).message}`, { reason: 'upstream_error' })
    }
  }

  return {
    async synthesize(text, call = {}) {
      const input = text.trim()
      if (!input) throw new AppError('validation_failed', 'Nothing to speak: the text is empty')
      const voice = opts.voice ?? (CJK.test(input) ? 'cmn' : 'en')
      if (engine === 'wasm' || (engine === 'auto' && missingPrograms.has(command))) return viaWasm(input, voice, call)
      try {
        return await viaProgram(input, voice, call)
      } catch (err) {
        // No program (Windows, macOS, a bare Linux): the wasm build, if the optional package is there.
        if (engine !== 'auto' || (err as AppError).details === undefined || ((err as AppError).details as { reason?: string }).reason !== 'unreachable')
          throw err
        if (!espeakWasmEntry()) throw err
        missingPrograms.add(command)
        return viaWasm(input, voice, call)
      }
    }
  }
}
