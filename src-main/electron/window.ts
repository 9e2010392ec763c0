import { SECURE_WEB_PREFERENCES } from './web-preferences'
import type { DesktopPlatform, WebContentsHandle, WindowHandle } from './platform'
import { navigationDecision, type RendererLocation } from './trust'
import { DEFAULT_WINDOW_STATE, MIN_WINDOW_SIZE, restoreWindowState, WINDOW_STATE_KEY } from './window-state'
import { log } from '../base/log'

/** The settings table's raw key/value access (runtime.settings.raw). */
export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>
  set(key: string, value: unknown): Promise<void>
}

export interface MainWindowOptions {
  platform: Pick<DesktopPlatform, 'createWindow' | 'workAreas' | 'darkTheme'>
  preload: string
  renderer: RendererLocation
  store: KeyValueStore
  icon?: string
}

export interface MainWindow {
  win: WindowHandle
  /** Writes size and position now; the app calls it before closing the database. */
  saveState(): Promise<void>
}

const SAVE_DELAY_MS = 500

export async function createMainWindow(opts: MainWindowOptions): Promise<MainWindow> {
  const saved = await opts.store.get<unknown>(WINDOW_STATE_KEY).catch(() => undefined)
  const state = restoreWindowState(saved ?? DEFAULT_WINDOW_STATE, opts.platform.workAreas())

  const win = opts.platform.createWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    title: 'Agenta Studio',
    icon: opts.icon,
    // Shown once painted, on a background of the right theme, so there is no white flash.
    show: false,
    backgroundColor: opts.platform.darkTheme() ? '#111318' : '#ffffff',
    autoHideMenuBar: true,
    webPreferences: {
      // Page scripts get only window.agenta, never Node.
      ...SECURE_WEB_PREFERENCES,
      preload: opts.preload
    }
  })
  if (state.maximized) win.maximize()
  win.once('ready-to-show', () => win.show())

  let timer: NodeJS.Timeout | undefined
  const saveState = async () => {
    clearTimeout(timer)
    timer = undefined
    if (win.isDestroyed()) return
    // Normal bounds, so a maximized window comes back maximized over the size it had before.
    const b = win.getNormalBounds()
    await opts.store.set(WINDOW_STATE_KEY, { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() })
  }
  const saveSoon = () => {
    clearTimeout(timer)
    timer = setTimeout(() => void saveState().catch((err) => log.warn({ err }, 'could not save the window state')), SAVE_DELAY_MS)
  }
  win.on('resize', saveSoon)
  win.on('move', saveSoon)
  win.on('maximize', saveSoon)
  win.on('unmaximize', saveSoon)
  win.on('closed', () => clearTimeout(timer))

  win.webContents.on('did-fail-load', (_e: unknown, code: number, description: string, url: string, isMainFrame: boolean) => {
    if (isMainFrame) log.error({ code, description, url }, 'the studio page did not load')
  })
  const loading = opts.renderer.kind === 'dev' ? win.loadURL(opts.renderer.url) : win.loadFile(opts.renderer.indexFile)
  // A failed load is reported by did-fail-load; the window stays so the user can reload or quit.
  loading.catch(() => undefined)
  return { win, saveState }
}

/**
 * Applied to every WebContents the app creates (app 'web-contents-created'), not only the main
 * window, so a window added later cannot forget it.
 */
export function guardWebContents(
  contents: Pick<WebContentsHandle, 'on' | 'setWindowOpenHandler'>,
  loc: RendererLocation,
  openExternal: (url: string) => Promise<void>,
  /** Contents with rules of their own (the team window, team-window.ts): asked at each event, since they are known only once created. */
  ownRules: (contents: unknown) => boolean = () => false
): void {
  const open = (url: string | null) => {
    if (url) openExternal(url).catch((err) => log.warn({ err, url }, 'could not open an external link'))
  }
  type NavEvent = { url: string; isMainFrame?: boolean; preventDefault(): void }
  contents.on('will-navigate', (event: NavEvent) => {
    if (ownRules(contents)) return
    const d = navigationDecision(event.url, loc, { allowInApp: true })
    if (d.action === 'allow') return
    event.preventDefault()
    // A plain link to a web page (markdown in a chat answer) is something the user clicked: show it in their browser.
    if (event.isMainFrame) open(d.openExternal)
  })
  contents.on('will-redirect', (event: NavEvent) => {
    if (ownRules(contents)) return
    // Redirects are server-driven: never follow one out of our pages, and never open it either.
    if (navigationDecision(event.url, loc, { allowInApp: true }).action !== 'allow') event.preventDefault()
  })
  contents.on('will-attach-webview', (event: NavEvent) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    const d = navigationDecision(url, loc, { allowInApp: false })
    if (d.action === 'deny') open(d.openExternal)
    return { action: 'deny' }
  })
}
