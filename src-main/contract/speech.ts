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

/**
 * The offline voice every install has: espeak-ng (compiled to wasm, the optional `espeak-ng`
 * package, or the espeak-ng program), Mandarin and English. Usable wherever a `tts` model id is
 * taken (`digitalHuman.ttsModelId`, `modelId` of a preview); it needs no provider and no key.
 */
export const BUILTIN_TTS_MODEL_ID = 'builtin:espeak-ng'

export const SpeechVoice = z.object({
  /** What is sent as the voice (`longxiaochun_v2`, `FunAudioLLM/CosyVoice2-0.5B:alex`, `cmn`). */
  id: z.string(),
  /** How people know it (龙小淳, Alex). */
  name: z.string(),
  /** The languages it speaks well: `zh`, `en`, `zh+en`, `yue`. */
  language: z.string(),
  gender: z.enum(['female', 'male']).optional()
})
export type SpeechVoice = z.infer<typeof SpeechVoice>

/** `GET /api/speech/voices?modelId=`: the voices known for a `tts` model, for the voice picker. */
export const SpeechVoicesQuery = z.object({ modelId: id })
export const SpeechVoices = z.object({
  modelId: z.string(),
  /** The provider kind the list was chosen by, or `builtin`. */
  kind: z.string(),
  voices: z.array(SpeechVoice),
  /** What is spoken with when no voice is chosen. */
  defaultVoice: z.string().optional(),
  /** The vendor has more (cloned or newly released voices): the picker should also take a typed id. */
  acceptsOther: z.boolean()
})
export type SpeechVoices = z.infer<typeof SpeechVoices>

const v = (id: string, name: string, language: string, gender?: 'female' | 'male'): SpeechVoice => ({ id, name, language, ...(gender ? { gender } : {}) })

const OPENAI_VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'nova', 'onyx', 'sage', 'shimmer', 'verse'].map((n) =>
  v(n, n[0].toUpperCase() + n.slice(1), 'en')
)
/** SiliconFlow's preset voices, named `<model>:<voice>` (CosyVoice2, fish-speech, GPT-SoVITS). */
const SILICONFLOW_VOICES: [string, 'female' | 'male'][] = [
  ['alex', 'male'],
  ['benjamin', 'male'],
  ['charles', 'male'],
  ['david', 'male'],
  ['anna', 'female'],
  ['bella', 'female'],
  ['claire', 'female'],
  ['diana', 'female']
]
/** DashScope CosyVoice: v1 names; cosyvoice-v2 has the same voices with `_v2`. */
const COSYVOICE: [string, string, string, 'female' | 'male', boolean][] = [
  ['longxiaochun', '龙小淳', 'zh+en', 'female', true],
  ['longxiaoxia', '龙小夏', 'zh', 'female', true],
  ['longwan', '龙婉', 'zh', 'female', true],
  ['longhua', '龙华', 'zh', 'female', true],
  ['loongbella', 'Bella', 'zh', 'female', true],
  ['longcheng', '龙橙', 'zh', 'male', true],
  ['longshu', '龙书', 'zh', 'male', true],
  ['longxiaocheng', '龙小诚', 'zh+en', 'male', false],
  ['longxiaobai', '龙小白', 'zh', 'female', false],
  ['longlaotie', '龙老铁 (东北)', 'zh', 'male', false]
]
const DOUBAO_VOICES = [
  v('BV001_streaming', '通用女声', 'zh', 'female'),
  v('BV002_streaming', '通用男声', 'zh', 'male'),
  v('BV700_streaming', '灿灿', 'zh+en', 'female'),
  v('BV406_streaming', '梓梓', 'zh', 'female'),
  v('BV705_streaming', '炀炀', 'zh', 'male'),
  v('zh_female_shuangkuaisisi_moon_bigtts', '爽快思思', 'zh+en', 'female'),
  v('zh_male_wennuanahu_moon_bigtts', '温暖阿虎', 'zh+en', 'male'),
  v('zh_male_shaonianzixin_moon_bigtts', '少年梓辛', 'zh+en', 'male')
]
const BUILTIN_VOICES = [
  v('auto', 'Auto: Mandarin for Chinese text, English otherwise', 'zh+en'),
  v('cmn', 'Mandarin', 'zh'),
  v('yue', 'Cantonese', 'yue'),
  v('en', 'English (British)', 'en'),
  v('en-us', 'English (American)', 'en')
]

/**
 * The voices known for a TTS model of a provider kind (`builtin` for BUILTIN_TTS_MODEL_ID). The
 * first is the default. Vendors add voices often: an empty list means "type the voice id".
 */
export function speechVoices(kind: string, modelId: string): SpeechVoices {
  const list = (voices: SpeechVoice[], acceptsOther = true): SpeechVoices => ({ modelId, kind, voices, defaultVoice: voices[0]?.id, acceptsOther })
  if (kind === 'builtin' || modelId === BUILTIN_TTS_MODEL_ID) return { ...list(BUILTIN_VOICES, false), kind: 'builtin' }
  if (kind === 'siliconflow') return list(SILICONFLOW_VOICES.map(([n, g]) => v(`${modelId}:${n}`, n[0].toUpperCase() + n.slice(1), 'zh+en', g)))
  if (kind === 'bailian') {
    if (/^cosyvoice-v1/.test(modelId)) return list(COSYVOICE.map(([id, name, lang, g]) => v(id, name, lang, g)))
    if (/^cosyvoice-v2/.test(modelId)) return list(COSYVOICE.filter((c) => c[4]).map(([id, name, lang, g]) => v(`${id}_v2`, name, lang, g)))
    // Sambert models carry their voice in the model name; newer CosyVoice versions have new names.
    return list([])
  }
  if (kind === 'doubao') return list(DOUBAO_VOICES)
  if (kind === 'openai' || /^(tts-1|gpt-4o[\w-]*tts)/.test(modelId)) return list(OPENAI_VOICES)
  return list([])
}
