// The desktop's Electron side faked for plain Node (the binary is not installable here): one
// DesktopPlatform (src-main/electron/platform.ts) and the kiosk and team platforms it hands out,
// with windows, WebContents and ipcMain that record what the desktop asked of them. Used by the
// electron unit tests and, for ipcMain, by the in-process desktop bridge (fake-bridge.ts).
import { EventEmitter } from 'node:events'
import { pathToFileURL } from 'node:url'
import { vi } from 'vitest'
import type { KeyInput, KioskPlatform } from '../../src-main/electron/kiosk-window'
import type { DesktopPlatform, IpcInvokeEvent, IpcMainLike, IpcSendEvent, TrayHandle } from '../../src-main/electron/platform'
import type { TeamPlatform } from '../../src-main/electron/team-window'
import { TEAM_SERVERS_KEY } from '../../src-main/core/team-servers'
import type { Rect } from '../../src-main/electron/window-state'

type Listener = (...args: any[]) => void

let nextContentsId = 1

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++
  url = ''
  destroyed = false
  openHandler: null | ((details: { url: string }) => { action: 'deny' }) = null
  send = vi.fn((_channel: string, ..._args: unknown[]) => undefined)
  getURL = () => this.url
  isDestroyed = () => this.destroyed
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }) {
    this.openHandler = handler
  }
}

/** A BrowserWindow: the studio's, the kiosk's or the team server's. */
export class FakeWindow extends EventEmitter {
  readonly webContents = new FakeWebContents()
  loads: string[] = []
  shown = false
  closed = false
  bounds: Rect = { x: 10, y: 20, width: 1100, height: 720 }
  constructor(public options: any) {
    super()
  }
  get url() {
    return this.webContents.url
  }
  loadURL = vi.fn(async (url: string) => {
    this.loads.push(url)
    this.webContents.url = url
  })
  loadFile = vi.fn(async (file: string) => {
    this.webContents.url = pathToFileURL(file).href
    setImmediate(() => this.emit('ready-to-show'))
  })
  show = vi.fn(() => {
    this.shown = true
    this.emit('show')
  })
  hide = vi.fn(() => {
    this.shown = false
    this.emit('hide')
  })
  focus = vi.fn()
  restore = vi.fn()
  maximize = vi.fn()
  isDestroyed = () => this.closed
  isVisible = () => this.shown
  isMinimized = () => false
  isMaximized = () => false
  getBounds = () => this.bounds
  getNormalBounds = () => this.bounds
  /** As Electron: 'close' may be prevented; otherwise the window goes ('closed'). */
  close = () => {
    let prevented = false
    this.emit('close', { preventDefault: () => (prevented = true) })
    if (prevented) return
    this.closed = true
    this.webContents.destroyed = true
    this.emit('closed')
  }
  /** Sends a key through before-input-event; true when the page would not see it. */
  press(input: KeyInput): boolean {
    let prevented = false
    this.webContents.emit('before-input-event', { preventDefault: () => (prevented = true) }, input)
    return prevented
  }
  /** A navigation (will-navigate / will-redirect); true when it was stopped. */
  navigate(url: string, kind: 'will-navigate' | 'will-redirect' = 'will-navigate', isMainFrame = true): boolean {
    let prevented = false
    this.webContents.emit(kind, { url, isMainFrame, preventDefault: () => (prevented = true) })
    return prevented
  }
}

