// The desktop's studio showing a team server ("Connect to a team server…") and back to "this
// computer". The remote studio is a web page from another machine, so it gets a window of its own
// with NO preload (window.agenta, the local core, does not exist there), its own session (its
// login cookie apart from ours), and only its own origin to navigate in. Everything Electron does
// is behind `TeamPlatform` (team-platform.ts gives the real one), so these rules run in unit tests
// with fakes: which URLs load, which navigations are intercepted, what opens outside.
import { SECURE_WEB_PREFERENCES } from './web-preferences'
import { z } from 'zod'
import { AppError, validationError } from '../contract/errors'
import { externalUrlToOpen } from './trust'
import { log as appLog } from '../base/log'

/** The team window's session: persistent, so its sign-in survives a restart; never the studio's. */
export const TEAM_PARTITION = 'persist:agenta-team'
/** Where the remote studio's "Back to this computer" link goes; the main process intercepts it. */
export const LOCAL_STUDIO_URL = 'agenta://local'
/** Added to the team window's user agent, so the remote studio knows it runs inside the desktop app. */
export const DESKTOP_UA_TOKEN = 'AgentaDesktop'

export const desktopUserAgent = (base: string, version: string) => `${base} ${DESKTOP_UA_TOKEN}/${version}`

/** The IPC input: an origin the core has checked (teamServers.check) and remembered. */
export const OpenTeamInput = z.object({ origin: z.string().min(1).max(2000) })

/** `agenta://local` in any spelling Chromium may hand us (agenta://local/, AGENTA://LOCAL). */
export function isBackToLocal(url: string): boolean {
  try {
    const u = new URL(url)
    return u.protocol === 'agenta:' && (u.host.toLowerCase() === 'local' || u.pathname.replace(/^\/+/, '').toLowerCase().startsWith('local'))
  } catch {
    return false
  }
}

/** The exact origin of an http(s) URL with no credentials, or null. */
export function webOrigin(url: string): string | null {
  try {
    const u = new URL(url)
    if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password) return null
    return u.origin
  } catch {
    return null
  }
}

export type TeamNavigation = { action: 'allow' } | { action: 'local' } | { action: 'deny'; openExternal: string | null }

/**
 * Where the team window may go: anywhere on its server's origin; `agenta://local` brings the local
 * studio back; any other web link opens in the system browser (it has none of the app's rights
 * there); anything else (file:, other schemes) nowhere.
 */
export function teamNavigation(url: string, origin: string): TeamNavigation {
  if (isBackToLocal(url)) return { action: 'local' }
  if (webOrigin(url) === origin) return { action: 'allow' }
  return { action: 'deny', openExternal: externalUrlToOpen(url) }
}

/** Permissions the remote studio may have: writing to the clipboard ("copy" buttons), on its own origin only. */
export function teamPermission(permission: string, requestingUrl: string | undefined, origin: string | null): boolean {
  return permission === 'clipboard-sanitized-write' && !!origin && !!requestingUrl && webOrigin(requestingUrl) === origin
}

/** The team window: like the studio's, but no preload, its own session, and the desktop's user-agent token. */
export function teamWindowOptions(bounds: { x?: number; y?: number; width: number; height: number } | null) {
  return {
    ...(bounds ?? { width: 1280, height: 820 }),
    title: 'Agenta Studio',
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      // No preload: the remote page must never reach window.agenta (the local core).
      ...SECURE_WEB_PREFERENCES,
      partition: TEAM_PARTITION
    }
  }
}

type Listener = (...args: any[]) => void
type NavEvent = { url: string; isMainFrame?: boolean; preventDefault(): void }

/** The structural parts of a BrowserWindow and its WebContents that the team window uses. */
export interface TeamWindowHandle {
  on(event: 'closed' | 'ready-to-show', listener: Listener): unknown
  loadURL(url: string): Promise<void>
  show(): void
  hide(): void
  focus(): void
  close(): void
  restore(): void
  isDestroyed(): boolean
  isVisible(): boolean
  isMinimized(): boolean
  webContents: {
    on(event: 'will-navigate' | 'will-redirect' | 'did-fail-load', listener: Listener): unknown
    setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void
  }
}

export interface TeamPlatform {
  createWindow(options: ReturnType<typeof teamWindowOptions>): TeamWindowHandle
  /** Sets the team session's user agent (with DESKTOP_UA_TOKEN) and its permission handlers (teamPermission against `origin()`). */
  prepareSession(partition: string, origin: () => string | null): void
  /** The origins the core checked and remembered (teamServers.recent): the only ones the window may show. */
  recentOrigins(): Promise<string[]>
  openExternal(url: string): void
  /** The local studio's window. */
  local: { show(): void; hide(): void; bounds(): { x: number; y: number; width: number; height: number } | null }
  /** Tells the user something went wrong (a dialog). */
  notify(message: string): void
  /** The tray and menus show the mode: called whenever it changes. */
  changed(): void
}

