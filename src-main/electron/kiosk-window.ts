// The desktop kiosk window: a published agent's kiosk page (/kiosk/<uuid>, from our own server) full
// screen on this computer, for a hall screen nobody watches. Everything Electron does is behind
// `KioskPlatform` (kiosk-platform.ts gives the real one), so the rules here run in unit tests
// with fakes: which keys are blocked, how the admin PIN is kept and checked, when the page reloads.
import { SECURE_WEB_PREFERENCES } from './web-preferences'
import { AppError, validationError } from '../contract/errors'
import { OpenKioskInput, type KioskAuditAction } from '../contract/kiosk'
import { hashPin, KIOSK_PIN_KEY, PinGuard, verifyPin } from '../core/settings/kiosk-pin'
import { log as appLog } from '../base/log'

/** How often the server is checked while the kiosk shows; a page that outlived a lost server is reloaded. */
export const HEALTH_INTERVAL_MS = 5_000
/** A crashed page is reloaded after this, then after twice as long each time in a row, up to RETRY_MAX_MS. */
export const RETRY_MIN_MS = 1_000
export const RETRY_MAX_MS = 30_000
/** A page that stays unresponsive this long is reloaded. */
export const UNRESPONSIVE_MS = 10_000

/** The parts of Electron's `Input` (before-input-event) the rules read. */
export interface KeyInput {
  type: string
  key: string
  control: boolean
  meta: boolean
  alt: boolean
  shift: boolean
}

/**
 * What a key does in the kiosk window: `exit` asks for the PIN, `block` is swallowed (reload,
 * devtools, closing, zoom, printing, history, new windows), anything else reaches the page
 * (a visitor types a question). Keys the operating system takes first (Alt+Tab, the Windows key,
 * Ctrl+Alt+Del) never reach the app: the README's dedicated-box setup handles those.
 */
export function kioskKey(input: KeyInput): 'exit' | 'block' | 'allow' {
  if (input.type !== 'keyDown' && input.type !== 'rawKeyDown') return 'allow'
  const key = input.key.length === 1 ? input.key.toLowerCase() : input.key
  const mod = input.control || input.meta
  // EXIT_SHORTCUT (contract/kiosk.ts), as the studio tells the operator.
  if (mod && input.alt && input.shift && key === 'k') return 'exit'
  if (/^F\d{1,2}$/.test(key)) return 'block'
  if (['BrowserBack', 'BrowserForward', 'BrowserRefresh', 'BrowserHome', 'BrowserSearch'].includes(key)) return 'block'
  // Back and forward.
  if (input.alt && (key === 'ArrowLeft' || key === 'ArrowRight' || key === 'Home')) return 'block'
  // Reload, devtools, close, quit, new window/tab, open, print, save, view source, find, address bar, zoom.
  if (mod && 'rwqntopsulfgjihm'.includes(key) && key.length === 1) return 'block'
  if (mod && ['+', '=', '-', '_', '0'].includes(key)) return 'block'
  if (input.control && input.shift && key === 'Delete') return 'block'
  return 'allow'
}

/** Options for the kiosk's BrowserWindow: no frame, no menu, full screen, no devtools, no bridge. */
export function kioskWindowOptions(partition: string) {
  return {
    fullscreen: true,
    kiosk: true,
    frame: false,
    autoHideMenuBar: true,
    backgroundColor: '#0b1220',
    title: 'Agenta Kiosk',
    show: false,
    webPreferences: {
      // Its own session: the microphone is allowed there only, and the studio's token cookie is not in it.
      partition,
      // No preload: the kiosk page is a public page and must never reach the studio's IPC bridge.
      ...SECURE_WEB_PREFERENCES,
      devTools: false,
      // The kiosk greets and answers aloud without anyone touching the screen first.
      autoplayPolicy: 'no-user-gesture-required' as const,
      spellcheck: false,
      // A kiosk in the background of another window (an operator's dialog) keeps animating and listening.
      backgroundThrottling: false
    }
  }
}

/** May the kiosk page have this permission? The microphone (audio only) for the kiosk's own origin; nothing else. */
export function kioskPermission(permission: string, requestingUrl: string | undefined, kioskOrigin: string | null, mediaTypes?: string[]): boolean {
  if (permission !== 'media' || !kioskOrigin || !requestingUrl) return false
  let origin: string
  try {
    origin = new URL(requestingUrl).origin
  } catch {
    return false
  }
  if (origin !== kioskOrigin) return false
  return !mediaTypes || mediaTypes.every((t) => t === 'audio')
}

type Listener = (...args: any[]) => void

/** The structural parts of a BrowserWindow and its WebContents that the kiosk uses. */
export interface KioskWindowHandle {
  on(event: 'close' | 'closed' | 'ready-to-show', listener: Listener): unknown
  loadURL(url: string): Promise<void>
  show(): void
  focus(): void
  close(): void
  isDestroyed(): boolean
  webContents: {
    on(event: 'before-input-event' | 'render-process-gone' | 'did-fail-load' | 'unresponsive' | 'responsive', listener: Listener): unknown
    getURL(): string
  }
}

