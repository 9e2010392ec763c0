import { z } from 'zod'
import { AgentTheme } from './entities'

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

/** The kiosk page: the phone page's facts, the avatar's look and the idle reset. */
export const KioskConfig = PhoneConfig.omit({ embed: true }).extend({
  look: z.string(),
  /** Seconds without a visitor before the kiosk clears the conversation and greets again. */
  idleSeconds: z.number().int().positive()
})
export type KioskConfig = z.infer<typeof KioskConfig>
