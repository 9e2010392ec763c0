// What the desktop host (desktop.ts) needs from Electron, as one typed seam. electron-platform.ts
// gives the real one; tests/utils/fake-platform.ts a fake, so the whole desktop boots, serves IPC
// and quits in plain Node. Only types here: importing this file starts nothing.
// Handles are structural (like KioskWindowHandle and TeamWindowHandle), so a fake needs no cast;
// the real platform casts Electron's objects to them.
import type { MenuItemConstructorOptions, Session } from 'electron'
import type { Runtime } from '../core/runtime'
import type { SenderInfo } from './trust'
import type { KioskPlatform } from './kiosk-window'
import type { LanServer } from './lan-server'
import type { NotificationSpec } from './run-notifications'
import type { SafeStorageLike } from './secret-box'
import type { TeamPlatform } from './team-window'
import type { Rect } from './window-state'

type Listener = (...args: any[]) => void

/** A WebContents, as the guards (window.ts) and the IPC (ipc.ts) use it. */
export interface WebContentsHandle {
  readonly id: number
  getURL(): string
  isDestroyed(): boolean
  send(channel: string, ...args: unknown[]): void
  on(event: string, listener: Listener): unknown
  once(event: string, listener: Listener): unknown
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void
}

/** The studio's BrowserWindow, as window.ts, the tray and the team window use it. */
export interface WindowHandle {
  readonly webContents: WebContentsHandle
  on(event: string, listener: Listener): unknown
  once(event: string, listener: Listener): unknown
  loadURL(url: string): Promise<void>
  loadFile(file: string): Promise<void>
  show(): void
  hide(): void
  focus(): void
  restore(): void
  maximize(): void
  isDestroyed(): boolean
  isVisible(): boolean
  isMinimized(): boolean
  isMaximized(): boolean
  getBounds(): Rect
  getNormalBounds(): Rect
}

/** The sender of an IPC message (IpcMainEvent.sender): streams answer it and stop when it goes. */
export interface IpcSender {
  readonly id: number
  send(channel: string, ...args: unknown[]): void
  isDestroyed(): boolean
  once(event: 'destroyed', listener: () => void): unknown
}

export type IpcInvokeEvent = SenderInfo
export type IpcSendEvent = SenderInfo & { sender: IpcSender }

/** Electron's ipcMain, the part ipc.ts uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEvent, ...args: any[]) => unknown): void
  removeHandler(channel: string): void
  on(channel: string, listener: (event: IpcSendEvent, ...args: any[]) => void): unknown
  removeListener(channel: string, listener: (event: IpcSendEvent, ...args: any[]) => void): unknown
}

/** Where IPC comes in and which pages events go out to: ipcMain, and every window's live WebContents. */
export interface IpcHost {
  ipcMain: IpcMainLike
  contents(): WebContentsHandle[]
}

/** Electron's app object, the part the desktop uses. */
export interface DesktopApp {
  readonly isPackaged: boolean
  getPath(name: 'appData' | 'userData'): string
  setPath(name: 'userData', path: string): void
  getAppPath(): string
  requestSingleInstanceLock(): boolean
  enableSandbox(): void
  setAppUserModelId(id: string): void
  whenReady(): Promise<void>
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsHandle) => void): unknown
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown
  on(event: 'second-instance' | 'activate' | 'window-all-closed', listener: () => void): unknown
  quit(): void
  exit(code: number): void
  relaunch(): void
}

/** A tray icon; its menu is given as data (tray-menu.ts) and built by the platform. */
export interface TrayHandle {
  setToolTip(text: string): void
  setContextMenu(template: MenuItemConstructorOptions[]): void
  on(event: 'click', listener: () => void): unknown
  isDestroyed(): boolean
  destroy(): void
}

/** The session parts csp.ts and permissions.ts configure. */
export type SessionHandle = Pick<Session, 'webRequest' | 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>

export interface DesktopPlatform {
  /** process.platform: tray, menus and quitting differ on macOS and Windows. */
  readonly os: NodeJS.Platform
  /** The environment (AGENTA_DATA_DIR, ELECTRON_RENDERER_URL). */
  readonly env: Readonly<Record<string, string | undefined>>
  /** process.resourcesPath: a package's resources. */
  readonly resourcesPath: string
  /** The folder of the built main process: the bundled MCP servers are built next to it. */
  readonly mainDir: string
  app: DesktopApp
  ipc: IpcHost
  defaultSession: SessionHandle
  safeStorage: SafeStorageLike
  dialog: { showErrorBox(title: string, content: string): void }
  shell: { openExternal(url: string): Promise<void> }
  clipboard: { writeText(text: string): void }
  /** Menu.setApplicationMenu(Menu.buildFromTemplate(template)). */
  setApplicationMenu(template: MenuItemConstructorOptions[]): void
  /** A desktop notification, when the system supports them. */
  notify(spec: NotificationSpec, onClick: () => void): void
  /** new BrowserWindow(options). */
  createWindow(options: Record<string, unknown>): WindowHandle
  /** The screens' work areas (screen.getAllDisplays()). */
  workAreas(): Rect[]
  /** nativeTheme.shouldUseDarkColors */
  darkTheme(): boolean
  /** A tray icon; throws where none can be shown. */
  createTray(iconPath: string): TrayHandle
  /** The kiosk window's platform (kiosk-platform.ts). */
  kiosk(runtime: Runtime, lan: () => LanServer | null): KioskPlatform
  /** The team window's platform (team-platform.ts). */
  team(opts: { store: { get<T>(key: string): Promise<T | undefined> }; local: () => WindowHandle | null; changed: () => void }): TeamPlatform
}
