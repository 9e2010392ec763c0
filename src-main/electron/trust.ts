import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Where the studio's own pages come from. Everything the main process trusts (IPC senders,
 * navigation targets, permission requests, CSP targets) is decided against this one value, so
 * the rules cannot drift apart.
 */
export type RendererLocation =
  /** Packaged app and `electron-vite preview`: the built index.html, loaded over file://. */
  | { kind: 'file'; indexFile: string }
  /** `electron-vite dev`: the Vite dev server (ELECTRON_RENDERER_URL). */
  | { kind: 'dev'; url: string }

const LOOPBACK_NAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]'])

export function rendererLocation(opts: { rendererDir: string; devServerUrl?: string }): RendererLocation {
  // The dev server is honoured only as an http(s) URL on this machine: the variable comes from the
  // environment, and a stray value must not make a remote page trusted with the IPC bridge.
  // (main.ts also ignores it in a packaged app.)
  const dev = parseUrl(opts.devServerUrl?.trim() ?? '')
  if (dev && /^https?:$/.test(dev.protocol) && LOOPBACK_NAMES.has(dev.hostname)) return { kind: 'dev', url: dev.href }
  return { kind: 'file', indexFile: resolve(opts.rendererDir, 'index.html') }
}

/**
 * True when `url` is one of our pages. For file:// every local file shares one opaque origin, so
 * only the exact index.html counts (any hash or query, since the renderer routes by hash); a
 * page elsewhere on disk — a downloaded .html, say — must never reach the IPC bridge.
 */
export function isRendererUrl(url: string, loc: RendererLocation): boolean {
  const u = parseUrl(url)
  if (!u) return false
  if (loc.kind === 'dev') {
    const dev = new URL(loc.url)
    return u.protocol === dev.protocol && u.host === dev.host
  }
  if (u.protocol !== 'file:' || (u.host !== '' && u.host !== 'localhost')) return false
  let path: string
  try {
    // Ignores query and hash; throws on encoded slashes, which no page of ours has.
    path = fileURLToPath(u)
  } catch {
    return false
  }
  return samePath(path, loc.indexFile)
}

/** The parts of an IpcMainInvokeEvent the sender check looks at (structural, so tests need no electron). */
export interface SenderInfo {
  sender: { id: number }
  senderFrame: { url: string; parent: unknown } | null
}

/**
 * An IPC call is served only if it comes from the main frame of one of our windows showing one
 * of our pages. Sub-frames are refused even when same-origin: the studio never embeds frames
 * that need the bridge, and an injected iframe must not get it. A null senderFrame means the
 * frame navigated away or was destroyed while the call was in flight.
 */
export function isTrustedSender(event: SenderInfo, ourWebContentsIds: ReadonlySet<number>, loc: RendererLocation): boolean {
  const frame = event.senderFrame
  if (!frame) return false
  if (frame.parent !== null) return false
  if (!ourWebContentsIds.has(event.sender.id)) return false
  return isRendererUrl(frame.url, loc)
}

/** Links the user clicks open in the system browser, but only web links: file:, smb:, custom app schemes and javascript: can launch programs. */
export function externalUrlToOpen(url: string): string | null {
  const u = parseUrl(url)
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) return null
  // Credentials in a link are a phishing trick ("https://bank.com@evil.example").
  if (u.username || u.password) return null
  return u.href
}

/** Permissions our pages may have. Everything else (camera, geolocation, notifications, HID…) is denied. */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write'])

export function isPermissionAllowed(permission: string, requestingUrl: string | undefined, loc: RendererLocation): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && requestingUrl !== undefined && isRendererUrl(requestingUrl, loc)
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

function samePath(a: string, b: string): boolean {
  const na = resolve(a)
  const nb = resolve(b)
  // NTFS and APFS (default) are case-insensitive; Chromium may report a different case than we built.
  return process.platform === 'win32' || process.platform === 'darwin' ? na.toLowerCase() === nb.toLowerCase() : na === nb
}

export type NavigationDecision = { action: 'allow' } | { action: 'deny'; openExternal: string | null }

/**
 * What to do when a page tries to go to `url` (link click, location change, redirect, window.open).
 * Only our own pages load inside the app; a web link the user follows opens in their browser,
 * where it has none of the studio's privileges.
 */
export function navigationDecision(url: string, loc: RendererLocation, opts: { allowInApp: boolean }): NavigationDecision {
  if (opts.allowInApp && isRendererUrl(url, loc)) return { action: 'allow' }
  return { action: 'deny', openExternal: externalUrlToOpen(url) }
}
