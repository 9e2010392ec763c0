import type { Server as IoServer, Socket } from 'socket.io'
import type { Runtime } from '../core/runtime'
import { log } from '../base/log'
import { hostAllowed, readCookie, sameOrigin, tokensEqual, TOKEN_COOKIE } from './security'

type Middleware = (socket: Socket, next: (err?: Error) => void) => void

/**
 * A socket middleware that cannot throw out: Socket.IO runs middlewares inside its packet
 * handling, where an exception is uncaught and ends the process. A handshake that breaks one is
 * refused instead, and logged.
 */
export function guarded(name: string, middleware: Middleware): Middleware {
  return (socket, next) => {
    let called = false
    const once = (err?: Error) => {
      if (called) return
      called = true
      next(err)
    }
    try {
      middleware(socket, once)
    } catch (err) {
      log.warn({ err, namespace: name }, 'socket handshake refused: it broke the check')
      once(new Error('bad handshake'))
    }
  }
}

/**
 * The `/studio` namespace pushes the core's events to studio clients (the browser flavour of the
 * IPC event channel). Token required: in `auth.token`, or the cookie when the page is same-origin.
 */
export function attachStudioSocket(io: IoServer, runtime: Runtime, token: string, allowedHosts: readonly string[]) {
  const studio = io.of('/studio')
  studio.use(
    guarded('/studio', (socket, next) => {
      const hs = socket.handshake
      if (!hostAllowed(hs.headers.host, allowedHosts)) return next(new Error('forbidden host'))
      const auth = (hs.auth ?? {}) as { token?: unknown }
      // WebSockets ignore CORS: the cookie counts only for the studio's own page.
      const presented = auth.token ?? (sameOrigin(hs.headers.origin, hs.headers.host) ? readCookie(hs.headers.cookie, TOKEN_COOKIE) : undefined)
      if (!tokensEqual(presented, token)) return next(new Error('unauthorized'))
      next()
    })
  )
  // `local`: each process forwards the events it gets (its own and, with Redis, the other processes'
  // through the coordination bus) to its own sockets; the Socket.IO Redis adapter must not repeat them.
  const unsubscribe = runtime.events.subscribe((name, payload) => studio.local.emit(name, payload))
  return unsubscribe
}
