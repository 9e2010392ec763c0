import type { AgentaBridge } from '@contract/bridge'
import { fromWire } from './errors'
import type { EventSource, StreamTransport, Transport } from './transport'

/** The Electron transport: the preload's `window.agenta`, which answers with values instead of throwing. */
export function ipcTransport(bridge: AgentaBridge): Transport {
  return async (name, input) => {
    const res = await bridge.call(name, input)
    if (res.ok) return res.data
    throw fromWire(res.error)
  }
}

export const ipcEvents =
  (bridge: AgentaBridge): EventSource =>
  (listener) =>
    bridge.onEvent(listener)

/** Streams over the preload's bridge: its messages become events, the end, or an ApiError. */
export const ipcStream =
  (bridge: AgentaBridge): StreamTransport =>
  (name, input, onEvent, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return resolve()
      const cancel = bridge.stream(name, input, (message) => {
        if (message.type === 'event') return onEvent(message.event)
        signal.removeEventListener('abort', onAbort)
        if (message.type === 'end') resolve()
        else reject(fromWire(message.error))
      })
      const onAbort = () => {
        cancel()
        resolve()
      }
      signal.addEventListener('abort', onAbort, { once: true })
    })
