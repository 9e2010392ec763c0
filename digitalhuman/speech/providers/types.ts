// What the turn and the kiosk need from a speech provider, whichever vendor is behind it
// (OpenAI-compatible HTTP today; DashScope and Volcengine WebSockets can implement the same).
// These run in the main process / server: keys never reach the renderer, only audio and text do.

export interface SynthesizedSpeech {
  /** Encoded audio, ready for an <audio> element. */
  audio: Uint8Array
  /** Its MIME type (audio/wav, audio/mpeg…). */
  mime: string
}

export interface TtsProvider {
  synthesize(text: string, opts?: { signal?: AbortSignal }): Promise<SynthesizedSpeech>
}

export interface Transcript {
  text: string
  language?: string
}

export interface AsrProvider {
  /** `audio` as recorded (webm/opus from MediaRecorder, WAV, MP3…); the format is sniffed. */
  transcribe(audio: Uint8Array, opts?: { language?: string; signal?: AbortSignal }): Promise<Transcript>
}
