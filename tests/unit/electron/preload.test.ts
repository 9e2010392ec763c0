import { beforeEach, describe, expect, it, vi } from 'vitest'
import { IPC_CHANNELS, type AgentaBridge } from '../../../src-main/contract/bridge'

// The sandboxed preload only sees electron's renderer modules; these stand in for them.
const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn(), send: vi.fn(), sendSync: vi.fn() },
  webUtils: { getPathForFile: vi.fn((f: { name: string }) => `/home/me/${f.name}`) }
}))
vi.mock('electron', () => electron)

async function loadBridge(): Promise<AgentaBridge> {
  vi.resetModules()
  electron.contextBridge.exposeInMainWorld.mockClear()
  await import('../../../src-preload/index')
  expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1)
  const [key, api] = electron.contextBridge.exposeInMainWorld.mock.calls[0]
  expect(key).toBe('agenta')
  return api as AgentaBridge
}

beforeEach(() => {
  for (const fn of Object.values(electron.ipcRenderer)) fn.mockReset()
})

describe('preload bridge', () => {
  it('exposes one object with host, call, onEvent, stream, pathForFile, openKiosk and openTeamServer — nothing else', async () => {
    const api = await loadBridge()
    expect(Object.keys(api).sort()).toEqual(['call', 'host', 'onEvent', 'openKiosk', 'openTeamServer', 'pathForFile', 'stream'])
    expect(api.host).toBe('electron')
    expect(Object.values(api)).not.toContain(electron.ipcRenderer)
  })

  it('turns a dropped file into its path through webUtils', async () => {
    const api = await loadBridge()
    expect(api.pathForFile({ name: 'a.pdf' } as File)).toBe('/home/me/a.pdf')
  })

  it('call forwards the name and input on the call channel and returns the answer', async () => {
    const api = await loadBridge()
    electron.ipcRenderer.invoke.mockResolvedValue({ ok: true, data: [{ id: 'a1' }] })
    const input = { id: 'a1' }
    await expect(api.call('agents.get', input)).resolves.toEqual({ ok: true, data: [{ id: 'a1' }] })
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(IPC_CHANNELS.call, 'agents.get', input)
    expect(electron.ipcRenderer.send).not.toHaveBeenCalled()
  })

  it('call never rejects: a failed invoke comes back as an error value', async () => {
    const api = await loadBridge()
    electron.ipcRenderer.invoke.mockRejectedValue(new Error('An object could not be cloned.'))
    const result = await api.call('agents.create', { fn: () => 1 })
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'An object could not be cloned.' } })
  })

  it('onEvent passes name and payload without the IPC event, and unsubscribes', async () => {
    const api = await loadBridge()
    const listener = vi.fn()
    const off = api.onEvent(listener)
    expect(electron.ipcRenderer.on).toHaveBeenCalledTimes(1)
    const [channel, forward] = electron.ipcRenderer.on.mock.calls[0]
    expect(channel).toBe(IPC_CHANNELS.event)

    const ipcEvent = { sender: electron.ipcRenderer, senderId: 0, ports: [] }
    forward(ipcEvent, 'agents.changed', { id: 'a1' })
    expect(listener).toHaveBeenCalledTimes(1)
    expect(listener.mock.calls[0]).toEqual(['agents.changed', { id: 'a1' }])
    expect(listener.mock.calls[0]).not.toContain(ipcEvent)

    off()
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith(IPC_CHANNELS.event, forward)
  })

  it('each subscription gets its own wrapper, so one unsubscribe leaves the others', async () => {
    const api = await loadBridge()
    const offA = api.onEvent(vi.fn())
    api.onEvent(vi.fn())
    const [, a] = electron.ipcRenderer.on.mock.calls[0]
    const [, b] = electron.ipcRenderer.on.mock.calls[1]
    expect(a).not.toBe(b)
    offA()
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledTimes(1)
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith(IPC_CHANNELS.event, a)
  })
})

describe('preload bridge streams', () => {
  it('sends start with an id, forwards only its own messages until the end, and cancels once', async () => {
    const api = await loadBridge()
    const got: unknown[] = []
    const cancel = api.stream('chat.turn', { sessionId: 's' }, (m) => got.push(m))
    const [channel, id, name, input] = electron.ipcRenderer.send.mock.calls[0]
    expect([channel, name, input]).toEqual([IPC_CHANNELS.streamStart, 'chat.turn', { sessionId: 's' }])
    const forward = electron.ipcRenderer.on.mock.calls.find((c) => c[0] === IPC_CHANNELS.streamMessage)![1]
    forward({}, 'other', { type: 'event', event: { type: 'delta', content: 'x' } })
    forward({}, id, { type: 'event', event: { type: 'delta', content: 'a' } })
    cancel()
    expect(electron.ipcRenderer.send).toHaveBeenLastCalledWith(IPC_CHANNELS.streamCancel, id)
    forward({}, id, { type: 'event', event: { type: 'delta', content: 'late' } })
    cancel()
    expect(got).toEqual([{ type: 'event', event: { type: 'delta', content: 'a' } }, { type: 'end' }])
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith(IPC_CHANNELS.streamMessage, forward)
  })
})