export interface KioskPlatform {
  createWindow(options: ReturnType<typeof kioskWindowOptions>): KioskWindowHandle
  /** Keeps the display awake (powerSaveBlocker 'prevent-display-sleep'); returns the release. */
  keepDisplayAwake(): () => void
  /** Lets the kiosk's session use the microphone for `origin()` only. */
  allowMicrophone(partition: string, origin: () => string | null): void
  /** Asks for the PIN in a small window over the kiosk ('set' asks twice); null when cancelled. */
  askPin(mode: 'enter' | 'set', parent: KioskWindowHandle | null): Promise<string | null>
  /** The server's base URL for this computer, starting the server if it is off; throws an AppError when it cannot. */
  serverUrl(): Promise<string>
  /** Whether the server still answers (GET /healthz). */
  serverAlive(baseUrl: string): Promise<boolean>
  /** Whether a published agent with this uuid exists. */
  agentPublished(uuid: string): Promise<boolean>
  store: { get<T>(key: string): Promise<T | undefined>; set(key: string, value: unknown): Promise<void> }
  /** The exit prompt's guard against guessing: the core's (runtime.kioskPin.exitGuard), which a PIN reset clears and whose lock is audited. */
  pinGuard?: PinGuard
  /** Records a PIN set here in the audit log (as the desktop's owner). */
  audit?(action: KioskAuditAction): Promise<void>
  now?(): number
}

export const KIOSK_PARTITION = 'persist:agenta-kiosk'

/**
 * One kiosk window at a time. `open` validates its input (the IPC's zod schema), makes sure an
 * admin PIN exists, then shows the page full screen; only the PIN closes it again. The page is
 * reloaded after its renderer crashes or hangs, after a failed load (the server was not there),
 * and when the server comes back after being lost.
 */
export class KioskWindows {
  private win: KioskWindowHandle | null = null
  private agentUuid: string | null = null
  private baseUrl: string | null = null
  private leaving = false
  private asking = false
  /** Wrong PINs at the exit prompt (core/settings/kiosk-pin.ts: the same rule as Settings → Kiosk). */
  private readonly guard: PinGuard
  private retries = 0
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private hangTimer: ReturnType<typeof setTimeout> | undefined
  private health: ReturnType<typeof setInterval> | undefined
  private serverLost = false
  private releaseDisplay: (() => void) | null = null

  private permissionsSet = false

  constructor(
    private readonly platform: KioskPlatform,
    private readonly log: Pick<typeof appLog, 'info' | 'warn' | 'error'> = appLog
  ) {
    this.guard = platform.pinGuard ?? new PinGuard(() => this.now())
  }

  get window(): KioskWindowHandle | null {
    return this.win
  }

  /** The page's URL now (the server's address may have changed since the window opened). */
  url(): string | null {
    return this.baseUrl && this.agentUuid ? `${this.baseUrl}/kiosk/${this.agentUuid}` : null
  }

  private origin(): string | null {
    return this.baseUrl ? new URL(this.baseUrl).origin : null
  }

  private now(): number {
    return this.platform.now?.() ?? Date.now()
  }

  async open(raw: unknown): Promise<{ url: string }> {
    const parsed = OpenKioskInput.safeParse(raw ?? {})
    if (!parsed.success) throw validationError(parsed.error)
    const { agentUuid, pin } = parsed.data
    if (!(await this.platform.agentPublished(agentUuid))) {
      throw new AppError('not_found', 'No published agent has this id: publish the agent before opening its kiosk', undefined, {
        reason: 'kiosk_not_published'
      })
    }
    await this.ensurePin(pin)
    this.baseUrl = await this.platform.serverUrl()
    this.agentUuid = agentUuid
    if (this.win && !this.win.isDestroyed()) {
      // Already showing: switch it to this agent.
      this.load()
      this.win.focus()
      return { url: this.url()! }
    }
    if (!this.permissionsSet) {
      this.platform.allowMicrophone(KIOSK_PARTITION, () => this.origin())
      this.permissionsSet = true
    }
    const win = this.platform.createWindow(kioskWindowOptions(KIOSK_PARTITION))
    this.win = win
    this.leaving = false
    this.releaseDisplay = this.platform.keepDisplayAwake()
    win.on('ready-to-show', () => win.show())
    win.on('close', (event: { preventDefault(): void }) => {
      // Alt+F4, the window manager's close, a page script: only the PIN lets the kiosk go.
      if (!this.leaving) {
        event.preventDefault()
        void this.requestExit()
      }
    })
    win.on('closed', () => this.cleanUp(win))
    win.webContents.on('before-input-event', (event: { preventDefault(): void }, input: KeyInput) => {
      const verdict = kioskKey(input)
      if (verdict === 'allow') return
      event.preventDefault()
      if (verdict === 'exit') void this.requestExit()
    })
    win.webContents.on('render-process-gone', (_e: unknown, details: { reason?: string }) => {
      this.log.warn({ reason: details?.reason }, 'kiosk page crashed; reloading')
      this.reloadSoon()
    })
    win.webContents.on('did-fail-load', (_e: unknown, code: number, description: string, url: string, isMainFrame: boolean) => {
      // -3 is ERR_ABORTED: our own reload replaced the load.
      if (!isMainFrame || code === -3) return
      this.log.warn({ code, description, url }, 'kiosk page did not load; retrying')
      this.reloadSoon()
    })
    win.webContents.on('unresponsive', () => {
      clearTimeout(this.hangTimer)
      this.hangTimer = setTimeout(() => {
        this.log.warn({}, 'kiosk page unresponsive; reloading')
        this.load()
      }, UNRESPONSIVE_MS)
    })
    win.webContents.on('responsive', () => clearTimeout(this.hangTimer))
    this.health = setInterval(() => void this.checkServer(), HEALTH_INTERVAL_MS)
    this.load()
    this.log.info({ agent: agentUuid, url: this.url() }, 'kiosk window opened')
    return { url: this.url()! }
  }

