// The desktop kiosk window's rules (src-main/electron/kiosk-window.ts) with a fake platform
// (tests/utils/fake-platform.ts): the Electron binary does not run here, so windows, the power
// blocker and the PIN prompt are stand-ins that record what the rules asked of them.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { EXIT_SHORTCUT } from '../../../src-main/contract/kiosk'
import { hashPin, KIOSK_PIN_KEY, MAX_PIN_ATTEMPTS, PIN_LOCK_MS, verifyPin } from '../../../src-main/core/settings/kiosk-pin'
import {
  HEALTH_INTERVAL_MS,
  KIOSK_PARTITION,
  kioskKey,
  kioskPermission,
  KioskWindows,
  kioskWindowOptions,
  type KeyInput
} from '../../../src-main/electron/kiosk-window'
import { handleKioskOpen } from '../../../src-main/electron/ipc'
import { fakeKioskPlatform, KIOSK_AGENT_UUID as UUID } from '../../utils/fake-platform'

const key = (k: string, mods: Partial<KeyInput> = {}): KeyInput => ({ type: 'keyDown', key: k, control: false, meta: false, alt: false, shift: false, ...mods })

function fakePlatform(opts: Parameters<typeof fakeKioskPlatform>[0] = {}) {
  const { platform, state } = fakeKioskPlatform(opts)
  const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() }
  return { platform, state, log, kiosk: new KioskWindows(platform, log as any) }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('kioskKey', () => {
  it('blocks reload, devtools, closing, zoom, printing, history and new windows', () => {
    const blocked = [
      key('F5'),
      key('F11'),
      key('F12'),
      key('r', { control: true }),
      key('R', { control: true, shift: true }),
      key('I', { control: true, shift: true }),
      key('J', { control: true, shift: true }),
      key('i', { meta: true, alt: true }),
      key('w', { control: true }),
      key('q', { meta: true }),
      key('n', { control: true }),
      key('p', { control: true }),
      key('u', { control: true }),
      key('=', { control: true }),
      key('-', { control: true }),
      key('ArrowLeft', { alt: true }),
      key('BrowserRefresh'),
      key('Delete', { control: true, shift: true })
    ]
    for (const k of blocked) expect([k, kioskKey(k)]).toEqual([k, 'block'])
  })

  it('lets a visitor type, correct and paste a question', () => {
    for (const k of [
      key('a'),
      key('A', { shift: true }),
      key('Enter'),
      key('Backspace'),
      key(' '),
      key('v', { control: true }),
      key('c', { control: true }),
      key('a', { control: true }),
      key('z', { control: true }),
      key('ArrowLeft')
    ])
      expect([k, kioskKey(k)]).toEqual([k, 'allow'])
    expect(kioskKey({ ...key('F5'), type: 'keyUp' })).toBe('allow')
  })

  it('Ctrl+Alt+Shift+K (⌘⌥⇧K) is the way out', () => {
    expect(kioskKey(key('K', { control: true, alt: true, shift: true }))).toBe('exit')
    expect(kioskKey(key('K', { meta: true, alt: true, shift: true }))).toBe('exit')
    // The shortcut the studio shows the operator is the one that works.
    const parts = EXIT_SHORTCUT.split('+')
    const said = key(parts.at(-1)!, { control: parts.includes('Ctrl'), alt: parts.includes('Alt'), shift: parts.includes('Shift') })
    expect(kioskKey(said)).toBe('exit')
  })
})

describe('admin PIN', () => {
  it('is stored as a salted scrypt hash and checked against it', async () => {
    const a = await hashPin('2468')
    const b = await hashPin('2468')
    expect(a).toMatch(/^scrypt\$\d+\$8\$1\$[\w+/=]+\$[\w+/=]+$/)
    expect(a).not.toContain('2468')
    expect(a).not.toBe(b)
    expect(await verifyPin('2468', a)).toBe(true)
    expect(await verifyPin('2469', a)).toBe(false)
    expect(await verifyPin('2468', 'plain:2468')).toBe(false)
  })
})

