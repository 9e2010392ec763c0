// The real KioskPlatform (kiosk-window.ts) on Electron: windows, the display kept awake, the kiosk
// session's microphone permission, the PIN prompt, the server. Thin on purpose: the rules live in
// kiosk-window.ts, tested with fakes.
import { BrowserWindow, powerSaveBlocker, session } from 'electron'
import { AppError } from '../contract/errors'
import { actorOf, OWNER } from '../core/context'
import type { Runtime } from '../core/runtime'
import type { LanServer } from './lan-server'
import { kioskPermission, type KioskPlatform, type KioskWindowHandle } from './kiosk-window'

const PIN_PREFIX = 'agenta-pin:'

/**
 * The PIN prompt's page (a data: URL, no preload, no network). The PIN comes back through the
 * page title, which the main process reads and swallows: no navigation, so no URL with the PIN in
 * it ever exists, and nothing can hand it to an outside browser.
 */
export function pinPage(mode: 'enter' | 'set'): string {
  const title = mode === 'set' ? 'Set the kiosk admin PIN · 设置管理员密码' : 'Admin PIN · 管理员密码'
  const second = mode === 'set' ? '<input id="again" type="password" inputmode="numeric" autocomplete="off" placeholder="Again · 再输一次" maxlength="12">' : ''
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>
<style>body{font:16px system-ui,sans-serif;background:#0b1220;color:#e6edf7;margin:0;padding:24px;display:flex;flex-direction:column;gap:12px}
input{font-size:24px;padding:10px;border-radius:8px;border:1px solid #5b6b85;background:#111a2e;color:inherit;letter-spacing:6px}
p{margin:0;color:#ffb4b4;min-height:1.2em}.row{display:flex;gap:8px}button{flex:1;font-size:18px;padding:10px;border-radius:8px;border:0}
#ok{background:#2f6fed;color:#fff}</style></head><body>
<form id="f"><div style="display:flex;flex-direction:column;gap:12px"><label for="pin">${title}</label>
<input id="pin" type="password" inputmode="numeric" autocomplete="off" placeholder="4–12 digits · 4–12 位数字" maxlength="12" autofocus>${second}
<p id="msg"></p><div class="row"><button type="button" id="no">Cancel · 取消</button><button id="ok">OK · 确定</button></div></div></form>
<script>
const send = (v) => { document.title = '${PIN_PREFIX}' + v }
document.getElementById('no').onclick = () => { document.title = '${PIN_PREFIX}cancel' }
document.getElementById('f').onsubmit = (e) => {
  e.preventDefault()
  const pin = document.getElementById('pin').value
  const again = document.getElementById('again')
  if (!/^\\d{4,12}$/.test(pin)) return void (document.getElementById('msg').textContent = '4–12 digits · 请输入 4–12 位数字')
  if (again && again.value !== pin) return void (document.getElementById('msg').textContent = 'The two PINs differ · 两次输入不一致')
  send('=' + pin)
}
</script></body></html>`
}

export function electronKioskPlatform(runtime: Runtime, lan: () => LanServer | null): KioskPlatform {
  return {
    createWindow: (options) => new BrowserWindow(options) as unknown as KioskWindowHandle,
    keepDisplayAwake() {
      const id = powerSaveBlocker.start('prevent-display-sleep')
      return () => {
        if (powerSaveBlocker.isStarted(id)) powerSaveBlocker.stop(id)
      }
    },
    allowMicrophone(partition, origin) {
      const s = session.fromPartition(partition)
      s.setPermissionRequestHandler((_wc, permission, callback, details) => {
        callback(kioskPermission(permission, details.requestingUrl, origin(), 'mediaTypes' in details ? details.mediaTypes : undefined))
      })
      s.setPermissionCheckHandler((_wc, permission, requestingOrigin, details) =>
        kioskPermission(permission, details.requestingUrl ?? requestingOrigin, origin(), details.mediaType ? [details.mediaType] : undefined)
      )
      s.setDevicePermissionHandler(() => false)
    },
    askPin(mode, parent) {
      return new Promise((resolve) => {
        const win = new BrowserWindow({
          ...(parent ? { parent: parent as unknown as BrowserWindow, modal: true } : {}),
          width: 460,
          height: mode === 'set' ? 330 : 270,
          resizable: false,
          minimizable: false,
          maximizable: false,
          fullscreenable: false,
          alwaysOnTop: true,
          show: false,
          title: 'Agenta Kiosk',
          webPreferences: { partition: 'agenta-kiosk-pin', sandbox: true, contextIsolation: true, nodeIntegration: false, devTools: false }
        })
        let done = false
        const finish = (pin: string | null) => {
          if (done) return
          done = true
          resolve(pin)
          if (!win.isDestroyed()) win.destroy()
        }
        win.webContents.on('page-title-updated', (event, title) => {
          if (!title.startsWith(PIN_PREFIX)) return
          event.preventDefault()
          const value = title.slice(PIN_PREFIX.length)
          finish(value.startsWith('=') ? value.slice(1) : null)
        })
        win.on('closed', () => finish(null))
        win.once('ready-to-show', () => win.show())
        void win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(pinPage(mode))}`).catch(() => finish(null))
      })
    },
    async serverUrl() {
      const server = lan()
      if (!server) throw new AppError('conflict', 'The app is still starting', undefined, { reason: 'kiosk_app_starting' })
      if (!server.state().listening) {
        // The kiosk page comes from the server: switch it on (the choice persists, like the tray's switch).
        await runtime.settings.update({ server: { autoStart: true } })
        await server.settled()
      }
      const state = server.state()
      if (!state.listening)
        throw new AppError('conflict', `The server is not running${state.error ? `: ${state.error}` : ''}`, undefined, {
          reason: 'kiosk_server_off',
          params: { detail: state.error ?? '' }
        })
      // This computer reaches its own server on the loopback address whatever interface it listens on.
      return `http://127.0.0.1:${state.listening.port}`
    },
    async serverAlive(baseUrl) {
      try {
        return (await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(3_000) })).ok
      } catch {
        return false
      }
    },
    agentPublished: (uuid) =>
      runtime.agents.get(uuid).then(
        (a) => a.published,
        () => false
      ),
    store: runtime.settings.raw,
    pinGuard: runtime.kioskPin.exitGuard,
    audit: (action) => runtime.audit.note(actorOf(OWNER), action)
  }
}
