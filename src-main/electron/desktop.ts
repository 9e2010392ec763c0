// The desktop app: single-instance lock, data folder, boot order, tray, kiosk and team windows,
// IPC, the LAN server, close-to-tray and the bounded graceful quit. Everything it asks of Electron
// goes through the `DesktopPlatform` it is given (platform.ts): main.ts passes the real one, the
// unit test a fake (tests/utils/fake-platform.ts). Importing this file does nothing; all state
// lives in one startDesktop call.
import { join } from 'node:path'
import type { Settings } from '../contract/entities'
import type { ScheduleRunEvent } from '../contract/schedules'
import { toAppError } from '../contract/errors'
import { createRuntime, type Runtime } from '../core/runtime'
import { configureLog, log } from '../base/log'
import { appMenuTemplate } from './app-menu'
import { installCsp } from './csp'
import { registerIpc, registerKioskIpc, registerTeamIpc } from './ipc'
import { KioskWindows } from './kiosk-window'
import { lanServer, type LanServer } from './lan-server'
import { appPaths } from './paths'
import { installPermissionPolicy } from './permissions'
import type { DesktopPlatform } from './platform'
import { runNotification } from './run-notifications'
import { safeStorageSecretBox } from './secret-box'
import { TeamWindows } from './team-window'
import { createTray, type AppTray } from './tray'
import { rendererLocation } from './trust'
import { createMainWindow, guardWebContents, type MainWindow } from './window'

/** Longest the app waits for the server and database to close before quitting anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000
/** How long answers under way may go on when the app quits (core/shutdown.ts), well inside the timeout. */
const SHUTDOWN_GRACE_MS = 3_000
/** After the quit sequence, how long a page's beforeunload may hold the app before it exits anyway. */
const EXIT_AFTER_QUIT_MS = 3_000

export interface Desktop {
  /** Settles once the app has booted (or failed to, which shows a dialog and exits). */
  readonly booted: Promise<void>
}

