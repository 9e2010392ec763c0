import { io, type Socket } from 'socket.io-client'
import { studioEvents } from '@contract/api'
import type { EventSource, StudioEventListener } from './transport'

export interface SocketOptions {
  token?: string
  /** Called once when the server refuses the token; no reconnect follows. */
  onUnauthorized?: () => void
}

/**
 * Studio events over Socket.IO's `/studio` namespace. One socket is shared by every listener and
 * closed when the last one leaves. Same-origin pages authenticate with the server's cookie.
 */
export function socketEvents(baseUrl = '', opts: SocketOptions = {}): EventSource {
  const listeners = new Set<StudioEventListener>()
  let socket: Socket | undefined

  const open = () => {
    const s = io(`${baseUrl}/studio`, { transports: ['websocket'], auth: opts.token ? { token: opts.token } : undefined, withCredentials: true })
    for (const name of Object.keys(studioEvents)) s.on(name, (payload: unknown) => listeners.forEach((l) => l(name, payload)))
    s.on('connect_error', (err) => {
      if (err.message !== 'unauthorized') return
      s.disconnect()
      opts.onUnauthorized?.()
    })
    return s
  }

  return (listener) => {
    listeners.add(listener)
    socket ??= open()
    return () => {
      listeners.delete(listener)
      if (listeners.size === 0) {
        socket?.disconnect()
        socket = undefined
      }
    }
  }
}
