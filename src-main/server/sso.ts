import { Router, type Request, type Response } from 'express'
import { OIDC_CALLBACK_PATH } from '../core/accounts/better-auth'
import { sessionCookie, type SsoStep } from '../core/accounts/accounts-service'
import type { Runtime } from '../core/runtime'
import { log } from '../base/log'

/** The address the person's browser uses (the Host passed hostCheck): the provider sends them back there. */
const originOf = (req: Request) => `${https(req) ? 'https' : 'http'}://${req.get('host')}`
const https = (req: Request) => req.headers['x-forwarded-proto'] === 'https'

/**
 * Single sign-on through an OpenID Connect provider, as browser navigations (redirects, not
 * JSON): `GET /api/auth/sso` sends the browser to the provider, which sends it back to
 * `/auth/callback/oidc`; a good answer leaves the studio's session cookie and goes to the studio,
 * any other goes to the sign-in page with `?sso_error=<why>`. The flow itself is Better Auth's
 * (core/accounts); these routes only carry it over HTTP. Public by nature: no credential yet.
 */
export function ssoRouter(runtime: Runtime) {
  const router = Router()
  const send = (req: Request, res: Response, step: SsoStep) => {
    for (const c of step.cookies) res.append('Set-Cookie', c)
    if (step.session) res.append('Set-Cookie', sessionCookie(step.session, runtime.accounts.sessionSeconds, https(req)))
    res.setHeader('Cache-Control', 'no-store')
    res.redirect(302, step.location)
  }
  const ip = (req: Request) => req.socket.remoteAddress ?? 'unknown'
  // A browser is on its way: whatever went wrong, it lands on the sign-in page with a message, never on a JSON error.
  const failed = (req: Request, res: Response) => (err: unknown) => {
    log.warn({ err }, 'single sign-on failed')
    send(req, res, { location: '/?sso_error=failed', cookies: [] })
  }
  router.get('/api/auth/sso', (req, res) => {
    runtime.accounts.ssoStart(originOf(req), ip(req)).then((step) => send(req, res, step), failed(req, res))
  })
  router.get(OIDC_CALLBACK_PATH, (req, res) => {
    runtime.accounts.ssoCallback(`${originOf(req)}${req.originalUrl}`, req.headers.cookie, ip(req)).then((step) => send(req, res, step), failed(req, res))
  })
  return router
}
