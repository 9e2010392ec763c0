import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { IPC_CHANNELS } from '../../../src-main/contract/bridge'
import { rendererLocation } from '../../../src-main/electron/trust'
import { bootRuntime, type BootedRuntime } from '../../utils/boot'

const electron = vi.hoisted(() => {
  const handlers = new Map<string, (...args: any[]) => unknown>()
  return {
    handlers,
    windows: [] as any[],
    ipcMain: {
      handle: vi.fn((channel: string, fn: (...args: any[]) => unknown) => handlers.set(channel, fn)),
      removeHandler: vi.fn((channel: string) => handlers.delete(channel))
    },
    BrowserWindow: { getAllWindows: vi.fn(() => electron.windows) }
  }
})
vi.mock('electron', () => ({ ipcMain: electron.ipcMain, BrowserWindow: electron.BrowserWindow }))

const { handleCall, registerIpc } = await import('../../../src-main/electron/ipc')

const rendererDir = resolve('/app/out/renderer')
const loc = rendererLocation({ rendererDir })
const indexUrl = pathToFileURL(join(rendererDir, 'index.html')).href

function fakeWindow(id: number, url: string) {
  const webContents = { id, send: vi.fn(), getURL: () => url, isDestroyed: () => false }
  return { webContents, isDestroyed: () => false }
}
const invokeEvent = (id: number, url: string, parent: unknown = null) => ({ sender: { id }, senderFrame: { url, parent } })

let booted: BootedRuntime
beforeAll(async () => {
  booted = await bootRuntime()
})
afterAll(() => booted.close())
beforeEach(() => {
  electron.windows.length = 0
  electron.handlers.clear()
})

describe('handleCall', () => {
  it('runs a trusted call through the contract', async () => {
    const r = await handleCall(booted.runtime.handlers, true, 'app.info', {})
    expect(r).toMatchObject({ ok: true, data: { name: 'Agenta Studio', host: 'server' } })
  })
  it('refuses an untrusted caller with forbidden before touching the core', async () => {
    const spy = vi.spyOn(booted.runtime.handlers, 'agents.list')
    const r = await handleCall(booted.runtime.handlers, false, 'agents.list', {})
    expect(r).toEqual({ ok: false, error: { code: 'forbidden', message: expect.any(String) } })
    expect(spy).not.toHaveBeenCalled()
    spy.mockRestore()
  })
  it('answers unknown methods, bad names and bad input with wire errors, never a throw', async () => {
    expect(await handleCall(booted.runtime.handlers, true, 'fs.readFile', {})).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await handleCall(booted.runtime.handlers, true, 42, {})).toMatchObject({ ok: false, error: { code: 'bad_request' } })
    expect(await handleCall(booted.runtime.handlers, true, '__proto__', {})).toMatchObject({ ok: false, error: { code: 'not_found' } })
    const bad = await handleCall(booted.runtime.handlers, true, 'agents.create', { name: '' })
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation_failed' } })
    expect(JSON.stringify(bad)).not.toMatch(/at .*\.ts:\d+/)
  })
})

describe('registerIpc', () => {
  it('serves our window and refuses others on the call channel', async () => {
    electron.windows.push(fakeWindow(1, indexUrl))
    const dispose = registerIpc(booted.runtime, loc)
    const handler = electron.handlers.get(IPC_CHANNELS.call)!
    expect(handler).toBeTypeOf('function')

    await expect(handler(invokeEvent(1, indexUrl), 'agents.list', {})).resolves.toEqual({ ok: true, data: [] })
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    await expect(handler(invokeEvent(1, 'https://evil.example/'), 'agents.list', {})).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } })
    await expect(handler(invokeEvent(1, indexUrl, { url: indexUrl }), 'agents.list', {})).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } })
    await expect(handler(invokeEvent(7, indexUrl), 'agents.list', {})).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } })
    await expect(handler({ sender: { id: 1 }, senderFrame: null }, 'agents.list', {})).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(warn).toHaveBeenCalled()
    warn.mockRestore()

    dispose()
    expect(electron.handlers.has(IPC_CHANNELS.call)).toBe(false)
  })

  it('forwards core events to our windows only, until disposed', async () => {
    const ours = fakeWindow(1, `${indexUrl}#/agents`)
    const foreign = fakeWindow(2, 'https://evil.example/')
    electron.windows.push(ours, foreign)
    const dispose = registerIpc(booted.runtime, loc)

    booted.runtime.events.emit('agents.changed', { id: 'a1' })
    expect(ours.webContents.send).toHaveBeenCalledWith(IPC_CHANNELS.event, 'agents.changed', { id: 'a1' })
    expect(foreign.webContents.send).not.toHaveBeenCalled()

    dispose()
    ours.webContents.send.mockClear()
    booted.runtime.events.emit('agents.changed', { id: 'a2' })
    expect(ours.webContents.send).not.toHaveBeenCalled()
  })
})
