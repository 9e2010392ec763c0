import type { Server as IoServer, Socket } from 'socket.io'
import type { Runtime } from '../core/runtime'
import { log } from '../base/log'
import { hostAllowed } from './security'
import type { Authenticator } from './auth'
import { audienceOf, roomsOf } from '../core/accounts/event-audience'
import type { Principal } from '../core/context'

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
 * IPC event channel). Credentials required: `auth.token` (the server's token, a session or a
 * personal token), or the cookies when the page is same-origin. With accounts on, each event
 * reaches only those allowed to see it (core/accounts/event-audience.ts): a person's chats and
 * memories reach that person alone.
 */
export function attachStudioSocket(io: IoServer, runtime: Runtime, auth: Authenticator, allowedHosts: readonly string[]) {
  const studio = io.of('/studio')
  studio.use(
    guarded('/studio', (socket, next) => {
      const hs = socket.handshake
      if (!hostAllowed(hs.headers.host, allowedHosts)) return next(new Error('forbidden host'))
      auth.socketPrincipal(hs).then(
        (principal) => {
          if (principal.kind === 'anonymous') return next(new Error('unauthorized'))
          ;(socket.data as { principal?: Principal }).principal = principal
          next()
        },
        () => next(new Error('unauthorized'))
      )
    })
  )
  studio.on('connection', (socket) => {
    const principal = (socket.data as { principal?: Principal }).principal
    if (principal) void socket.join(roomsOf(principal))
  })
  // `local`: each process forwards the events it gets (its own and, with Redis, the other processes'
  // through the coordination bus) to its own sockets; the Socket.IO Redis adapter must not repeat them.
  const unsubscribe = runtime.events.subscribe((name, payload) => {
    if (!runtime.accounts.enabled) return void studio.local.emit(name, payload)
    audienceOf(name, payload, runtime.owners).then(
      (rooms) => studio.local.to(rooms).emit(name, payload),
      (err: unknown) => log.warn({ err, event: name }, 'studio event not delivered: its audience could not be found')
    )
  })
  return unsubscribe
}
