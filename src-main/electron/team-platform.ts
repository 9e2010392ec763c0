// The real TeamPlatform (team-window.ts) on Electron: the window, its session's user agent and
// permissions, the system browser, the error dialog. Thin on purpose: the rules live in
// team-window.ts, tested with fakes.
import { app, BrowserWindow, dialog, session, shell } from 'electron'
import type { TeamServer } from '../contract/team-servers'
import { TEAM_SERVERS_KEY } from '../core/team-servers'
import { log } from '../base/log'
import type { WindowHandle } from './platform'
import { desktopUserAgent, teamPermission, type TeamPlatform, type TeamWindowHandle } from './team-window'

export function electronTeamPlatform(opts: {
  store: { get<T>(key: string): Promise<T | undefined> }
  local: () => WindowHandle | null
  changed: () => void
}): TeamPlatform {
  return {
    createWindow: (options) => new BrowserWindow(options) as unknown as TeamWindowHandle,
    prepareSession(partition, origin) {
      const s = session.fromPartition(partition)
      s.setUserAgent(desktopUserAgent(s.getUserAgent(), app.getVersion()))
      s.setPermissionRequestHandler((_wc, permission, callback, details) => callback(teamPermission(permission, details.requestingUrl, origin())))
      s.setPermissionCheckHandler((_wc, permission, requestingOrigin, details) =>
        teamPermission(permission, details.requestingUrl ?? requestingOrigin, origin())
      )
      s.setDevicePermissionHandler(() => false)
    },
    async recentOrigins() {
      const list = await opts.store.get<TeamServer[]>(TEAM_SERVERS_KEY)
      return Array.isArray(list) ? list.map((s) => s.origin) : []
    },
    openExternal: (url) => void shell.openExternal(url).catch((err) => log.warn({ err, url }, 'could not open an external link')),
    local: {
      show() {
        const w = opts.local()
        if (!w || w.isDestroyed()) return
        if (w.isMinimized()) w.restore()
        w.show()
        w.focus()
      },
      hide: () => opts.local()?.hide(),
      bounds() {
        const w = opts.local()
        return w && !w.isDestroyed() ? w.getBounds() : null
      }
    },
    notify: (message) => dialog.showErrorBox('Agenta Studio', message),
    changed: opts.changed
  }
}
