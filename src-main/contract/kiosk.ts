import { z } from 'zod'
import { says } from './messages'

/** The operator's way out of the desktop kiosk window: Ctrl+Alt+Shift+K (⌘⌥⇧K on macOS) asks for the admin PIN. */
export const EXIT_SHORTCUT = 'Ctrl+Alt+Shift+K'

/** The admin PIN that lets an operator leave the desktop kiosk window: 4 to 12 digits. The one rule, for every door. */
export const KioskPin = z.string().regex(/^\d{4,12}$/, says('kiosk_pin'))

/**
 * IPC `agenta:kiosk-open` (desktop app only): show a published agent's kiosk full screen on this
 * computer. `pin` sets the admin PIN when none is stored yet (otherwise the app asks for one).
 */
export const OpenKioskInput = z.strictObject({
  agentUuid: z.uuid(),
  pin: KioskPin.optional()
})
export type OpenKioskInput = z.infer<typeof OpenKioskInput>

/** `kiosk.pin`: whether an admin PIN is set. The PIN's hash never leaves the core. */
export const KioskPinState = z.object({ set: z.boolean() })
export type KioskPinState = z.infer<typeof KioskPinState>

/** `kiosk.setPin`: a new PIN, or null to remove it; `current` is required once a PIN is set. */
export const KioskPinUpdate = z.strictObject({
  current: KioskPin.optional(),
  pin: KioskPin.nullable()
})
export type KioskPinUpdate = z.infer<typeof KioskPinUpdate>

/**
 * `kiosk.resetPin`: a forgotten PIN is removed without it. The owner (the desktop, the server's
 * token) only confirms; a signed-in admin (accounts on) re-enters their account password.
 */
export const KioskPinReset = z.strictObject({
  password: z.string().min(1).max(128).optional()
})
export type KioskPinReset = z.infer<typeof KioskPinReset>

/** What the audit log records about the PIN (never the PIN or its hash); the studio translates each. */
export const KIOSK_AUDIT_ACTIONS = ['kiosk.pinSet', 'kiosk.pinChanged', 'kiosk.pinRemoved', 'kiosk.pinReset', 'kiosk.pinLocked', 'kiosk.resetLocked'] as const
export type KioskAuditAction = (typeof KIOSK_AUDIT_ACTIONS)[number]
