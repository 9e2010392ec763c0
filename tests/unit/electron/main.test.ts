import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { existsSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { IPC_CHANNELS } from '../../../src-main/contract/bridge'
import { createRuntime } from '../../../src-main/core/runtime'
import { startDesktop } from '../../../src-main/electron/desktop'
import { tempDir } from '../../utils/boot'
import { fakeDesktopPlatform } from '../../utils/fake-platform'

/**
 * Boots the real desktop (startDesktop, what main.ts runs) on the fake Electron platform (the
 * binary is not installable here): the wiring — data folder, runtime, window options, IPC, LAN
 * server, close-to-tray and the quit sequence — runs for real; only Electron's own objects are
 * stand-ins.
 */
const dataDir = tempDir('agenta-main-')
const { platform, state, app, ipcMain, session } = fakeDesktopPlatform({ env: { AGENTA_DATA_DIR: dataDir } })
let port = 0
const listening = (p: number) =>
  new Promise<boolean>((r) => {
    const s = createServer()
    s.once('error', () => r(true))
    s.listen(p, '127.0.0.1', () => s.close(() => r(false)))
  })
const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 10))
  }
}
const signalListeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') }

beforeAll(async () => {
  // A user who switched the LAN server on last time: it must come up at launch and go down at quit.
  port = await new Promise<number>((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port
      s.close(() => r(p))
    })
  })
  const rt = await createRuntime({ dataDir, host: 'electron' })
  await rt.settings.update({ server: { autoStart: true, port } })
  await rt.close()

  const desktop = startDesktop(platform)
  state.ready()
  await desktop.booted
  await until(() => state.trays.length === 1 && state.windows[0]?.shown)
  await until(() => state.trays[0].menu.some((i: any) => /运行中/.test(i.label ?? '')))
})
afterAll(() => {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    for (const l of process.listeners(sig)) if (!signalListeners[sig].includes(l)) process.off(sig, l)
  }
  rmSync(dataDir, { recursive: true, force: true })
})

describe('main process', () => {
  it('keeps its data in the chosen folder, in a sandboxed app', async () => {
    expect(state.paths.get('userData')).toBe(dataDir)
    expect(existsSync(join(dataDir, 'agenta.db'))).toBe(true)
    expect(app.enableSandbox).toHaveBeenCalled()
  })

  it('opens one hardened window on the built renderer with the CJS preload', () => {
    expect(state.windows).toHaveLength(1)
    const win = state.windows[0]
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      preload: resolve(process.cwd(), 'out/preload/index.cjs')
    })
    expect(win.loadFile).toHaveBeenCalledWith(resolve(process.cwd(), 'out/renderer/index.html'))
    // Guards were installed on its WebContents through web-contents-created.
    expect(win.webContents.openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' })
    expect(win.webContents.listenerCount('will-navigate')).toBe(1)
    expect(session.webRequest.onHeadersReceived).toHaveBeenCalled()
    expect(session.setPermissionRequestHandler).toHaveBeenCalled()
  })

  it('serves IPC calls from its window, with the electron host and the data folder', async () => {
    const win = state.windows[0]
    const call = (event: any, ...args: unknown[]) => ipcMain.invoke(IPC_CHANNELS.call, event, ...args)
    const event = { sender: { id: win.webContents.id }, senderFrame: { url: win.webContents.url, parent: null } }
    expect(win.webContents.url).toBe(pathToFileURL(resolve(process.cwd(), 'out/renderer/index.html')).href)
    await expect(call(event, 'app.info', {})).resolves.toMatchObject({ ok: true, data: { host: 'electron', dataDir } })

    const created = (await call(event, 'providers.create', { name: 'Local', baseUrl: 'http://127.0.0.1:11434/v1', apiKey: 'sk-test-secret' })) as any
    expect(created.ok).toBe(true)
    expect(JSON.stringify(created)).not.toContain('sk-test-secret')
  })

  it('shows a team server only for our studio page and only an origin the core checked', async () => {
    const win = state.windows[0]
    const open = (event: any, input: unknown) => ipcMain.invoke(IPC_CHANNELS.teamOpen, event, input)
    const ours = { sender: { id: win.webContents.id }, senderFrame: { url: win.webContents.url, parent: null } }
    const foreign = { sender: { id: win.webContents.id }, senderFrame: { url: 'https://team.example.com/', parent: null } }
    await expect(open(foreign, { origin: 'https://team.example.com' })).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } })
    await expect(open(ours, { origin: 'https://team.example.com' })).resolves.toMatchObject({ ok: false, error: { code: 'bad_request' } })
    expect(state.windows).toHaveLength(1)
  })

  it('started the LAN server from the saved settings and shows it in the tray', async () => {
    expect(await listening(port)).toBe(true)
    const labels = state.trays[0].menu.map((i: any) => i.label)
    expect(labels).toContain(`服务：运行中 http://127.0.0.1:${port}`)
  })

  it('hides to the tray when the window is closed', () => {
    const win = state.windows[0]
    const e = { preventDefault: vi.fn() }
    win.emit('close', e)
    expect(e.preventDefault).toHaveBeenCalled()
    expect(win.shown).toBe(false)
    // A second launch brings it back.
    app.emit('second-instance')
    expect(win.shown).toBe(true)
  })

  it('quits gracefully: holds the first quit, closes the server and the core, then quits for real', async () => {
    // Moved since it was last hidden (and saved): the quit must save again.
    state.windows[0].bounds = { x: 30, y: 40, width: 1000, height: 700 }
    expect(existsSync(join(dataDir, 'agenta.db-wal'))).toBe(true)
    const done = new Promise<void>((r) => (state.quitDone = r))
    app.quit()
    expect(state.quitRequests).toBe(1)
    await done
    expect(state.quitRequests).toBe(2)
    expect(await listening(port)).toBe(false)
    expect(ipcMain.handlers.has(IPC_CHANNELS.call)).toBe(false)
    expect(state.trays[0].destroy).toHaveBeenCalled()
    // The database was closed (SQLite folds the WAL back and removes it when the last connection closes).
    expect(existsSync(join(dataDir, 'agenta.db-wal'))).toBe(false)
    // The window bounds were saved before the database closed.
    const rt = await createRuntime({ dataDir, host: 'electron' })
    expect(await rt.settings.raw.get('window.main')).toEqual({ x: 30, y: 40, width: 1000, height: 700, maximized: false })
    // The API key given over IPC was sealed by the keychain box, not the key file.
    const rows = await rt.store.db.selectFrom('providers').select('api_key_enc').execute()
    expect(rows.map((r) => r.api_key_enc)).toEqual(['ss1:' + Buffer.from('K(sk-test-secret)').toString('base64')])
    await rt.close()
    expect(state.exited).toBeNull()
  })
})