  /** No PIN stored yet: take the one given, or ask for one. Without a PIN the kiosk does not open. */
  private async ensurePin(given: string | undefined): Promise<void> {
    if (await this.platform.store.get<string>(KIOSK_PIN_KEY)) return
    const pin = given ?? (await this.platform.askPin('set', null))
    if (!pin) throw new AppError('bad_request', 'Set an admin PIN first: only the PIN lets anyone leave the kiosk', undefined, { reason: 'kiosk_pin_not_set' })
    const checked = OpenKioskInput.shape.pin.safeParse(pin)
    if (!checked.success) throw validationError(checked.error, 'PIN')
    await this.platform.store.set(KIOSK_PIN_KEY, await hashPin(pin))
    await this.platform.audit?.('kiosk.pinSet')
  }

  /** The exit shortcut or a close: the PIN prompt; the right PIN closes the kiosk. */
  async requestExit(): Promise<boolean> {
    const win = this.win
    if (!win || win.isDestroyed() || this.asking) return false
    if (this.guard.lockedFor() > 0) {
      this.log.warn({}, 'kiosk exit refused: too many wrong PINs, locked')
      return false
    }
    this.asking = true
    try {
      const pin = await this.platform.askPin('enter', win)
      if (pin === null) return false
      const stored = await this.platform.store.get<string>(KIOSK_PIN_KEY)
      if (!stored || !(await verifyPin(pin, stored))) {
        await this.guard.wrong()
        this.log.warn({}, 'kiosk exit: wrong PIN')
        return false
      }
      this.guard.right()
      this.leaving = true
      win.close()
      return true
    } finally {
      this.asking = false
    }
  }

  private load(): void {
    const win = this.win
    const url = this.url()
    if (!win || win.isDestroyed() || !url) return
    // A failed load is reported by did-fail-load, which retries.
    win.loadURL(url).then(
      () => (this.retries = 0),
      () => undefined
    )
  }

  /** Reload after a growing pause: a crash loop or a server that is down must not spin. */
  private reloadSoon(): void {
    clearTimeout(this.retryTimer)
    const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** this.retries++)
    this.retryTimer = setTimeout(() => {
      // The server may have come back on another port: ask again.
      void this.platform.serverUrl().then(
        (url) => {
          this.baseUrl = url
          this.load()
        },
        () => this.reloadSoon()
      )
    }, delay)
  }

  /** A page that outlived a lost server has dead requests and a stale session: reload it when the server is back. */
  private async checkServer(): Promise<void> {
    if (!this.baseUrl) return
    const alive = await this.platform.serverAlive(this.baseUrl).catch(() => false)
    if (!alive) {
      if (!this.serverLost) this.log.warn({ url: this.baseUrl }, 'kiosk lost the server')
      this.serverLost = true
      // It may be back on another port (the operator changed the settings).
      const moved = await this.platform.serverUrl().catch(() => null)
      if (!moved || moved === this.baseUrl || !(await this.platform.serverAlive(moved).catch(() => false))) return
      this.baseUrl = moved
    }
    if (this.serverLost) {
      this.serverLost = false
      this.log.info({}, 'server is back; reloading the kiosk page')
      this.retries = 0
      this.load()
    }
  }

  private cleanUp(win: KioskWindowHandle): void {
    if (this.win !== win) return
    this.win = null
    clearTimeout(this.retryTimer)
    clearTimeout(this.hangTimer)
    clearInterval(this.health)
    this.releaseDisplay?.()
    this.releaseDisplay = null
    this.log.info({}, 'kiosk window closed')
  }

  /** The app quits: the kiosk goes without a PIN (quitting is the operator's, from the tray). */
  closeForQuit(): void {
    this.leaving = true
    if (this.win && !this.win.isDestroyed()) this.win.close()
  }

  /** Whether these are the kiosk's WebContents (links there never open an outside browser). */
  isKiosk(contents: unknown): boolean {
    return !!this.win && !this.win.isDestroyed() && this.win.webContents === contents
  }
}