describe('kiosk window options and permissions', () => {
  it('full screen, kiosk mode, no frame or menu, no devtools, autoplay, its own session and no preload', () => {
    const o = kioskWindowOptions(KIOSK_PARTITION)
    expect(o).toMatchObject({ fullscreen: true, kiosk: true, frame: false, autoHideMenuBar: true })
    expect(o.webPreferences).toMatchObject({
      partition: KIOSK_PARTITION,
      devTools: false,
      autoplayPolicy: 'no-user-gesture-required',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false
    })
    expect(o.webPreferences).not.toHaveProperty('preload')
  })

  it('the microphone only, audio only, only for the kiosk page’s origin', () => {
    const origin = 'http://127.0.0.1:5001'
    expect(kioskPermission('media', `${origin}/kiosk/${UUID}`, origin, ['audio'])).toBe(true)
    expect(kioskPermission('media', `${origin}/kiosk/${UUID}`, origin, undefined)).toBe(true)
    expect(kioskPermission('media', `${origin}/kiosk/${UUID}`, origin, ['audio', 'video'])).toBe(false)
    expect(kioskPermission('media', 'https://evil.example/', origin, ['audio'])).toBe(false)
    expect(kioskPermission('media', `${origin}/`, null, ['audio'])).toBe(false)
    for (const p of ['geolocation', 'notifications', 'clipboard-read', 'hid', 'openExternal']) expect(kioskPermission(p, `${origin}/`, origin)).toBe(false)
  })
})

