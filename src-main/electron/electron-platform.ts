// The real DesktopPlatform (platform.ts): Electron's own objects, cast to the structural handles
// the desktop uses. Thin on purpose: the rules live in desktop.ts and the modules it calls, run in
// unit tests on a fake platform.
import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  nativeTheme,
  Notification,
  safeStorage,
  screen,
  session,
  shell,
  Tray
} from 'electron'
import { electronKioskPlatform } from './kiosk-platform'
import type { DesktopApp, DesktopPlatform, IpcMainLike, TrayHandle, WebContentsHandle, WindowHandle } from './platform'
import { electronTeamPlatform } from './team-platform'

export function electronPlatform(opts: { mainDir: string }): DesktopPlatform {
  return {
    os: process.platform,
    env: process.env,
    resourcesPath: process.resourcesPath,
    mainDir: opts.mainDir,
    app: app as unknown as DesktopApp,
    ipc: {
      ipcMain: ipcMain as unknown as IpcMainLike,
      contents: () =>
        BrowserWindow.getAllWindows()
          .filter((w) => !w.isDestroyed() && !w.webContents.isDestroyed())
          .map((w) => w.webContents as unknown as WebContentsHandle)
    },
    defaultSession: session.defaultSession,
    safeStorage,
    dialog,
    shell,
    clipboard,
    setApplicationMenu: (template) => Menu.setApplicationMenu(Menu.buildFromTemplate(template)),
    notify(spec, onClick) {
      if (!Notification.isSupported()) return
      const n = new Notification(spec)
      n.on('click', onClick)
      n.show()
    },
    createWindow: (options) => new BrowserWindow(options) as unknown as WindowHandle,
    workAreas: () => screen.getAllDisplays().map((d) => d.workArea),
    darkTheme: () => nativeTheme.shouldUseDarkColors,
    createTray(iconPath): TrayHandle {
      const icon = nativeImage.createFromPath(iconPath)
      if (process.platform === 'darwin') icon.setTemplateImage(true)
      const tray = new Tray(icon)
      return {
        setToolTip: (text) => tray.setToolTip(text),
        setContextMenu: (template) => tray.setContextMenu(Menu.buildFromTemplate(template)),
        on: (event, listener) => tray.on(event, listener),
        isDestroyed: () => tray.isDestroyed(),
        destroy: () => tray.destroy()
      }
    },
    kiosk: electronKioskPlatform,
    team: electronTeamPlatform
  }
}
