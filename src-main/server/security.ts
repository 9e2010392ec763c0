import { timingSafeEqual, createHash } from 'node:crypto'
import { isIP } from 'node:net'
import { hostname } from 'node:os'
import type { NextFunction, Request, Response } from 'express'
import { AppError } from '../contract/errors'

export const TOKEN_COOKIE = 'agenta_token'

export function tokensEqual(a: string | undefined, b: string): boolean {
  if (!a) return false
  // Hash first so lengths match and the comparison leaks nothing about the token.
  const ha = createHash('sha256').update(a).digest()
  const hb = createHash('sha256').update(b).digest()
  return timingSafeEqual(ha, hb)
}

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || host.startsWith('127.')
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
  if (!header) return undefined
  for (const part of header.split(';')) {
    const at = part.indexOf('=')
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim())
  }
  return undefined
}

/** The token a request carries: Authorization header, then ?token=, then the cookie. */
export function presentedToken(req: Pick<Request, 'headers' | 'query'>): string | undefined {
  const auth = req.headers.authorization
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim()
  const q = (req.query as Record<string, unknown> | undefined)?.token
  if (typeof q === 'string') return q
  return readCookie(req.headers.cookie, TOKEN_COOKIE)
}

export function requireToken(token: string) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (tokensEqual(presentedToken(req), token)) return next()
    next(new AppError('unauthorized', 'Missing or wrong access token: send "Authorization: Bearer <token>" or open the URL printed at start-up'))
  }
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
    const url = new URL(req.originalUrl, 'http://x')
    url.searchParams.delete('token')
    res.redirect(302, url.pathname + url.search)
  }
}

/** Headers every answer carries: no sniffing, no framing by other sites, a strict CSP for pages. */
export function securityHeaders(_req: Request, res: Response, next: NextFunction) {
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('X-Frame-Options', 'SAMEORIGIN')
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; connect-src 'self' ws: wss:; font-src 'self' data:; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
  )
  next()
}