describe('KioskWindows', () => {
  it('refuses bad input, an unpublished agent, and opening without an admin PIN', async () => {
    const { kiosk, state } = fakePlatform({ pins: [null] })
    await expect(kiosk.open({ agentUuid: 'nope' })).rejects.toMatchObject({ code: 'validation_failed' })
    await expect(kiosk.open({ agentUuid: UUID, extra: 1 })).rejects.toMatchObject({ code: 'validation_failed' })
    await expect(kiosk.open({ agentUuid: UUID, pin: '12' })).rejects.toMatchObject({ code: 'validation_failed' })
    await expect(kiosk.open({ agentUuid: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({ code: 'not_found' })
    // No PIN stored, none given, the prompt cancelled: no kiosk anyone could not leave.
    await expect(kiosk.open({ agentUuid: UUID })).rejects.toMatchObject({ code: 'bad_request' })
    expect(state.asked).toEqual(['set'])
    expect(state.windows).toHaveLength(0)
  })

  it('opens the agent’s kiosk page full screen with the display kept awake and the microphone for its origin', async () => {
    const { kiosk, state } = fakePlatform()
    expect(await kiosk.open({ agentUuid: UUID, pin: '2468' })).toEqual({ url: `http://127.0.0.1:5001/kiosk/${UUID}` })
    const w = state.windows[0]
    expect(w.options.kiosk).toBe(true)
    expect(w.loads).toEqual([`http://127.0.0.1:5001/kiosk/${UUID}`])
    w.emit('ready-to-show')
    expect(w.shown).toBe(true)
    expect(state.awake).toBe(1)
    expect(state.micPartition).toBe(KIOSK_PARTITION)
    expect(state.micOrigin!()).toBe('http://127.0.0.1:5001')
    const stored = state.store.get(KIOSK_PIN_KEY) as string
    expect(await verifyPin('2468', stored)).toBe(true)
    expect(state.audited).toEqual(['kiosk.pinSet'])
    // Opening again switches the same window.
    await kiosk.open({ agentUuid: UUID })
    expect(state.windows).toHaveLength(1)
    expect(state.audited).toEqual(['kiosk.pinSet'])
    expect(w.focus).toHaveBeenCalled()
  })

  it('blocks shortcuts and closing; only the right PIN lets the operator out', async () => {
    const { kiosk, state, log } = fakePlatform({ pins: ['1111', '2468'] })
    await kiosk.open({ agentUuid: UUID, pin: '2468' })
    const w = state.windows[0]
    expect(w.press(key('r', { control: true }))).toBe(true)
    expect(w.press(key('a'))).toBe(false)
    // Alt+F4 / the window manager: refused, and the PIN is asked for.
    w.close()
    expect(w.closed).toBe(false)
    // scrypt on a loaded machine takes its time: wait for the verdict, not a fixed moment.
    const verdict = { timeout: 15_000 }
    await vi.waitFor(() => expect(log.warn).toHaveBeenCalledWith({}, 'kiosk exit: wrong PIN'), verdict)
    expect(state.asked).toEqual(['enter'])
    expect(w.closed).toBe(false)
    // The exit shortcut, the right PIN this time.
    expect(w.press(key('K', { control: true, alt: true, shift: true }))).toBe(true)
    await vi.waitFor(() => expect(w.closed).toBe(true), verdict)
    expect(state.asked).toEqual(['enter', 'enter'])
    expect(state.awake).toBe(0)
    expect(kiosk.window).toBeNull()
  })

  it(`locks the prompt for a minute after ${MAX_PIN_ATTEMPTS} wrong PINs`, async () => {
    let now = 1_000_000
    const { kiosk, state, platform } = fakePlatform({ pins: [...Array(MAX_PIN_ATTEMPTS).fill('0000'), '2468', '2468'] })
    platform.now = () => now
    await kiosk.open({ agentUuid: UUID, pin: '2468' })
    for (let i = 0; i < MAX_PIN_ATTEMPTS; i++) expect(await kiosk.requestExit()).toBe(false)
    expect(state.asked).toHaveLength(MAX_PIN_ATTEMPTS)
    // Locked: not even asked.
    expect(await kiosk.requestExit()).toBe(false)
    expect(state.asked).toHaveLength(MAX_PIN_ATTEMPTS)
    now += PIN_LOCK_MS
    expect(await kiosk.requestExit()).toBe(true)
  })

  it('reloads after the page crashes, backing off while it keeps failing to load', async () => {
    vi.useFakeTimers()
    const { kiosk, state } = fakePlatform()
    await kiosk.open({ agentUuid: UUID, pin: '2468' })
    const w = state.windows[0]
    w.webContents.emit('render-process-gone', {}, { reason: 'crashed' })
    await vi.advanceTimersByTimeAsync(999)
    expect(w.loads).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(w.loads).toHaveLength(2)
    // The server is down: every load fails (as Electron does: the promise rejects, did-fail-load fires).
    w.loadURL.mockImplementation(async (url: string) => {
      w.loads.push(url)
      queueMicrotask(() => w.webContents.emit('did-fail-load', {}, -102, 'ERR_CONNECTION_REFUSED', url, true))
      throw new Error('ERR_CONNECTION_REFUSED')
    })
    w.webContents.emit('did-fail-load', {}, -102, 'ERR_CONNECTION_REFUSED', w.url, true)
    await vi.advanceTimersByTimeAsync(1000)
    expect(w.loads).toHaveLength(3)
    await vi.advanceTimersByTimeAsync(1999)
    expect(w.loads).toHaveLength(3)
    await vi.advanceTimersByTimeAsync(1)
    expect(w.loads).toHaveLength(4)
    // Back, on another port: the retry asks for the server's address again.
    state.url = 'http://127.0.0.1:6002'
    w.loadURL.mockImplementation(async (url: string) => void w.loads.push(url))
    await vi.advanceTimersByTimeAsync(4000)
    expect(w.loads).toHaveLength(5)
    expect(w.loads.at(-1)).toBe(`http://127.0.0.1:6002/kiosk/${UUID}`)
    // A sub-frame failing, or our own reload aborting the previous load, is not a failure.
    w.webContents.emit('did-fail-load', {}, -102, 'x', 'http://a/', false)
    w.webContents.emit('did-fail-load', {}, -3, 'ERR_ABORTED', w.url, true)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(w.loads).toHaveLength(5)
  })

  it('reloads when the server comes back after being lost, and when a hung page stays unresponsive', async () => {
    vi.useFakeTimers()
    const { kiosk, state } = fakePlatform()
    await kiosk.open({ agentUuid: UUID, pin: '2468' })
    const w = state.windows[0]
    await vi.advanceTimersByTimeAsync(HEALTH_INTERVAL_MS * 2)
    expect(w.loads).toHaveLength(1)
    state.alive = false
    await vi.advanceTimersByTimeAsync(HEALTH_INTERVAL_MS * 3)
    expect(w.loads).toHaveLength(1)
    state.alive = true
    await vi.advanceTimersByTimeAsync(HEALTH_INTERVAL_MS)
    expect(w.loads).toHaveLength(2)

    w.webContents.emit('unresponsive')
    w.webContents.emit('responsive')
    await vi.advanceTimersByTimeAsync(20_000)
    expect(w.loads).toHaveLength(2)
    w.webContents.emit('unresponsive')
    await vi.advanceTimersByTimeAsync(10_000)
    expect(w.loads).toHaveLength(3)
  })

  it('closes without a PIN when the app quits, and a kiosk link never opens outside', async () => {
    const { kiosk, state } = fakePlatform()
    await kiosk.open({ agentUuid: UUID, pin: '2468' })
    const w = state.windows[0]
    expect(kiosk.isKiosk(w.webContents)).toBe(true)
    expect(kiosk.isKiosk({})).toBe(false)
    kiosk.closeForQuit()
    expect(w.closed).toBe(true)
    expect(state.asked).toEqual([])
  })
})

describe('agenta:kiosk-open IPC', () => {
  it('refuses an untrusted sender before looking at the input; errors come back as values', async () => {
    const open = vi.fn(async () => ({ url: 'http://127.0.0.1:5001/kiosk/x' }))
    expect(await handleKioskOpen({ open }, false, { agentUuid: UUID })).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'This page may not open a kiosk' }
    })
    expect(open).not.toHaveBeenCalled()
    expect(await handleKioskOpen({ open }, true, { agentUuid: UUID })).toEqual({ ok: true, data: { url: 'http://127.0.0.1:5001/kiosk/x' } })
    const { kiosk } = fakePlatform()
    const bad = await handleKioskOpen(kiosk, true, { agentUuid: 42 })
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation_failed' } })
  })
})
