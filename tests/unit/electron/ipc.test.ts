import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { IPC_CHANNELS } from '../../../src-main/contract/bridge'
import { rendererLocation } from '../../../src-main/electron/trust'
import { captureLog } from '../../utils/log-capture'
import { bootRuntime, type BootedRuntime } from '../../utils/boot'

const electron = vi.hoisted(() => {
  const handlers = new Map<string, (...args: any[]) => unknown>()
  const listeners = new Map<string, (...args: any[]) => unknown>()
  return {
    handlers,
    listeners,
    windows: [] as any[],
    ipcMain: {
      handle: vi.fn((channel: string, fn: (...args: any[]) => unknown) => handlers.set(channel, fn)),
      removeHandler: vi.fn((channel: string) => handlers.delete(channel)),
      on: vi.fn((channel: string, fn: (...args: any[]) => unknown) => listeners.set(channel, fn)),
      removeListener: vi.fn((channel: string) => listeners.delete(channel))
    },
    BrowserWindow: { getAllWindows: vi.fn(() => electron.windows) }
  }
})
vi.mock('electron', () => ({ ipcMain: electron.ipcMain, BrowserWindow: electron.BrowserWindow }))

const { handleCall, registerIpc, runStream } = await import('../../../src-main/electron/ipc')

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
  electron.listeners.clear()
})

describe('handleCall', () => {
  it('runs a trusted call through the contract', async () => {
    const r = await handleCall(booted.runtime, true, 'app.info', {})
    expect(r).toMatchObject({ ok: true, data: { name: 'Agenta Studio', host: 'server' } })
  })
  it('refuses an untrusted caller with forbidden before touching the core', async () => {
    const spy = vi.spyOn(booted.runtime.handlers, 'agents.list')
    const r = await handleCall(booted.runtime, false, 'agents.list', {})
    expect(r).toEqual({ ok: false, error: { code: 'forbidden', message: expect.any(String) } })
    expect(spy).not.toHaveBeenCalled()
    spy.mockRestore()
  })
  it('answers unknown methods, bad names and bad input with wire errors, never a throw', async () => {
    expect(await handleCall(booted.runtime, true, 'fs.readFile', {})).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await handleCall(booted.runtime, true, 42, {})).toMatchObject({ ok: false, error: { code: 'bad_request' } })
    expect(await handleCall(booted.runtime, true, '__proto__', {})).toMatchObject({ ok: false, error: { code: 'not_found' } })
    const bad = await handleCall(booted.runtime, true, 'agents.create', { name: '' })
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
    const logged = captureLog()
    await expect(handler(invokeEvent(1, 'https://evil.example/'), 'agents.list', {})).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } })
    await expect(handler(invokeEvent(1, indexUrl, { url: indexUrl }), 'agents.list', {})).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } })
    await expect(handler(invokeEvent(7, indexUrl), 'agents.list', {})).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } })
    await expect(handler({ sender: { id: 1 }, senderFrame: null }, 'agents.list', {})).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(logged.warnings().map((l) => l.msg)).toContain('refused an IPC call')
    logged.restore()

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

describe('streams over IPC', () => {
  const turnOf = (events: any[]) => {
    const cancel = vi.fn()
    return {
      cancel,
      startTurn: vi.fn(async () => ({
        cancel,
        events: (async function* () {
          yield* events
        })()
      }))
    }
  }
  const collect = () => {
    const messages: any[] = []
    let resolve!: () => void
    const ended = new Promise<void>((r) => (resolve = r))
    return {
      messages,
      ended,
      send: (m: any) => {
        messages.push(m)
        if (m.type !== 'event') resolve()
      }
    }
  }

  it('relays every event of the turn, then end; the studio turn may ask (interactive)', async () => {
    const chat = turnOf([
      { type: 'start', runId: 'r', sessionId: 's' },
      { type: 'delta', content: 'Hi' }
    ])
    const out = collect()
    runStream(chat, true, 'chat.turn', { sessionId: 's', message: 'hello' }, out.send)
    await out.ended
    expect(chat.startTurn).toHaveBeenCalledWith({ sessionId: 's', message: 'hello', interactive: true })
    expect(out.messages).toEqual([
      { type: 'event', event: { type: 'start', runId: 'r', sessionId: 's' } },
      { type: 'event', event: { type: 'delta', content: 'Hi' } },
      { type: 'end' }
    ])
  })

  it('refuses untrusted senders, unknown streams and invalid input with one error message', async () => {
    for (const [trusted, name, input, code] of [
      [false, 'chat.turn', { sessionId: 's' }, 'forbidden'],
      [true, 'fs.read', {}, 'not_found'],
      [true, 'chat.turn', { message: 'no session' }, 'validation_failed']
    ] as const) {
      const chat = turnOf([])
      const out = collect()
      runStream(chat, trusted, name, input, out.send)
      await out.ended
      expect(out.messages).toEqual([{ type: 'error', error: expect.objectContaining({ code }) }])
      expect(chat.startTurn).not.toHaveBeenCalled()
    }
  })

  it('registerIpc: a window closing or cancelling stops its turn', async () => {
    electron.windows.push(fakeWindow(1, indexUrl))
    const dispose = registerIpc(booted.runtime, loc)
    const start = electron.listeners.get(IPC_CHANNELS.streamStart)!
    const cancel = electron.listeners.get(IPC_CHANNELS.streamCancel)!
    const sent: any[] = []
    const sender = { id: 1, isDestroyed: () => false, send: (...args: any[]) => sent.push(args), once: vi.fn() }
    // A session that does not exist: the core's 404 comes back as the stream's error.
    start({ sender, senderFrame: { url: indexUrl, parent: null } }, 's1', 'chat.turn', { sessionId: 'nope', message: 'hi' })
    await vi.waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]).toEqual([IPC_CHANNELS.streamMessage, 's1', { type: 'error', error: expect.objectContaining({ code: 'not_found' }) }])
    expect(sender.once).toHaveBeenCalledWith('destroyed', expect.any(Function))
    cancel({ sender }, 's1')
    dispose()
    expect(electron.listeners.size).toBe(0)
  })
})
