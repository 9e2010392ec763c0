import type { DesktopPlatform } from './platform'
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
export function createTray(
  platform: Pick<DesktopPlatform, 'createTray' | 'os'>,
  iconPath: string,
  getState: () => TrayMenuState,
  actions: TrayMenuActions
): AppTray | null {
  let tray: ReturnType<DesktopPlatform['createTray']>
  try {
    tray = platform.createTray(iconPath)
  } catch (err) {
    log.warn({ err }, 'no tray icon')
    return null
  }
  tray.setToolTip('Agenta Studio')
  const refresh = () => {
    if (!tray.isDestroyed()) tray.setContextMenu(trayMenuTemplate(getState(), actions))
  }
  // Windows and most Linux trays: a left click is the quick way back to the window. (macOS opens the menu.)
  if (platform.os !== 'darwin') tray.on('click', () => actions.toggleWindow())
  refresh()
  return { refresh, destroy: () => tray.destroy() }
}
