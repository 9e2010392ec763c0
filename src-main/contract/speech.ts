import { z } from 'zod'

/**
 * Speech through the server (issue 13): the kiosk and the phone page send text and get audio back,
 * send a recording and get text back; provider keys never leave the server. Audio is binary, so
 * these routes live outside the generated REST table (src-main/server/speech/router.ts); their
 * shapes are declared here.
 */

/** One sentence at a time is what the avatar speaks; a page is not. */
export const MAX_SPEAK_CHARS = 1000
/** A push-to-talk recording: a minute of WebM/Opus is well under 1 MB, of 16 kHz WAV about 2 MB. */
export const MAX_RECORDING_BYTES = 10 * 1024 * 1024

const id = z.string().trim().min(1).max(64)

/** `POST /speech/synthesize` (JSON) → the audio bytes, with their Content-Type. */
export const SpeechSynthesize = z.object({
  text: z.string().trim().min(1, 'Nothing to speak: the text is empty').max(MAX_SPEAK_CHARS, `Speak at most ${MAX_SPEAK_CHARS} characters at a time`),
  /** The agent (id or uuid) whose voice speaks; a public key speaks with its own agent. */
  agentId: id.optional(),
  /** Studio only: a `tts` model, its voice and speed (a preview in the registry). */
  modelId: id.optional(),
  voice: z.string().trim().min(1).max(128).optional(),
  speed: z.number().min(0.25).max(4).optional()
})
export type SpeechSynthesize = z.infer<typeof SpeechSynthesize>

/** `POST /speech/transcribe?agentId=&modelId=&language=` with the recording as the raw body (audio/*). */
export const SpeechTranscribeQuery = z.object({
  agentId: id.optional(),
  /** Studio only: an `stt` model. */
  modelId: id.optional(),
  language: z
    .string()
    .trim()
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})?$/, 'a language code such as zh or en')
    .optional()
})
export type SpeechTranscribeQuery = z.infer<typeof SpeechTranscribeQuery>

export const SpeechTranscript = z.object({ text: z.string() })
export type SpeechTranscript = z.infer<typeof SpeechTranscript>

export const speechRoutes = {
  synthesize: { method: 'POST', path: '/speech/synthesize', summary: 'Text → the agent’s voice (audio bytes)' },
  transcribe: { method: 'POST', path: '/speech/transcribe', summary: 'A recording → its text, with the agent’s speech recogniser' }
} as const
