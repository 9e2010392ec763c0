import type { SessionHandle } from './platform'
import { isRendererUrl, type RendererLocation } from './trust'

/**
 * The Content-Security-Policy of the studio's pages. Scripts only from our own files: if a model's
 * answer or a card template ever smuggles markup into the DOM, it still cannot run code or load
 * a remote script. Images may come from anywhere over https (agent avatars, cards, markdown);
 * connections may reach local model servers and the LAN server.
 */
export function contentSecurityPolicy(loc: RendererLocation): string {
  const dev = loc.kind === 'dev'
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'self'"]],
    // Vite's React refresh preamble is an inline script; only the dev server needs it.
    ['script-src', dev ? ["'self'", "'unsafe-inline'"] : ["'self'"]],
    // React and the component styles set style attributes; styles cannot run code.
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:', 'blob:', 'https:']],
    // The digital humans' voice preview plays synthesized speech from blob: URLs (digitalhuman/audio/clip-url.ts).
    ['media-src', ["'self'", 'blob:']],
    ['connect-src', ["'self'", 'ws:', 'wss:', 'http://127.0.0.1:*', 'http://localhost:*']],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    // Nothing may frame the studio's pages.
    ['frame-ancestors', ["'none'"]]
  ]
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ')
}

type Headers = Record<string, string[] | string>

/** Replaces any CSP the response carried (the dev server sends none; a proxy might) with ours. */
export function withCsp(headers: Headers | undefined, policy: string): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue
    out[name] = Array.isArray(value) ? value : [value]
  }
  out['Content-Security-Policy'] = [policy]
  return out
}

/**
 * Adds the policy as a response header to our documents. Electron allows one onHeadersReceived
 * listener per session, so this must stay the only one; other header rewrites belong here.
 * The renderer's index.html should carry the same policy in a <meta> tag too: older Electron
 * versions skipped webRequest for file://, and a second copy costs nothing.
 */
export function installCsp(session: Pick<SessionHandle, 'webRequest'>, loc: RendererLocation): void {
  const policy = contentSecurityPolicy(loc)
  session.webRequest.onHeadersReceived((details, callback) => {
    const isDocument = details.resourceType === 'mainFrame' || details.resourceType === 'subFrame'
    if (isDocument && isRendererUrl(details.url, loc)) {
      callback({ responseHeaders: withCsp(details.responseHeaders, policy) })
    } else {
      callback({})
    }
  })
}
