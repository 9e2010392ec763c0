import type { AgentaBridge } from '@contract/bridge'
import { createApi, type Api } from './client'
import { httpStream, httpTransport } from './http'
import { ipcEvents, ipcStream, ipcTransport } from './ipc'
import { socketEvents } from './socket'
import type { EventSource } from './transport'

export { ApiError } from './errors'
export type { Api, StreamHandle } from './client'
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
  if (bridge) return { api: createApi(ipcTransport(bridge), {}, ipcStream(bridge)), events: ipcEvents(bridge), host: 'electron' }
  return {
    api: createApi(httpTransport(''), { onUnauthorized }, httpStream('')),
    events: socketEvents('', { onUnauthorized }),
    host: 'browser'
  }
}
