import type { AgentaBridge } from '@contract/bridge'
import { ApiError } from './errors'
import type { EventSource, Transport } from './transport'

/** The Electron transport: the preload's `window.agenta`, which answers with values instead of throwing. */
export function ipcTransport(bridge: AgentaBridge): Transport {
  return async (name, input) => {
    const res = await bridge.call(name, input)
    if (res.ok) return res.data
    throw new ApiError(res.error.code, res.error.message, undefined, res.error.details)
  }
}

export const ipcEvents =
  (bridge: AgentaBridge): EventSource =>
  (listener) =>
    bridge.onEvent(listener)
