import type { NextFunction, Request, Response } from 'express'
import { AppError } from '../contract/errors'
import { SESSION_COOKIE } from '../core/accounts/accounts-service'
import { ANONYMOUS, createContext, OWNER, type Principal, type RequestContext } from '../core/context'
import type { Runtime } from '../core/runtime'
import type { Logger } from '../base/log'
import { fromOwnPage, HOW_TO_AUTHENTICATE, presentedToken, readCookie, sameOrigin, tokensEqual, type TokenSource } from './security'

type Credential = { token: string; via: TokenSource | 'session-cookie' }

/** The credential a request carries: Authorization, ?token=, the token cookie, then the session cookie. */
export function presentedCredential(req: Pick<Request, 'headers' | 'query'>): Credential | undefined {
  const token = presentedToken(req)
  if (token) return token
  const session = readCookie(req.headers.cookie, SESSION_COOKIE)
  return session ? { token: session, via: 'session-cookie' } : undefined
}

/**
 * Who is calling over HTTP or a socket: the server's token (the owner), a person's session
 * (cookie or bearer) or personal token (`agt_…`), or nobody. Presented but wrong is 401, never a
 * silent "nobody". A cookie counts for changes only on requests from the studio's own pages.
 */
export class Authenticator {
  constructor(
    private readonly runtime: Runtime,
    private readonly token: string,
    private readonly allowedHosts: readonly string[]
  ) {}

  get accounts(): boolean {
    return this.runtime.accounts.enabled
  }

  /** The principal of a credential (or of none); 401 when it is not good. */
  async resolve(cred: Credential | undefined): Promise<Principal> {
    if (!cred) {
      if (!this.accounts) throw new AppError('unauthorized', `Missing or wrong access token: ${HOW_TO_AUTHENTICATE}`)
      return ANONYMOUS
    }
    if (tokensEqual(cred.token, this.token)) return OWNER
    if (!this.accounts) throw new AppError('unauthorized', `Missing or wrong access token: ${HOW_TO_AUTHENTICATE}`)
    return this.runtime.accounts.authenticate(cred.token)
  }

  async principalOf(req: Request): Promise<Principal> {
    const cred = presentedCredential(req)
    const principal = await this.resolve(cred)
    if (cred && (cred.via === 'cookie' || cred.via === 'session-cookie') && !fromOwnPage(req, this.allowedHosts))
      throw new AppError('forbidden', "Cross-origin request refused: the studio cookie only counts on requests from the studio's own pages")
    return principal
  }

  /**
   * Express middleware: the request's context in `res.locals.ctx`. `required`: nobody (no
   * credentials) is 401 here already (uploads, files, /mcp, the studio's turn stream); otherwise
   * the endpoint decides (signing in needs no credentials).
   */
  identify(required: boolean) {
    return (req: Request, res: Response, next: NextFunction) => {
      // One chain, so a failure anywhere (not only in resolving the credential) reaches the error handler.
      this.principalOf(req)
        .then((principal) => {
          if (required && principal.kind === 'anonymous') throw new AppError('unauthorized', `Sign in first, or ${HOW_TO_AUTHENTICATE}`)
          res.locals.ctx = httpContext(req, res, principal)
        })
        .then(() => next(), next)
    }
  }

  /** A socket handshake's principal: `auth.token`, else the cookies of a same-origin page. */
  async socketPrincipal(hs: { auth?: unknown; headers: Record<string, string | string[] | undefined> }): Promise<Principal> {
    const auth = (hs.auth ?? {}) as { token?: unknown }
    if (typeof auth.token === 'string' && auth.token) return this.resolve({ token: auth.token, via: 'header' })
    const host = typeof hs.headers.host === 'string' ? hs.headers.host : undefined
    // WebSockets ignore CORS: cookies count only for the studio's own page.
    if (!sameOrigin(hs.headers.origin, host)) return this.resolve(undefined)
    const cookie = typeof hs.headers.cookie === 'string' ? hs.headers.cookie : undefined
    const token = readCookie(cookie, 'agenta_token')
    if (token) return this.resolve({ token, via: 'cookie' })
    const session = readCookie(cookie, SESSION_COOKIE)
    return this.resolve(session ? { token: session, via: 'session-cookie' } : undefined)
  }
}

/** The context of an HTTP request: its id and logger (errors.ts), an abort signal that fires when the client goes away, cookies out. */
export function httpContext(req: Request, res: Response, principal: Principal): RequestContext {
  const abort = new AbortController()
  res.on('close', () => {
    if (!res.writableFinished) abort.abort(new Error('The client went away'))
  })
  const headers = new Headers()
  for (const [k, v] of Object.entries(req.headers)) {
    try {
      if (typeof v === 'string') headers.set(k, v)
    } catch {
      // A value fetch's Headers refuses (Node's parser is more lenient): the handlers never need it.
    }
  }
  return createContext(principal, {
    requestId: res.locals.requestId as string | undefined,
    log: res.locals.log as Logger | undefined,
    signal: abort.signal,
    http: { ip: req.socket.remoteAddress ?? 'unknown', headers, appendHeader: (name, value) => void res.append(name, value) }
  })
}

/** The context `identify` put on the request. */
export const contextOf = (res: Response): RequestContext => {
  const ctx = res.locals.ctx as RequestContext | undefined
  if (!ctx) throw new AppError('internal', 'No request context: the route is not behind identify()')
  return ctx
}
