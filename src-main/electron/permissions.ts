import type { SessionHandle } from './platform'
import { isPermissionAllowed, type RendererLocation } from './trust'

/**
 * Electron grants every permission by default (camera, microphone, geolocation, notifications,
 * HID/USB/serial…). The studio needs only to write to the clipboard ("copy" buttons); anything
 * else a page asks for is refused, so injected content cannot turn on a microphone. The
 * digital-human speech input will add 'media' here, for our pages only, when it lands.
 */
export function installPermissionPolicy(session: SessionHandle, loc: RendererLocation): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl, loc))
  })
  session.setPermissionCheckHandler((_contents, permission, _origin, details) => isPermissionAllowed(permission, details.requestingUrl, loc))
  session.setDevicePermissionHandler(() => false)
}