export function startDesktop(platform: DesktopPlatform): Desktop {
  const { app, os } = platform
  // A checkout gets its own data folder, so `npm run dev` never touches the installed app's agents
  // and keys. AGENTA_DATA_DIR (as for `agenta serve`) points both at one folder on purpose.
  // Set before the single-instance lock, whose lock file lives in userData.
  app.setPath('userData', platform.env.AGENTA_DATA_DIR || join(app.getPath('appData'), app.isPackaged ? 'Agenta Studio' : 'Agenta Studio (dev)'))

  const paths = appPaths({ appPath: app.getAppPath(), packaged: app.isPackaged, resourcesPath: platform.resourcesPath })
  // The dev server URL is an environment variable: a packaged app must never take it, or anyone able
  // to set the environment could load a remote page and hand it the IPC bridge.
  const renderer = rendererLocation({ rendererDir: paths.rendererDir, devServerUrl: app.isPackaged ? undefined : platform.env.ELECTRON_RENDERER_URL })

  let runtime: Runtime | null = null
  let lan: LanServer | null = null
  let mainWindow: MainWindow | null = null
  let tray: AppTray | null = null
  let disposeIpc: (() => void) | null = null
  let kiosk: KioskWindows | null = null
  /** The studio window showing a team server instead of this computer's studio. */
  let team: TeamWindows | null = null
  /** Published agents, for the tray's "Open kiosk for agent…". */
  let kioskAgents: { uuid: string; name: string }[] = []
  let language: Settings['language'] = 'en'
  let phase: 'running' | 'shutting-down' | 'done' = 'running'
  let booting: Promise<void> = Promise.resolve()

  if (!app.requestSingleInstanceLock()) {
    // Two processes on one SQLite file and one server port would fight; the first one takes over.
    app.quit()
    return { booted: booting }
  }
  // Every renderer sandboxed, including any a future feature forgets to configure.
  app.enableSandbox()
  if (os === 'win32') app.setAppUserModelId('com.agenta.studio')

  // A link in the kiosk window never opens a browser: a visitor would walk out of the kiosk.
  // The team window (a remote studio) has navigation rules of its own (team-window.ts).
  app.on('web-contents-created', (_event, contents) =>
    guardWebContents(
      contents,
      renderer,
      (url) => (kiosk?.isKiosk(contents) ? Promise.resolve() : platform.shell.openExternal(url)),
      (c) => !!team?.isTeam(c)
    )
  )
  app.on('second-instance', () => showWindow())
  app.on('activate', () => showWindow())
  app.on('window-all-closed', () => {
    // Windows only close for good when there is no tray to bring them back (see boot), or on macOS never.
    if (os !== 'darwin') app.quit()
  })
  app.on('before-quit', (event) => {
    if (phase === 'done') return
    event.preventDefault()
    if (phase === 'shutting-down') return
    phase = 'shutting-down'
    void shutdown().finally(() => {
      phase = 'done'
      app.quit()
      // A page's beforeunload can still veto app.quit(); the user asked to quit, so leave regardless.
      setTimeout(() => app.exit(0), EXIT_AFTER_QUIT_MS).unref()
    })
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit())

  booting = app.whenReady().then(boot)
  const booted = booting.catch((err: unknown) => {
    const message = (err as Error)?.message ?? String(err)
    const abi = /NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(message)
    platform.dialog.showErrorBox(
      'Agenta Studio cannot start',
      `${message}\n\n` +
        (abi
          ? 'A native module was built for Node.js instead of Electron. Run `npx electron-builder install-app-deps` and start again.'
          : `Data folder: ${app.getPath('userData')}`)
    )
    app.exit(1)
  })
  return { booted }

  async function boot(): Promise<void> {
    const dataDir = app.getPath('userData')
    configureLog({ dir: dataDir, console: 'stderr' })
    // After 'ready': safeStorage only knows whether a keyring exists once the app is ready.
    const secrets = safeStorageSecretBox({ safeStorage: platform.safeStorage, keyFile: join(dataDir, 'secret.key'), platform: os })
    // The bundled MCP servers are built next to the main process (out/main) and run by this binary as Node.
    const rt = await createRuntime({ dataDir, host: 'electron', secrets, bundledMcpDir: platform.mainDir, shutdown: { graceMs: SHUTDOWN_GRACE_MS } })
    runtime = rt
    // A confirmed restore is put in place as the data opens: start the app again.
    rt.onRestart(() => {
      app.relaunch()
      app.quit()
    })
    if (phase !== 'running') return

    installCsp(platform.defaultSession, renderer)
    installPermissionPolicy(platform.defaultSession, renderer)
    disposeIpc = registerIpc(rt, renderer, platform.ipc)
    // The window's turns under way get the shutdown grace period like any other; IPC goes once they are done.
    rt.onClose(() => disposeIpc?.(), 'connections')

    language = (await rt.settings.get()).language
    lan = lanServer(rt, { rendererDir: paths.rendererDir })
    const lanReady = lan.init()
    kiosk = new KioskWindows(platform.kiosk(rt, () => lan))
    const disposeKioskIpc = registerKioskIpc(kiosk, renderer, platform.ipc)
    rt.onClose(() => disposeKioskIpc(), 'connections')

    const win = await createMainWindow({ platform, preload: paths.preload, renderer, store: rt.settings.raw, icon: join(paths.resourcesDir, 'icon.png') })
    mainWindow = win
    team = new TeamWindows(platform.team({ store: rt.settings.raw, local: () => mainWindow?.win ?? null, changed: () => modeChanged() }))
    const disposeTeamIpc = registerTeamIpc(team, renderer, platform.ipc)
    rt.onClose(() => disposeTeamIpc(), 'connections')
    modeChanged()
    tray = createTray(platform, join(paths.resourcesDir, os === 'darwin' ? 'trayTemplate.png' : 'tray.png'), trayState, {
      toggleWindow: () => (trayState().windowVisible ? (team?.window ?? win.win).hide() : showWindow()),
      setServerEnabled: (on) => void rt.settings.update({ server: { autoStart: on } }).catch((err) => log.error({ err }, 'cannot change the server setting')),
      copy: (text) => platform.clipboard.writeText(text),
      openKiosk: (agentUuid) => void kiosk?.open({ agentUuid }).catch((err: unknown) => platform.dialog.showErrorBox('Agenta Kiosk', toAppError(err).message)),
      backToLocal: () => team?.back(),
      quit: () => app.quit()
    })
    const refreshKioskAgents = () =>
      rt.agents.list().then(
        (agents) => {
          kioskAgents = agents.filter((a) => a.published).map((a) => ({ uuid: a.uuid, name: a.name }))
          tray?.refresh()
        },
        (err: unknown) => log.warn({ err }, 'cannot list agents for the tray')
      )
    void refreshKioskAgents()
    rt.events.subscribe((name, payload) => {
      if (name === 'settings.changed') language = (payload as Settings).language
      if (name === 'settings.changed') modeChanged()
      if (name === 'settings.changed' || name === 'server.changed') tray?.refresh()
      if (name === 'agents.changed') void refreshKioskAgents()
      if (name === 'schedules.run') {
        const spec = runNotification(payload as ScheduleRunEvent)
        if (spec) platform.notify(spec, showWindow)
      }
    })
    const refreshTray = () => tray?.refresh()
    for (const event of ['show', 'hide', 'minimize', 'restore']) win.win.on(event, refreshTray)

    win.win.on('close', (event: { preventDefault(): void }) => {
      if (phase !== 'running') return
      // With a tray (or the macOS dock) the app keeps serving LAN clients and running tasks while
      // hidden; without one, closing the window must quit, or the app would run unreachable.
      if (tray || os === 'darwin') {
        event.preventDefault()
        win.win.hide()
        void win.saveState().catch(() => undefined)
      }
    })
    await lanReady
  }

  /** The studio window shows this computer or a team server: the tray and the app menu say so. */
  function modeChanged(): void {
    platform.setApplicationMenu(appMenuTemplate({ language, teamServer: team?.current() ?? null, mac: os === 'darwin' }, { backToLocal: () => team?.back() }))
    tray?.refresh()
  }

  function trayState() {
    const s = lan?.state()
    // The window the user sees as "the studio": the team server's while one shows.
    const shown = team?.window ?? mainWindow?.win
    return {
      language,
      windowVisible: !!shown && shown.isVisible() && !shown.isMinimized(),
      teamServer: team?.current() ?? null,
      kioskAgents,
      server: s?.status ?? { running: false, url: null, lanUrls: [], token: null, error: null }
    }
  }

  function showWindow(): void {
    const win = team?.window ?? mainWindow?.win
    if (!win || win.isDestroyed()) return
    if (win.isMinimized()) win.restore()
    win.show()
    win.focus()
  }

  /**
   * Window state first (it needs the database), then the core's phased shutdown (the LAN server
   * stops listening in its first phase; IPC goes once the turns are done). Bounded in time.
   */
  async function shutdown(): Promise<void> {
    const steps = async () => {
      await booting.catch(() => undefined)
      // Quitting is the operator's (tray, signal): the kiosk goes without its PIN.
      kiosk?.closeForQuit()
      await mainWindow?.saveState().catch((err) => log.warn({ err }, 'could not save the window state'))
      if (runtime) await runtime.close()
      else disposeIpc?.()
      tray?.destroy()
    }
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS, phase: runtime?.shutdownPhase() ?? null }, 'shutdown took too long; quitting anyway')
        resolve()
      }, SHUTDOWN_TIMEOUT_MS)
    })
    await Promise.race([steps().catch((err) => log.error({ err }, 'error while shutting down')), timeout])
    clearTimeout(timer)
  }
}
