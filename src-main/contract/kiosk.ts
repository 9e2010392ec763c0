import { z } from 'zod'

/** The admin PIN that lets an operator leave the desktop kiosk window: 4 to 12 digits. */
export const KioskPin = z.string().regex(/^\d{4,12}$/, 'The PIN is 4 to 12 digits')

/**
 * IPC `agenta:kiosk-open` (desktop app only): show a published agent's kiosk full screen on this
 * computer. `pin` sets the admin PIN when none is stored yet (otherwise the app asks for one).
 */
export const OpenKioskInput = z.strictObject({
  agentUuid: z.uuid(),
  pin: KioskPin.optional()
})
export type OpenKioskInput = z.infer<typeof OpenKioskInput>
