// The desktop app's IPC in-process, for Chromium pages: each page of a browser context becomes a
// desktop window. The page runs the BUILT preload (out/preload/index.cjs) over a stand-in
// `ipcRenderer`, so `window.agenta` is exactly the desktop's; its invoke/send reach the real
// registerIpc (src-main/electron/ipc.ts: sender check, dispatch as the desktop's owner, chat
// streams) on a fake ipcMain (fake-platform.ts), and studio events come back to the page as
// Electron's webContents.send would bring them. The Electron binary cannot run here; this is the
// renderer's desktop path (api/ipc.ts) with everything after the preload real.
import { EventEmitter } from 'node:events'
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { BrowserContext, Frame, Page } from 'playwright-core'
import { registerIpc, registerKioskIpc, type KioskOpener, type TurnStarter } from '../../src-main/electron/ipc'
import type { IpcSendEvent, WebContentsHandle } from '../../src-main/electron/platform'
import type { RendererLocation } from '../../src-main/electron/trust'
import type { DispatchTarget } from '../../src-main/core/dispatch'
import type { StudioEvents } from '../../src-main/core/events'
import { FakeIpcMain } from './fake-platform'

const PRELOAD = resolve(import.meta.dirname, '../../out/preload/index.cjs')

export interface DesktopBridge {
  /** Every page of this context (open now or later) gets `window.agenta` served by this bridge. */
  attach(context: BrowserContext): Promise<void>
  /** Stops serving (as the desktop does while quitting). */
  close(): void
}

/** A page as the main process sees a window's WebContents. */
class PageContents extends EventEmitter implements WebContentsHandle {
  private static next = 1
  readonly id = PageContents.next++
  /** Messages to the page keep their order, as over Electron's IPC. */
  private queue: Promise<unknown> = Promise.resolve()
  constructor(readonly page: Page) {
    super()
    page.once('close', () => this.emit('destroyed'))
  }
  getURL = () => this.page.url()
  isDestroyed = () => this.page.isClosed()
  send(channel: string, ...args: unknown[]): void {
    if (this.page.isClosed()) return
    // A page between two documents has no listener yet: the message is lost, as in Electron.
    this.queue = this.queue.then(() =>
      this.page.evaluate(([c, a]) => (window as any).__agentaIpcReceive?.(c, a), [channel, args] as const).catch(() => undefined)
    )
  }
  setWindowOpenHandler(): void {}
}

/**
 * The stand-in for electron's renderer modules, then the built preload as a CommonJS module. Main
 * frame only, as Electron runs a preload (nodeIntegrationInSubFrames is off).
 */
function initScript(preload: string): string {
  return `(() => {
  if (window !== window.top) return
  const listeners = new Map()
  const ipcRenderer = {
    invoke: (channel, ...args) => window.__agentaIpcInvoke(channel, args),
    send: (channel, ...args) => void window.__agentaIpcSend(channel, args),
    on: (channel, listener) => void (listeners.get(channel) || listeners.set(channel, new Set()).get(channel)).add(listener),
    removeListener: (channel, listener) => void listeners.get(channel)?.delete(listener)
  }
  window.__agentaIpcReceive = (channel, args) => {
    for (const listener of [...(listeners.get(channel) || [])]) listener({}, ...args)
  }
  const electron = {
    contextBridge: { exposeInMainWorld: (key, api) => Object.defineProperty(window, key, { value: Object.freeze(api) }) },
    ipcRenderer,
    // Chromium does not reveal a picked file's path: files dropped here are "not on disk".
    webUtils: { getPathForFile: () => '' }
  }
  const module = { exports: {} }
  const require = (name) => {
    if (name === 'electron') return electron
    throw new Error('The preload may not require ' + name)
  }
  ;(function (exports, require, module) {
${preload}
  })(module.exports, require, module)
})()`
}

/**
 * Serves the desktop's IPC for `runtime` to pages on `origin` (the studio's server: the renderer
 * location is that origin, as the dev server is to the desktop). `kiosk` also serves "Open kiosk
 * on this screen" (registerKioskIpc).
 */
export function desktopBridge(
  runtime: DispatchTarget & { events: StudioEvents; chat?: TurnStarter },
  opts: { origin: string; kiosk?: KioskOpener }
): DesktopBridge {
  if (!existsSync(PRELOAD)) throw new Error(`${PRELOAD} is missing: run \`npx electron-vite build\` before the e2e tests`)
  const script = initScript(readFileSync(PRELOAD, 'utf8'))
  const loc: RendererLocation = { kind: 'dev', url: new URL(opts.origin).href }
  const ipcMain = new FakeIpcMain()
  const pages = new Map<Page, PageContents>()
  const contentsOf = (page: Page) => {
    let c = pages.get(page)
    if (!c) {
      c = new PageContents(page)
      pages.set(page, c)
      page.once('close', () => pages.delete(page))
    }
    return c
  }
  const host = { ipcMain, contents: () => [...pages.values()].filter((c) => !c.isDestroyed()) }
  const disposers = [registerIpc(runtime, loc, host), ...(opts.kiosk ? [registerKioskIpc(opts.kiosk, loc, host)] : [])]
  const eventOf = (source: { page: Page; frame: Frame }): IpcSendEvent => ({
    sender: contentsOf(source.page),
    senderFrame: { url: source.frame.url(), parent: source.frame.parentFrame() }
  })
  return {
    async attach(context) {
      for (const page of context.pages()) contentsOf(page)
      context.on('page', (page) => void contentsOf(page))
      await context.exposeBinding('__agentaIpcInvoke', (source, channel: string, args: unknown[]) => ipcMain.invoke(channel, eventOf(source), ...args))
      await context.exposeBinding('__agentaIpcSend', (source, channel: string, args: unknown[]) => ipcMain.send(channel, eventOf(source), ...args))
      await context.addInitScript({ content: script })
    },
    close() {
      for (const dispose of disposers.splice(0)) dispose()
    }
  }
}
