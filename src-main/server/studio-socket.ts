import type { Server as IoServer } from 'socket.io'
import type { Runtime } from '../core/runtime'
import { hostAllowed, readCookie, tokensEqual, TOKEN_COOKIE } from './security'

/**
 * The `/studio` namespace pushes the core's events to studio clients (the browser flavour of the
 * IPC event channel). Token required: in `auth.token`, or the cookie when the page is same-origin.
 */
export function attachStudioSocket(io: IoServer, runtime: Runtime, token: string, allowedHosts: readonly string[]) {
  const studio = io.of('/studio')
  studio.use((socket, next) => {
    const hs = socket.handshake
    const origin = hs.headers.origin
    const sameOrigin = !origin || new URL(origin).host === hs.headers.host
    const presented = (hs.auth as { token?: string })?.token ?? (sameOrigin ? readCookie(hs.headers.cookie, TOKEN_COOKIE) : undefined)
    if (!hostAllowed(hs.headers.host, allowedHosts)) return next(new Error('forbidden host'))
    if (!tokensEqual(presented, token)) return next(new Error('unauthorized'))
    next()
  })
  const unsubscribe = runtime.events.subscribe((name, payload) => studio.emit(name, payload))
  return unsubscribe
}