/**
 * One team window at a time. `open` takes an origin the core has checked, hides the local studio
 * and shows the server's (its login page first); `back` closes it and shows the local studio
 * again — from the remote page's "Back to this computer" link, the tray or the app menu.
 */
export class TeamWindows {
  private win: TeamWindowHandle | null = null
  private origin: string | null = null
  private sessionReady = false

  constructor(
    private readonly platform: TeamPlatform,
    private readonly log: Pick<typeof appLog, 'info' | 'warn'> = appLog
  ) {}

  /** The origin shown, or null on "this computer". */
  current(): string | null {
    return this.win && !this.win.isDestroyed() ? this.origin : null
  }

  get window(): TeamWindowHandle | null {
    return this.win && !this.win.isDestroyed() ? this.win : null
  }

  async open(raw: unknown): Promise<{ origin: string }> {
    const parsed = OpenTeamInput.safeParse(raw ?? {})
    if (!parsed.success) throw validationError(parsed.error)
    const origin = webOrigin(parsed.data.origin)
    // Only what the core checked: a page of ours that is compromised cannot point the window anywhere else.
    if (!origin || origin !== parsed.data.origin.replace(/\/+$/, '') || !(await this.platform.recentOrigins()).includes(origin))
      throw new AppError('bad_request', 'Check the server first (Connect to a team server…): only a checked team server can be shown')
    if (!this.sessionReady) {
      this.platform.prepareSession(TEAM_PARTITION, () => this.origin)
      this.sessionReady = true
    }
    this.origin = origin
    const existing = this.window
    if (existing) {
      void existing.loadURL(`${origin}/`).catch(() => undefined)
      existing.focus()
      this.platform.changed()
      return { origin }
    }
    const win = this.platform.createWindow(teamWindowOptions(this.platform.local.bounds()))
    this.win = win
    win.on('ready-to-show', () => {
      if (this.win !== win) return
      this.platform.local.hide()
      win.show()
      win.focus()
    })
    win.on('closed', () => {
      if (this.win !== win) return
      this.win = null
      this.origin = null
      this.platform.changed()
    })
    win.webContents.on('will-navigate', (event: NavEvent) => this.onNavigate(event, true))
    win.webContents.on('will-redirect', (event: NavEvent) => this.onNavigate(event, false))
    win.webContents.setWindowOpenHandler(({ url }) => {
      const d = this.decide(url)
      if (d.action === 'local') this.back()
      // Even the server's own pages open outside: a second window would be one more place to guard.
      else if (d.action === 'allow') this.platform.openExternal(url)
      else if (d.openExternal) this.platform.openExternal(d.openExternal)
      return { action: 'deny' }
    })
    win.webContents.on('did-fail-load', (_e: unknown, code: number, description: string, url: string, isMainFrame: boolean) => {
      // -3 is ERR_ABORTED: a navigation replaced the load (our own "back" among them).
      if (!isMainFrame || code === -3 || this.win !== win) return
      this.log.warn({ code, description, url }, 'the team server did not load')
      this.platform.notify(`${this.origin ?? url}: ${description}`)
      this.back()
    })
    void win.loadURL(`${origin}/`).catch(() => undefined)
    this.log.info({ origin }, 'studio window shows a team server')
    this.platform.changed()
    return { origin }
  }

  private decide(url: string): TeamNavigation {
    return this.origin ? teamNavigation(url, this.origin) : { action: 'deny', openExternal: null }
  }

  /** A link click or location change (`userInitiated`), or a server redirect (never opened outside). */
  private onNavigate(event: NavEvent, byPage: boolean): void {
    const d = this.decide(event.url)
    if (d.action === 'allow') return
    event.preventDefault()
    if (d.action === 'local') return void (byPage ? this.back() : undefined)
    if (byPage && event.isMainFrame !== false && d.openExternal) this.platform.openExternal(d.openExternal)
  }

  /** Back to this computer: the local studio shows again, the team window goes. */
  back(): void {
    const win = this.win
    this.platform.local.show()
    this.win = null
    this.origin = null
    if (win && !win.isDestroyed()) win.close()
    this.platform.changed()
    if (win) this.log.info({}, 'studio window back on this computer')
  }

  /** Whether these are the team window's WebContents (the studio's own navigation rules do not apply to them). */
  isTeam(contents: unknown): boolean {
    return !!this.win && !this.win.isDestroyed() && this.win.webContents === contents
  }
}
