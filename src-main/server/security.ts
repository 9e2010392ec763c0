import { timingSafeEqual, createHash } from 'node:crypto'
import { isIP, isIPv4 } from 'node:net'
import { hostname } from 'node:os'
import type { NextFunction, Request, Response } from 'express'
import { AppError } from '../contract/errors'

export const TOKEN_COOKIE = 'agenta_token'

export function tokensEqual(a: unknown, b: string): boolean {
  // Whatever a client sent (a number in a socket's auth, an array from a query) is simply not the token.
  if (typeof a !== 'string' || !a) return false
  // Hash first so lengths match and the comparison leaks nothing about the token.
  const ha = createHash('sha256').update(a).digest()
  const hb = createHash('sha256').update(b).digest()
  return timingSafeEqual(ha, hb)
}

/** Loopback IP literals and `localhost` only: `127.0.0.1.nip.io` is a DNS name anyone can point anywhere. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIPv4(host) && host.startsWith('127.'))
}

/**
 * Blocks DNS rebinding: a web page on evil.example whose name later resolves to 127.0.0.1 sends
 * requests with `Host: evil.example`. We answer only to names we know: loopback names, any IP
 * literal (a LAN client dialling our address), this machine's hostname, and names the user added.
 */
export function hostAllowed(hostHeader: string | undefined, extra: readonly string[]): boolean {
  if (!hostHeader) return false
  const name = hostHeader
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
  if (isLoopback(name) || isIP(name)) return true
  const machine = hostname().toLowerCase()
  if (name === machine || name === `${machine}.local`) return true
  return extra.some((h) => h.toLowerCase() === name)
}

export function hostCheck(extra: readonly string[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (hostAllowed(req.headers.host, extra)) return next()
    next(new AppError('forbidden', `Host "${req.headers.host ?? ''}" is not allowed; add it with --allowed-host`))
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (typeof header !== 'string') return undefined
  for (const part of header.split(';')) {
    const at = part.indexOf('=')
    if (at > 0 && part.slice(0, at).trim() === name) {
      try {
        return decodeURIComponent(part.slice(at + 1).trim())
      } catch {
        return undefined // a value no browser of ours set (`%ff`): no token at all
      }
    }
  }
  return undefined
}

/**
 * True when a browser says the request comes from a page of this very server (Origin's host:port
 * is the Host), or says nothing (not a browser). The scheme is not compared: behind a TLS proxy
 * the page is https while we see http. `Origin: null` (sandboxed frames, file: pages) is foreign.
 */
export function sameOrigin(origin: unknown, host: string | undefined): boolean {
  if (origin === undefined) return true
  if (typeof origin !== 'string' || !host) return false
  try {
    return new URL(origin).host === host.toLowerCase()
  } catch {
    return false
  }
}

/** Methods that change nothing; everything else needs proof that our own page sent it when only a cookie vouches for it. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Cookies ride along on requests from every page of the same site, and another port on
 * 127.0.0.1 is the same site: a cookie-authenticated request that changes something must come
 * from our own origin, or from a host the user named with --allowed-host (a reverse proxy that
 * rewrites Host). Browsers send Origin on every such request; older ones at least Sec-Fetch-Site.
 */
export function fromOwnPage(req: Pick<Request, 'headers' | 'method'>, allowedHosts: readonly string[] = []): boolean {
  if (SAFE_METHODS.has(req.method)) return true
  const { origin, host } = req.headers
  if (origin !== undefined) return sameOrigin(origin, host) || originHostIn(origin, allowedHosts)
  const site = req.headers['sec-fetch-site']
  return site === undefined || site === 'same-origin' || site === 'none'
}

function originHostIn(origin: string, hosts: readonly string[]): boolean {
  try {
    const name = new URL(origin).hostname.toLowerCase()
    return hosts.some((h) => h.toLowerCase() === name)
  } catch {
    return false
  }
}

export type TokenSource = 'header' | 'query' | 'cookie'

/** The token a request carries and where: Authorization header, then ?token=, then the cookie. */
export function presentedToken(req: Pick<Request, 'headers' | 'query'>): { token: string; via: TokenSource } | undefined {
  const auth = req.headers.authorization
  if (typeof auth === 'string' && /^bearer /i.test(auth)) return { token: auth.slice(7).trim(), via: 'header' }
  const q = (req.query as Record<string, unknown> | undefined)?.token
  if (typeof q === 'string') return { token: q, via: 'query' }
  const cookie = readCookie(req.headers.cookie, TOKEN_COOKIE)
  return cookie === undefined ? undefined : { token: cookie, via: 'cookie' }
}

export const HOW_TO_AUTHENTICATE = 'send "Authorization: Bearer <token>" or open the URL printed at start-up'

const BEARER_CHALLENGE =
  'Bearer realm="Agenta Studio", error="invalid_token", error_description="Missing or wrong access token: send the studio token or an agent key as Authorization: Bearer <token>"'

/**
 * Every 401 names its scheme (RFC 6750), so MCP clients and SDKs that look for an OAuth server
 * learn there is none and show our message. Set as the status line is written, so it covers the
 * routers with error shapes of their own (/v1) as well.
 */
export function bearerChallenge(_req: Request, res: Response, next: NextFunction) {
  const writeHead = res.writeHead
  res.writeHead = function (this: Response, ...args: Parameters<Response['writeHead']>) {
    if (res.statusCode === 401 || args[0] === 401) {
      if (!res.getHeader('WWW-Authenticate')) res.setHeader('WWW-Authenticate', BEARER_CHALLENGE)
    }
    return writeHead.apply(this, args)
  } as Response['writeHead']
  next()
}

/**
 * `?token=` on a page load: remember it in a cookie and drop it from the address bar (as Jupyter
 * does), so it does not linger in history or leak through Referer.
 */
export function tokenToCookie(token: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const q = (req.query as Record<string, unknown>).token
    if (req.method !== 'GET' || typeof q !== 'string' || req.path.startsWith('/api/')) return next()
    if (!tokensEqual(q, token)) return next()
    res.cookie(TOKEN_COOKIE, q, { httpOnly: true, sameSite: 'strict', path: '/' })
    let target = '/'
    try {
      const url = new URL(req.originalUrl, 'http://x')
      url.searchParams.delete('token')
      // Only ever a path on this server: `//evil.example/…` must not become an open redirect.
      if (url.host === 'x' && !url.pathname.startsWith('//')) target = url.pathname + url.search
    } catch {
      // not a URL at all (`//[`): the studio's page will do
    }
    res.redirect(302, target)
  }
}

/** Headers every answer carries: no sniffing, no framing by other sites, a strict CSP for pages. */
export function securityHeaders(_req: Request, res: Response, next: NextFunction) {
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('X-Frame-Options', 'SAMEORIGIN')
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; media-src 'self' blob:; connect-src 'self' ws: wss:; font-src 'self' data:; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
  )
  next()
}
