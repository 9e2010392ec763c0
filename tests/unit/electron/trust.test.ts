import { describe, expect, it } from 'vitest'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { externalUrlToOpen, isPermissionAllowed, isRendererUrl, isTrustedSender, navigationDecision, rendererLocation } from '../../../src-main/electron/trust'
import { appPaths } from '../../../src-main/electron/paths'

const rendererDir = resolve('/opt/Agenta Studio/resources/app.asar/out/renderer')
const fileLoc = rendererLocation({ rendererDir })
const devLoc = rendererLocation({ rendererDir, devServerUrl: 'http://localhost:5173' })
const indexUrl = pathToFileURL(join(rendererDir, 'index.html')).href

const main = (url: string) => ({ url, parent: null })
const sender = (id: number, frame: { url: string; parent: unknown } | null) => ({ sender: { id }, senderFrame: frame })
const ours = new Set([1])

describe('rendererLocation', () => {
  it('uses the built index.html unless a loopback dev server is given', () => {
    expect(fileLoc).toEqual({ kind: 'file', indexFile: join(rendererDir, 'index.html') })
    expect(devLoc).toEqual({ kind: 'dev', url: 'http://localhost:5173/' })
  })
  it('ignores a dev server URL that is remote, not http, or malformed', () => {
    for (const devServerUrl of ['https://evil.example', 'file:///tmp/x.html', 'javascript:alert(1)', 'not a url', '']) {
      expect(rendererLocation({ rendererDir, devServerUrl }).kind).toBe('file')
    }
  })
})

describe('isRendererUrl', () => {
  it('accepts the built index.html with any hash or query', () => {
    expect(isRendererUrl(indexUrl, fileLoc)).toBe(true)
    expect(isRendererUrl(`${indexUrl}#/agents/1`, fileLoc)).toBe(true)
    expect(isRendererUrl(`${indexUrl}?lang=en`, fileLoc)).toBe(true)
  })
  it('refuses other local files, even beside index.html or reached through ..', () => {
    expect(isRendererUrl(pathToFileURL(join(rendererDir, 'other.html')).href, fileLoc)).toBe(false)
    expect(isRendererUrl(pathToFileURL('/home/me/Downloads/index.html').href, fileLoc)).toBe(false)
    expect(isRendererUrl(`${pathToFileURL(join(rendererDir, 'assets')).href}/../../../evil/index.html`, fileLoc)).toBe(false)
    expect(isRendererUrl(indexUrl.replace('file:///', 'file://fileserver/'), fileLoc)).toBe(false)
  })
  it('accepts exactly the dev server origin in dev', () => {
    expect(isRendererUrl('http://localhost:5173/', devLoc)).toBe(true)
    expect(isRendererUrl('http://localhost:5173/src/main.tsx', devLoc)).toBe(true)
    expect(isRendererUrl('http://localhost:5174/', devLoc)).toBe(false)
    expect(isRendererUrl('https://localhost:5173/', devLoc)).toBe(false)
    expect(isRendererUrl('http://localhost.evil.example:5173/', devLoc)).toBe(false)
    expect(isRendererUrl(indexUrl, devLoc)).toBe(false)
  })
  it('refuses garbage', () => {
    expect(isRendererUrl('', fileLoc)).toBe(false)
    expect(isRendererUrl('about:blank', fileLoc)).toBe(false)
  })
})

describe('isTrustedSender', () => {
  it('trusts the main frame of our window on the built page', () => {
    expect(isTrustedSender(sender(1, main(indexUrl)), ours, fileLoc)).toBe(true)
  })
  it('trusts the main frame on the dev server in dev', () => {
    expect(isTrustedSender(sender(1, main('http://localhost:5173/#/chat')), ours, devLoc)).toBe(true)
  })
  it('refuses a foreign origin in our window', () => {
    expect(isTrustedSender(sender(1, main('https://evil.example/')), ours, fileLoc)).toBe(false)
    expect(isTrustedSender(sender(1, main('http://127.0.0.1:5173/')), ours, devLoc)).toBe(false)
  })
  it('refuses a sub-frame even when it shows our own page', () => {
    expect(isTrustedSender(sender(1, { url: indexUrl, parent: main(indexUrl) }), ours, fileLoc)).toBe(false)
  })
  it('refuses a destroyed frame and a WebContents that is not one of our windows', () => {
    expect(isTrustedSender(sender(1, null), ours, fileLoc)).toBe(false)
    expect(isTrustedSender(sender(2, main(indexUrl)), ours, fileLoc)).toBe(false)
  })
})

describe('navigation, external links and permissions', () => {
  it('keeps our pages in the app and sends web links to the browser', () => {
    expect(navigationDecision(`${indexUrl}#/x`, fileLoc, { allowInApp: true })).toEqual({ action: 'allow' })
    expect(navigationDecision('https://example.com/docs', fileLoc, { allowInApp: true })).toEqual({ action: 'deny', openExternal: 'https://example.com/docs' })
    // window.open never creates an app window, not even for our own page.
    expect(navigationDecision(indexUrl, fileLoc, { allowInApp: false })).toEqual({ action: 'deny', openExternal: null })
  })
  it('opens only plain http(s) links outside', () => {
    expect(externalUrlToOpen('http://example.com/a?b=1')).toBe('http://example.com/a?b=1')
    for (const url of [
      'file:///etc/passwd',
      'smb://host/share',
      'javascript:alert(1)',
      'vscode://x',
      'ms-msdt:/id',
      'https://bank.com@evil.example/',
      'nonsense'
    ]) {
      expect(externalUrlToOpen(url)).toBeNull()
    }
  })
  it('grants only clipboard writes, and only to our pages', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', indexUrl, fileLoc)).toBe(true)
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://evil.example/', fileLoc)).toBe(false)
    expect(isPermissionAllowed('clipboard-sanitized-write', undefined, fileLoc)).toBe(false)
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid'])
      expect(isPermissionAllowed(p, indexUrl, fileLoc)).toBe(false)
  })
})

describe('appPaths', () => {
  it('finds the preload and renderer in the app and the resources beside it when packaged', () => {
    const p = appPaths({ appPath: '/opt/A/resources/app.asar', packaged: true, resourcesPath: '/opt/A/resources' })
    expect(p.preload).toBe(join('/opt/A/resources/app.asar', 'out', 'preload', 'index.cjs'))
    expect(p.rendererDir).toBe(join('/opt/A/resources/app.asar', 'out', 'renderer'))
    expect(p.resourcesDir).toBe(join('/opt/A/resources', 'resources'))
    expect(appPaths({ appPath: '/src/agenta', packaged: false, resourcesPath: '/x' }).resourcesDir).toBe(join('/src/agenta', 'resources'))
  })
})
