// Push-to-talk recording as 16-bit PCM WAV: every speech recogniser (and the fake one in tests)
// reads WAV, while MediaRecorder's WebM/Opus is not accepted by all of them. The samples are taken
// with a ScriptProcessor (no worklet module to load under the page's strict CSP).
import { encodeWav } from '../../../digitalhuman/audio/wav'

export interface Recording {
  wav: Uint8Array
  seconds: number
}

export class PushToTalk {
  private stream: MediaStream | null = null
  private context: AudioContext | null = null
  private chunks: Float32Array[] = []
  private rate = 16000

  get recording(): boolean {
    return this.context !== null
  }

  /** Opens the microphone (the browser may ask) and starts keeping samples. */
  async start(): Promise<void> {
    if (this.context) return
    this.stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, channelCount: 1 } })
    const context = new AudioContext()
    this.context = context
    this.rate = context.sampleRate
    this.chunks = []
    const source = context.createMediaStreamSource(this.stream)
    const tap = context.createScriptProcessor(4096, 1, 1)
    tap.onaudioprocess = (e) => this.chunks.push(new Float32Array(e.inputBuffer.getChannelData(0)))
    source.connect(tap)
    // A processor only runs when connected to the output; it writes silence there.
    tap.connect(context.destination)
  }

  /** Stops and returns what was said (null when nothing was recorded). */
  async stop(): Promise<Recording | null> {
    const context = this.context
    this.context = null
    for (const t of this.stream?.getTracks() ?? []) t.stop()
    this.stream = null
    if (!context) return null
    await context.close()
    const length = this.chunks.reduce((n, c) => n + c.length, 0)
    if (!length) return null
    const samples = new Float32Array(length)
    let at = 0
    for (const c of this.chunks) {
      samples.set(c, at)
      at += c.length
    }
    this.chunks = []
    return { wav: encodeWav({ sampleRate: this.rate, samples }), seconds: length / this.rate }
  }
}
