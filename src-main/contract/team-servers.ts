import { z } from 'zod'
import { says } from './messages'

/**
 * The desktop's "Connect to a team server…": the address typed (or picked from the recent ones),
 * checked by the core before the studio window may show it (core/team-servers.ts).
 */
const parses = (u: string) => {
  try {
    return !!new URL(u).host
  } catch {
    return false
  }
}

export const TeamServerCheckInput = z.object({
  url: z
    .string()
    .trim()
    .min(1, says('not_empty'))
    .max(2000)
    // "team.example.com" is what people type: https is assumed.
    .transform((u) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(u) ? u : `https://${u}`))
    .refine((u) => /^https?:\/\/[^/]/i.test(u) && parses(u), says('http_url'))
})

export const TeamServer = z.object({
  /** Scheme, host and port: the one place the studio window may go while it shows this server. */
  origin: z.string(),
  version: z.string(),
  /** Last connected (ms). */
  at: z.number().int()
})
export type TeamServer = z.infer<typeof TeamServer>

export const TeamServerList = z.object({ servers: z.array(TeamServer) })
