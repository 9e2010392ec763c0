import type { AgentaBridge } from '@contract/bridge'
import { createApi, type Api } from './client'
import { httpTransport } from './http'
import { ipcEvents, ipcTransport } from './ipc'
import { socketEvents } from './socket'
import type { EventSource } from './transport'

export { ApiError } from './errors'
export type { Api } from './client'
export type { EventSource } from './transport'

declare global {
  interface Window {
    agenta?: AgentaBridge
  }
}

export interface Connection {
  api: Api
  events: EventSource
  host: 'electron' | 'browser'
}

/** IPC inside Electron (the preload exposes `window.agenta`), HTTP + Socket.IO in a browser. */
export function connect(onUnauthorized: () => void): Connection {
  const bridge = typeof window === 'undefined' ? undefined : window.agenta
  if (bridge) return { api: createApi(ipcTransport(bridge)), events: ipcEvents(bridge), host: 'electron' }
  return {
    api: createApi(httpTransport(''), { onUnauthorized }),
    events: socketEvents('', { onUnauthorized }),
    host: 'browser'
  }
}
