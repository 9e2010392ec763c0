import { describe, expect, it, vi } from 'vitest'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { rendererLocation } from '../../../src-main/electron/trust'
import { DEFAULT_WINDOW_STATE, MIN_WINDOW_SIZE, restoreWindowState } from '../../../src-main/electron/window-state'

import { guardWebContents } from '../../../src-main/electron/window'
import { FakeWebContents } from '../../utils/fake-platform'

const rendererDir = resolve('/app/out/renderer')
const loc = rendererLocation({ rendererDir })
const indexUrl = pathToFileURL(join(rendererDir, 'index.html')).href

const fakeContents = () => new FakeWebContents()
const navEvent = (url: string, isMainFrame = true) => ({ url, isMainFrame, preventDefault: vi.fn() })

describe('guardWebContents', () => {
  it('lets our page navigate within itself and blocks everything else, opening web links outside', () => {
    const contents = fakeContents()
    const open = vi.fn(async () => {})
    guardWebContents(contents, loc, open)

    const inApp = navEvent(`${indexUrl}#/settings`)
    contents.emit('will-navigate', inApp)
    expect(inApp.preventDefault).not.toHaveBeenCalled()

    const web = navEvent('https://docs.example.com/guide')
    contents.emit('will-navigate', web)
    expect(web.preventDefault).toHaveBeenCalled()
    expect(open).toHaveBeenCalledWith('https://docs.example.com/guide')

    const file = navEvent('file:///etc/passwd')
    contents.emit('will-navigate', file)
    expect(file.preventDefault).toHaveBeenCalled()
    expect(open).toHaveBeenCalledTimes(1)
  })

  it('leaves contents with rules of their own (the team window) to those rules, decided at each event', () => {
    const contents = fakeContents()
    const open = vi.fn(async () => {})
    let team = false
    guardWebContents(contents, loc, open, () => team)
    const before = navEvent('https://team.example.com/')
    contents.emit('will-navigate', before)
    expect(before.preventDefault).toHaveBeenCalled()
    // Known as the team window only once created: from then on its own rules decide.
    team = true
    const nav = navEvent('https://team.example.com/#/agents')
    contents.emit('will-navigate', nav)
    const redirect = navEvent('https://team.example.com/login')
    contents.emit('will-redirect', redirect)
    expect(nav.preventDefault).not.toHaveBeenCalled()
    expect(redirect.preventDefault).not.toHaveBeenCalled()
  })

  it('blocks redirects away from our pages without opening them', () => {
    const contents = fakeContents()
    const open = vi.fn(async () => {})
    guardWebContents(contents, loc, open)
    const r = navEvent('https://evil.example/')
    contents.emit('will-redirect', r)
    expect(r.preventDefault).toHaveBeenCalled()
    expect(open).not.toHaveBeenCalled()
  })

  it('denies every new window, handing only http(s) links to the browser', () => {
    const contents = fakeContents()
    const open = vi.fn(async () => {})
    guardWebContents(contents, loc, open)
    expect(contents.openHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' })
    expect(open).toHaveBeenCalledWith('https://example.com/')
    expect(contents.openHandler!({ url: indexUrl })).toEqual({ action: 'deny' })
    expect(contents.openHandler!({ url: 'file:///C:/Windows/System32/calc.exe' })).toEqual({ action: 'deny' })
    expect(open).toHaveBeenCalledTimes(1)
  })

  it('prevents attaching a webview', () => {
    const contents = fakeContents()
    guardWebContents(
      contents,
      loc,
      vi.fn(async () => {})
    )
    const e = { preventDefault: vi.fn() }
    contents.emit('will-attach-webview', e, {}, {})
    expect(e.preventDefault).toHaveBeenCalled()
  })
})

describe('restoreWindowState', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1040 }]
  it('uses defaults for nothing or garbage', () => {
    expect(restoreWindowState(undefined, screen)).toEqual(DEFAULT_WINDOW_STATE)
    expect(restoreWindowState({ width: 'big', x: null, maximized: 'yes' }, screen)).toEqual(DEFAULT_WINDOW_STATE)
  })
  it('keeps a saved place that is on a screen', () => {
    expect(restoreWindowState({ x: 100, y: 50, width: 1000, height: 700, maximized: true }, screen)).toEqual({
      x: 100,
      y: 50,
      width: 1000,
      height: 700,
      maximized: true
    })
  })
  it('drops a place on a monitor that is gone, keeping the size', () => {
    expect(restoreWindowState({ x: 2500, y: 100, width: 1000, height: 700, maximized: false }, screen)).toEqual({ width: 1000, height: 700, maximized: false })
    // Title bar above the top of the screen cannot be grabbed.
    expect(restoreWindowState({ x: 100, y: -300, width: 1000, height: 700 }, screen).x).toBeUndefined()
    // On the second monitor it stays.
    expect(restoreWindowState({ x: 2500, y: 100, width: 1000, height: 700 }, [...screen, { x: 1920, y: 0, width: 1920, height: 1080 }])).toMatchObject({
      x: 2500,
      y: 100
    })
  })
  it('keeps sizes between the minimum and the largest screen', () => {
    expect(restoreWindowState({ width: 10, height: 10 }, screen)).toMatchObject(MIN_WINDOW_SIZE)
    expect(restoreWindowState({ width: 9000, height: 9000 }, screen)).toMatchObject({ width: 1920, height: 1040 })
    // A screen smaller than the minimum wins.
    expect(restoreWindowState({ width: 1200, height: 800 }, [{ x: 0, y: 0, width: 800, height: 560 }])).toMatchObject({ width: 800, height: 560 })
  })
})
