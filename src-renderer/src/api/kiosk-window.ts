import type { AgentaBridge } from '@contract/bridge'
import { fromWire } from './errors'

/** The desktop app's bridge when it can open a kiosk window (an older preload cannot); null in a browser. */
export function kioskOpener(bridge: AgentaBridge | undefined = typeof window === 'undefined' ? undefined : window.agenta): AgentaBridge | null {
  return bridge && typeof bridge.openKiosk === 'function' ? bridge : null
}

/**
 * Shows a published agent's kiosk full screen on this computer (electron/kiosk-window.ts). The
 * bridge answers with values; a refusal becomes an ApiError the studio translates like any other.
 */
export async function openKioskWindow(bridge: AgentaBridge, agentUuid: string): Promise<{ url: string }> {
  const res = await bridge.openKiosk!({ agentUuid })
  if (!res.ok) throw fromWire(res.error)
  return res.data as { url: string }
}