/** ipcMain: `invoke` and `send` play a renderer's ipcRenderer.invoke / send. */
export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: IpcInvokeEvent, ...args: any[]) => unknown>()
  private readonly emitter = new EventEmitter()
  handle(channel: string, listener: (event: IpcInvokeEvent, ...args: any[]) => unknown) {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.handlers.set(channel, listener)
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel)
  }
  on(channel: string, listener: (event: IpcSendEvent, ...args: any[]) => void) {
    return this.emitter.on(channel, listener)
  }
  removeListener(channel: string, listener: Listener) {
    return this.emitter.removeListener(channel, listener)
  }
  /** Resolves as ipcRenderer.invoke does; rejects when nothing handles the channel. */
  async invoke(channel: string, event: IpcInvokeEvent, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel)
    if (!handler) throw new Error(`No handler registered for '${channel}'`)
    return handler(event, ...args)
  }
  send(channel: string, event: IpcSendEvent, ...args: unknown[]): void {
    this.emitter.emit(channel, event, ...args)
  }
  listenerCount(channel: string): number {
    return this.emitter.listenerCount(channel)
  }
}

export const KIOSK_AGENT_UUID = '6f1c2b7e-3d4a-4b5c-8d9e-0f1a2b3c4d5e'

/** The kiosk's platform: windows, the power blocker and the PIN prompt record what the rules asked. */
export function fakeKioskPlatform(opts: { published?: boolean; pins?: (string | null)[]; url?: string; createWindow?: (options: any) => FakeWindow } = {}) {
  const store = new Map<string, unknown>()
  const state = {
    windows: [] as FakeWindow[],
    /** What the PIN prompt answers next (null: the operator cancelled it); a test may add more. */
    pins: [...(opts.pins ?? [])],
    awake: 0,
    asked: [] as string[],
    alive: true,
    url: opts.url ?? 'http://127.0.0.1:5001',
    micPartition: null as string | null,
    micOrigin: null as null | (() => string | null),
    /** The audit actions the kiosk recorded. */
    audited: [] as string[],
    store
  }
  const platform: KioskPlatform = {
    createWindow: (options) => {
      const w = opts.createWindow?.(options) ?? new FakeWindow(options)
      state.windows.push(w)
      return w
    },
    keepDisplayAwake: () => {
      state.awake++
      return () => state.awake--
    },
    allowMicrophone: (partition, origin) => {
      state.micPartition = partition
      state.micOrigin = origin
    },
    askPin: async (mode) => {
      state.asked.push(mode)
      return state.pins.length ? state.pins.shift()! : null
    },
    serverUrl: async () => state.url,
    serverAlive: async () => state.alive,
    agentPublished: async (uuid) => (opts.published ?? true) && uuid === KIOSK_AGENT_UUID,
    store: { get: async <T>(k: string) => store.get(k) as T | undefined, set: async (k, v) => void store.set(k, v) },
    audit: async (action) => void state.audited.push(action)
  }
  return { platform, state }
}

/** The team window's platform: the window, the session and the system browser record what the rules asked. */
export function fakeTeamPlatform(opts: { recent: string[] | (() => Promise<string[]>); createWindow?: (options: any) => FakeWindow }) {
  const state = {
    windows: [] as FakeWindow[],
    external: [] as string[],
    localShown: true,
    notes: [] as string[],
    changes: 0,
    sessions: [] as { partition: string; origin: () => string | null }[]
  }
  const recent = opts.recent
  const platform: TeamPlatform = {
    createWindow: (options) => {
      const w = opts.createWindow?.(options) ?? new FakeWindow(options)
      state.windows.push(w)
      return w
    },
    prepareSession: (partition, origin) => void state.sessions.push({ partition, origin }),
    recentOrigins: async () => (typeof recent === 'function' ? recent() : recent),
    openExternal: (url) => void state.external.push(url),
    local: { show: () => (state.localShown = true), hide: () => (state.localShown = false), bounds: () => ({ x: 10, y: 20, width: 1000, height: 700 }) },
    notify: (m) => void state.notes.push(m),
    changed: () => void state.changes++
  }
  return { platform, state }
}

class FakeTray extends EventEmitter implements TrayHandle {
  menu: any[] = []
  destroyed = false
  constructor(public icon: string) {
    super()
  }
  setToolTip = vi.fn()
  setContextMenu = (template: any[]) => void (this.menu = template)
  isDestroyed = () => this.destroyed
  destroy = vi.fn(() => void (this.destroyed = true))
}

