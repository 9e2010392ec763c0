import { z } from 'zod'
import { AgentTheme } from './entities'
import { AvatarLook, AvatarPalette, DigitalHumanKind, LiveTalkingSettings } from './digital-humans'

/**
 * What the server puts in a public page for a published agent (a JSON script element, read by the
 * page's script): everything public about the agent, nothing else. One shape for the server that
 * writes it and the pages that read it.
 */
export const PhoneConfig = z.object({
  uuid: z.string(),
  /** The agent's public key (pk_…), never the studio token. */
  key: z.string(),
  name: z.string(),
  avatar: z.string(),
  description: z.string(),
  welcomeMessage: z.string(),
  quickPhrases: z.array(z.string()),
  theme: AgentTheme,
  /** Framed by embed.js on another site (the page shows its own close bar on a phone). */
  embed: z.boolean()
})
export type PhoneConfig = z.infer<typeof PhoneConfig>

/**
 * The agent's chat avatar as the kiosk page needs it, and nothing more (no provider key; TURN
 * credentials are here because the browser itself connects to the TURN server).
 */
export const KioskAvatar = z.object({
  kind: DigitalHumanKind,
  /** The built-in avatar: the avatar itself, or the fallback of the other kinds. */
  look: AvatarLook,
  palette: AvatarPalette,
  /** `glb` / `vrm`: where this page loads the file (served for this published agent only); null before an upload. */
  modelUrl: z.string().nullable(),
  /** `livetalking`: the service, its avatar id and ICE/TURN servers. */
  liveTalking: LiveTalkingSettings.nullable()
})
export type KioskAvatar = z.infer<typeof KioskAvatar>

/** The kiosk page: the phone page's facts, the chat avatar and the idle reset. */
export const KioskConfig = PhoneConfig.omit({ embed: true }).extend({
  /** The agent's chat avatar (`avatar` is the agent's emoji or picture, as on the phone page). */
  digitalHuman: KioskAvatar,
  /** Seconds without a visitor before the kiosk clears the conversation and greets again. */
  idleSeconds: z.number().int().positive()
})
export type KioskConfig = z.infer<typeof KioskConfig>
