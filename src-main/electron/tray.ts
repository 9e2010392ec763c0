import { Menu, nativeImage, Tray } from 'electron'
import { trayMenuTemplate, type TrayMenuActions, type TrayMenuState } from './tray-menu'
import { log } from '../base/log'

export interface AppTray {
  /** Rebuilds the menu (window shown/hidden, server status, language changed). */
  refresh(): void
  destroy(): void
}

/**
 * The tray keeps the app reachable while its window is hidden — the LAN server and scheduled
 * tasks run on. Returns null where no tray can be shown, so the caller can fall back to quitting
 * when the window closes rather than leaving an unreachable app running.
 */
export function createTray(iconPath: string, getState: () => TrayMenuState, actions: TrayMenuActions): AppTray | null {
  let tray: Tray
  try {
    const icon = nativeImage.createFromPath(iconPath)
    if (process.platform === 'darwin') icon.setTemplateImage(true)
    tray = new Tray(icon)
  } catch (err) {
    log.warn({ err }, 'no tray icon')
    return null
  }
  tray.setToolTip('Agenta Studio')
  const refresh = () => {
    if (!tray.isDestroyed()) tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(getState(), actions)))
  }
  // Windows and most Linux trays: a left click is the quick way back to the window. (macOS opens the menu.)
  if (process.platform !== 'darwin') tray.on('click', () => actions.toggleWindow())
  refresh()
  return { refresh, destroy: () => tray.destroy() }
}
