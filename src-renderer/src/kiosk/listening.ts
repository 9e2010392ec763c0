// Hands-free listening for the kiosk: the Silero voice activity detector that ships inside
// @ricky0123/vad-web, run by onnxruntime-web's wasm build, both served by our own server from /vad/
// (electron.vite.config.ts copies them into the build): no download, works offline on the LAN.
// Each utterance comes out as 16 kHz WAV for the agent's ASR (/speech/transcribe); a visitor who
// starts speaking while the avatar talks is reported at once (barge-in), under the rule in
// barge-in.ts so the avatar's own voice does not interrupt it. Loaded lazily by the kiosk, so the
// page works (push-to-talk, text) even where the model cannot run.
import { MicVAD } from '@ricky0123/vad-web'
import { encodeWav } from '../../../digitalhuman/audio/wav'
import { BARGE_IN_DEFAULTS, BargeInGate, frameDb, type BargeInOptions } from './barge-in'

/** Where the server serves the model, the worklet and the ORT wasm (see electron.vite.config.ts). */
const ASSETS = '/vad/'
const SAMPLE_RATE = 16000
/** Silero v5 reads 512-sample frames: 32 ms each. */
const FRAME_MS = 32

/**
 * The detector's tuning. vad-web's defaults (redemption 1400 ms) merge two questions asked a
 * second apart into one; 600 ms of silence ends an utterance and keeps them apart, while the
 * pauses inside a sentence (commas, a breath: 200–400 ms) do not split it. Less than 250 ms of
 * speech is a click or a cough, not a question.
 */
export const VAD_TUNING = {
  positiveSpeechThreshold: 0.5,
  negativeSpeechThreshold: 0.35,
  redemptionMs: 600,
  minSpeechMs: 250,
  preSpeechPadMs: 300
} as const

export interface Utterance {
  wav: Uint8Array
  seconds: number
  /** performance.now() when the detector decided the utterance was over. */
  endedAt: number
}

export interface ListenerHandlers {
  /** Whether our own voice is playing now (the gate is stricter then). */
  isPlaying(): boolean
  /** A visitor started speaking and it counts (barge-in when the avatar talks). */
  onSpeechStart(): void
  /**
   * While the avatar talks: a loud voice that may become a barge-in (true: fall silent now), or
   * did not (false: speak on). onSpeechStart or onDiscard may follow a hold instead of a release.
   */
  onHold(held: boolean): void
  /** The visitor finished an utterance that counted. */
  onUtterance(utterance: Utterance): void
  /** Speech that ended without counting (too short, or our own voice): nothing to transcribe. */
  onDiscard(): void
}

export interface VoiceListener {
  destroy(): Promise<void>
}

/**
 * Opens the microphone and starts listening. Rejects when the microphone is denied or missing
 * (a DOMException: NotAllowedError, NotFoundError…) or the model cannot load.
 */
export async function startVoiceListener(handlers: ListenerHandlers, opts: Partial<BargeInOptions> = {}): Promise<VoiceListener> {
  const gate = new BargeInGate({ ...BARGE_IN_DEFAULTS, ...opts, frameMs: FRAME_MS, threshold: VAD_TUNING.positiveSpeechThreshold })
  const ended = () => gate.endSegment()
  const vad = await MicVAD.new({
    model: 'v5',
    ...VAD_TUNING,
    baseAssetPath: ASSETS,
    onnxWASMBasePath: ASSETS,
    // One thread, no worker: the page is not cross-origin isolated and its CSP allows no blob: worker.
    ortConfig: (ort) => {
      ort.env.logLevel = 'error'
      ort.env.wasm.numThreads = 1
      ort.env.wasm.proxy = false
    },
    // Echo cancellation applies to what the <audio> element plays. No automatic gain: it would
    // lift the avatar's cancelled echo towards a visitor's level and blur the loudness rule.
    getStream: () =>
      navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: false } }),
    onFrameProcessed: (probs, frame) => {
      const event = gate.frame({ probability: probs.isSpeech, db: frameDb(frame), playing: handlers.isPlaying(), now: performance.now() })
      if (event === 'count') handlers.onSpeechStart()
      else if (event) handlers.onHold(event === 'hold')
    },
    onSpeechEnd: (audio) => {
      if (!ended()) return handlers.onDiscard()
      handlers.onUtterance({ wav: encodeWav({ sampleRate: SAMPLE_RATE, samples: audio }), seconds: audio.length / SAMPLE_RATE, endedAt: performance.now() })
    },
    onVADMisfire: () => {
      ended()
      handlers.onDiscard()
    }
  })
  return { destroy: () => vad.destroy() }
}
