import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { IPC_CHANNELS } from '../../../src-main/contract/bridge'
import { rendererLocation } from '../../../src-main/electron/trust'
import { captureLog } from '../../utils/log-capture'
import { bootRuntime, type BootedRuntime } from '../../utils/boot'

import { handleCall, registerIpc, runStream } from '../../../src-main/electron/ipc'
import { FakeIpcMain, FakeWebContents } from '../../utils/fake-platform'

const rendererDir = resolve('/app/out/renderer')
const loc = rendererLocation({ rendererDir })
const indexUrl = pathToFileURL(join(rendererDir, 'index.html')).href

let ipcMain = new FakeIpcMain()
let windows: FakeWebContents[] = []
const host = () => ({ ipcMain, contents: () => windows })
/** A window of the app showing `url`. */
function fakeWindow(url: string) {
  const contents = new FakeWebContents()
  contents.url = url
  windows.push(contents)
  return contents
}
const invokeEvent = (id: number, url: string, parent: unknown = null) => ({ sender: { id }, senderFrame: { url, parent } })

let booted: BootedRuntime
beforeAll(async () => {
  booted = await bootRuntime()
})
afterAll(() => booted.close())
beforeEach(() => {
  ipcMain = new FakeIpcMain()
  windows = []
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
    const { id } = fakeWindow(indexUrl)
    const dispose = registerIpc(booted.runtime, loc, host())
    const handler = ipcMain.handlers.get(IPC_CHANNELS.call)!
    expect(handler).toBeTypeOf('function')

    await expect(handler(invokeEvent(id, indexUrl), 'agents.list', {})).resolves.toEqual({ ok: true, data: [] })
    const logged = captureLog()
    await expect(handler(invokeEvent(id, 'https://evil.example/'), 'agents.list', {})).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } })
    await expect(handler(invokeEvent(id, indexUrl, { url: indexUrl }), 'agents.list', {})).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } })
    await expect(handler(invokeEvent(id + 1000, indexUrl), 'agents.list', {})).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } })
    await expect(handler({ sender: { id }, senderFrame: null }, 'agents.list', {})).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(logged.warnings().map((l) => l.msg)).toContain('refused an IPC call')
    logged.restore()

    dispose()
    expect(ipcMain.handlers.has(IPC_CHANNELS.call)).toBe(false)
  })

  it('forwards core events to our windows only, until disposed', async () => {
    const ours = fakeWindow(`${indexUrl}#/agents`)
    const foreign = fakeWindow('https://evil.example/')
    const dispose = registerIpc(booted.runtime, loc, host())

    booted.runtime.events.emit('agents.changed', { id: 'a1' })
    expect(ours.send).toHaveBeenCalledWith(IPC_CHANNELS.event, 'agents.changed', { id: 'a1' })
    expect(foreign.send).not.toHaveBeenCalled()

    dispose()
    ours.send.mockClear()
    booted.runtime.events.emit('agents.changed', { id: 'a2' })
    expect(ours.send).not.toHaveBeenCalled()
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
    const { id } = fakeWindow(indexUrl)
    const dispose = registerIpc(booted.runtime, loc, host())
    const start = (event: any, ...args: unknown[]) => ipcMain.send(IPC_CHANNELS.streamStart, event, ...args)
    const cancel = (event: any, ...args: unknown[]) => ipcMain.send(IPC_CHANNELS.streamCancel, event, ...args)
    const sent: any[] = []
    const sender = { id, isDestroyed: () => false, send: (...args: any[]) => sent.push(args), once: vi.fn() }
    // A session that does not exist: the core's 404 comes back as the stream's error.
    start({ sender, senderFrame: { url: indexUrl, parent: null } }, 's1', 'chat.turn', { sessionId: 'nope', message: 'hi' })
    await vi.waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]).toEqual([IPC_CHANNELS.streamMessage, 's1', { type: 'error', error: expect.objectContaining({ code: 'not_found' }) }])
    expect(sender.once).toHaveBeenCalledWith('destroyed', expect.any(Function))
    cancel({ sender }, 's1')
    dispose()
    expect(ipcMain.listenerCount(IPC_CHANNELS.streamStart) + ipcMain.listenerCount(IPC_CHANNELS.streamCancel)).toBe(0)
  })
})
