import { z } from 'zod'
import { LOOKS, PALETTES } from '../../digitalhuman/avatar/looks'

/**
 * The digital humans registry (issue 13; the original kept them in a table keyed by `model_id`):
 * avatars an agent can pick as its chat or explainer avatar, each with its own voice.
 *
 * - `builtin`: a look and palette drawn in code (digitalhuman/avatar/looks.ts).
 * - `glb` / `vrm`: the operator's own 3D file, uploaded into the data folder.
 * - `livetalking`: a LiveTalking-compatible photoreal WebRTC service and the avatar id it serves.
 *
 * Every kind keeps a look and palette: it is the built-in avatar shown when the 3D file or the
 * service cannot be used, so a kiosk never goes blank.
 */

const id = z.string().min(1).max(64)
const timestamp = z.number().int()

export const DIGITAL_HUMAN_KINDS = ['builtin', 'glb', 'vrm', 'livetalking'] as const
export const DigitalHumanKind = z.enum(DIGITAL_HUMAN_KINDS)
export type DigitalHumanKind = z.infer<typeof DigitalHumanKind>

export const AvatarLook = z.enum(LOOKS)
export const AvatarPalette = z.enum(PALETTES)

/** A 3D avatar file may be this large (a GLB with textures is typically 5–40 MB). */
export const MAX_AVATAR_MODEL_BYTES = 100 * 1024 * 1024

const iceUrl = z
  .string()
  .trim()
  .regex(/^(stun|turn|turns):[^\s]+$/i, 'must be a stun:, turn: or turns: URL such as turn:turn.example.com:3478')

/** One RTCIceServer as the browser takes it. TURN credentials reach the kiosk page (the browser needs them). */
export const IceServer = z.object({
  urls: z.union([iceUrl, z.array(iceUrl).min(1).max(10)]),
  username: z.string().max(256).optional(),
  credential: z.string().max(256).optional()
})
export type IceServer = z.infer<typeof IceServer>

export const LiveTalkingSettings = z.object({
  /** The service's base URL (its /offer, /human, /is_speaking live under it). */
  url: z
    .string()
    .trim()
    .url('must be a URL like http://192.168.1.20:8010')
    .refine((u) => /^https?:\/\//i.test(u), 'must start with http:// or https://')
    .transform((u) => u.replace(/\/+$/, '')),
  /** The avatar the service renders (`avatar` / `avatar_id` of /offer); empty = the service's default. */
  avatarId: z.string().trim().max(128).default(''),
  /** STUN/TURN servers: without a TURN server a kiosk behind closed UDP ports gets a black video. */
  iceServers: z.array(IceServer).max(10).default([])
})
export type LiveTalkingSettings = z.infer<typeof LiveTalkingSettings>

/** How the avatar speaks: a `tts` model (null = the first enabled one), its voice name and speed. */
const voiceFields = {
  ttsModelId: id.nullable(),
  voice: z.string().trim().max(128).nullable(),
  speed: z.number().min(0.25).max(4).nullable()
}
export const DigitalHumanVoice = z.object({
  ttsModelId: voiceFields.ttsModelId.default(null),
  voice: voiceFields.voice.default(null),
  speed: voiceFields.speed.default(null)
})
export type DigitalHumanVoice = z.infer<typeof DigitalHumanVoice>

/** The uploaded 3D file of a `glb` / `vrm` avatar, with what the upload's check found in it (inspectAvatarModel). */
export const AvatarModelFile = z.object({
  fileName: z.string(),
  bytes: z.number().int(),
  sha256: z.string(),
  uploadedAt: timestamp,
  /** The file's own format (a VRM is a GLB with VRM extensions); absent on files kept before the check recorded it. */
  format: z.enum(['glb', 'vrm']).optional(),
  /** How the lips move (digitalhuman/avatar/model-file.ts LipRig): visemes, jaw, vrm-vowels or vrm-aa. */
  lips: z.enum(['visemes', 'jaw', 'vrm-vowels', 'vrm-aa']).optional(),
  /** What the operator may want to fix in the file (the avatar works without it). */
  warnings: z.array(z.string()).optional()
})
export type AvatarModelFile = z.infer<typeof AvatarModelFile>

const fields = {
  name: z.string().trim().min(1, 'must not be empty').max(64),
  kind: DigitalHumanKind,
  look: AvatarLook,
  palette: AvatarPalette,
  /** Required for `livetalking`, null otherwise. */
  liveTalking: LiveTalkingSettings.nullable(),
  voice: DigitalHumanVoice
}

export const DigitalHuman = z.object({
  id,
  ...fields,
  /** `glb` / `vrm` only: the uploaded file, null until one is uploaded (the built-in look shows meanwhile). */
  modelFile: AvatarModelFile.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp
})
export type DigitalHuman = z.infer<typeof DigitalHuman>

/** A LiveTalking avatar needs its service; no other kind carries one. */
const liveTalkingMatchesKind = (v: { kind?: DigitalHumanKind; liveTalking?: unknown }) => v.kind !== 'livetalking' || !!v.liveTalking
const needsService = { message: 'a LiveTalking avatar needs its service URL', path: ['liveTalking'] }

export const DigitalHumanCreate = z
  .object({
    ...fields,
    look: fields.look.default('guide'),
    palette: fields.palette.default('blue'),
    liveTalking: fields.liveTalking.default(null),
    voice: DigitalHumanVoice.default({ ttsModelId: null, voice: null, speed: null })
  })
  .refine(liveTalkingMatchesKind, needsService)
export type DigitalHumanCreate = z.output<typeof DigitalHumanCreate>

/** Fields left out stay; the kind and service are checked together against the stored row. */
// The voice's fields without defaults: a field left out of an update must stay, not become null.
export const DigitalHumanUpdate = z.object({ ...fields, voice: z.object(voiceFields).partial() }).partial()
export type DigitalHumanUpdate = z.output<typeof DigitalHumanUpdate>

/** Desktop: attach a 3D file by its path on the machine that runs the core (IPC has no multipart). */
export const AvatarModelPath = z.object({ path: z.string().trim().min(1).max(4096) })

/**
 * What an agent's `chatAvatarId` / `explainerAvatarId` may name besides a registry id: a built-in
 * look (`guide`, or `builtin:guide`), the blue palette and the default voice, for agents saved
 * before the registry existed and for a quick start without registering anything.
 */
export function builtinLookRef(ref: string): z.infer<typeof AvatarLook> | null {
  const look = ref.replace(/^builtin:/, '')
  return (LOOKS as readonly string[]).includes(look) ? (look as z.infer<typeof AvatarLook>) : null
}