const fakeSession = () => ({
  webRequest: { onHeadersReceived: vi.fn() },
  setPermissionRequestHandler: vi.fn(),
  setPermissionCheckHandler: vi.fn(),
  setDevicePermissionHandler: vi.fn()
})

/**
 * The whole desktop platform. The app is an EventEmitter whose `quit()` emits before-quit as
 * Electron does and, when nothing held it, closes the windows and resolves `state.quitDone`;
 * `state.ready()` plays the app's 'ready'. Windows (studio, kiosk, team) are created through one
 * `createWindow`, which fires web-contents-created as Electron does.
 */
export function fakeDesktopPlatform(opts: { env?: Record<string, string | undefined>; os?: NodeJS.Platform } = {}) {
  const state = {
    paths: new Map<string, string>(),
    windows: [] as FakeWindow[],
    trays: [] as FakeTray[],
    menus: [] as unknown[][],
    notifications: [] as { title: string; body: string }[],
    ready: (): void => undefined,
    quitRequests: 0,
    exited: null as number | null,
    quitDone: (): void => undefined
  }
  const whenReady = new Promise<void>((resolve) => (state.ready = resolve))
  const ipcMain = new FakeIpcMain()
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    setPath: (name: string, p: string) => void state.paths.set(name, p),
    getPath: (name: string) => state.paths.get(name) ?? `/nonexistent/${name}`,
    getAppPath: () => process.cwd(),
    requestSingleInstanceLock: () => true,
    enableSandbox: vi.fn(),
    setAppUserModelId: vi.fn(),
    whenReady: () => whenReady,
    quit: vi.fn(() => {
      state.quitRequests++
      let prevented = false
      app.emit('before-quit', { preventDefault: () => (prevented = true) })
      if (prevented) return
      for (const w of state.windows) w.emit('close', { preventDefault: () => undefined })
      state.quitDone()
    }),
    exit: vi.fn((code: number) => void (state.exited = code)),
    relaunch: vi.fn()
  })
  const createWindow = (options: any) => {
    const w = new FakeWindow(options)
    state.windows.push(w)
    app.emit('web-contents-created', {}, w.webContents)
    return w
  }
  const platform: DesktopPlatform = {
    os: opts.os ?? 'linux',
    env: opts.env ?? {},
    resourcesPath: '/nonexistent/resources',
    mainDir: '/nonexistent/main',
    app,
    ipc: { ipcMain, contents: () => state.windows.filter((w) => !w.closed).map((w) => w.webContents) },
    defaultSession: fakeSession() as unknown as DesktopPlatform['defaultSession'],
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (s: string) => Buffer.from(`K(${s})`),
      decryptString: (b: Buffer) => b.toString().slice(2, -1)
    },
    dialog: { showErrorBox: vi.fn() },
    shell: { openExternal: vi.fn(async () => undefined) },
    clipboard: { writeText: vi.fn() },
    setApplicationMenu: (template) => void state.menus.push(template),
    notify: (spec) => void state.notifications.push(spec),
    createWindow,
    workAreas: () => [{ x: 0, y: 0, width: 1920, height: 1040 }],
    darkTheme: () => false,
    createTray: (icon) => {
      const t = new FakeTray(icon)
      state.trays.push(t)
      return t
    },
    kiosk: (runtime) => ({ ...fakeKioskPlatform({ createWindow }).platform, store: runtime.settings.raw }),
    team: ({ store, local, changed }) => ({
      ...fakeTeamPlatform({ recent: async () => ((await store.get<{ origin: string }[]>(TEAM_SERVERS_KEY)) ?? []).map((s) => s.origin), createWindow })
        .platform,
      local: { show: () => local()?.show(), hide: () => local()?.hide(), bounds: () => local()?.getBounds() ?? null },
      changed
    })
  }
  return { platform, state, app, ipcMain, session: platform.defaultSession as unknown as ReturnType<typeof fakeSession> }
}
