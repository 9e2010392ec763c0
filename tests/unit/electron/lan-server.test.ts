import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createServer, type Server } from 'node:net'
import { lanServer, SERVER_TOKEN_KEY, type LanServer } from '../../../src-main/electron/lan-server'
import { bootRuntime, tempDir, type BootedRuntime } from '../../utils/boot'
import { ownerContext } from '../../../src-main/core/context'

const quiet = { info: () => {}, error: () => {} }

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const { port } = s.address() as { port: number }
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

/** Resolves with true when something accepts a TCP connection there. */
async function accepts(host: string, port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://${host}:${port}/healthz`, { signal: AbortSignal.timeout(2000) })
    return res.ok
  } catch {
    return false
  }
}

let booted: BootedRuntime
let ctl: LanServer
let events: Array<{ name: string; payload: any }>

beforeEach(async () => {
  booted = await bootRuntime()
  events = []
  booted.runtime.events.subscribe((name, payload) => events.push({ name, payload }))
  ctl = lanServer(booted.runtime, { rendererDir: tempDir('agenta-renderer-'), log: quiet })
})
afterEach(async () => {
  // runtime.close() must also stop the server (the controller registers with onClose).
  await booted.close()
})

const serverSettings = (patch: { autoStart?: boolean; lan?: boolean; port?: number }) =>
  booted.runtime.settings.update({ server: patch }).then(() => ctl.settled())

describe('LAN server controller', () => {
  it('stays off by default and reports not running', async () => {
    await ctl.init()
    expect(ctl.state()).toEqual({ status: { running: false, url: null, lanUrls: [], token: null, error: null }, listening: null, error: null })
    expect(await booted.runtime.handlers['server.status']({}, ownerContext())).toMatchObject({ running: false })
  })

  it('starts on loopback when switched on, keeps a token, and reports it everywhere', async () => {
    await ctl.init()
    const port = await freePort()
    await serverSettings({ autoStart: true, port })

    const s = ctl.state()
    expect(s.error).toBeNull()
    expect(s.listening).toEqual({ host: '127.0.0.1', port })
    expect(s.status).toMatchObject({ running: true, url: `http://127.0.0.1:${port}`, lanUrls: [] })
    expect(await accepts('127.0.0.1', port)).toBe(true)

    const token = await booted.runtime.settings.raw.get<string>(SERVER_TOKEN_KEY)
    expect(token).toMatch(/^[\w-]{20,}$/)
    expect(s.status.token).toBe(token)
    expect(await booted.runtime.handlers['server.status']({}, ownerContext())).toEqual(s.status)
    expect(events.filter((e) => e.name === 'server.changed').at(-1)?.payload).toMatchObject({ running: true, url: `http://127.0.0.1:${port}` })

    // The API answers with that token.
    const res = await fetch(`http://127.0.0.1:${port}/api/agents`, { headers: { authorization: `Bearer ${token}` } })
    expect(res.status).toBe(200)
  })

  it('starts at launch when autoStart was saved, reusing the saved token', async () => {
    const port = await freePort()
    await booted.runtime.settings.update({ server: { autoStart: true, port } })
    await booted.runtime.settings.raw.set(SERVER_TOKEN_KEY, 'kept-token-1234567890')
    await ctl.init()
    expect(ctl.state().status).toMatchObject({ running: true, token: 'kept-token-1234567890' })
    expect(await accepts('127.0.0.1', port)).toBe(true)
  })

  it('restarts on a new port when the port changes, and frees the old one', async () => {
    await ctl.init()
    const [p1, p2] = [await freePort(), await freePort()]
    await serverSettings({ autoStart: true, port: p1 })
    expect(await accepts('127.0.0.1', p1)).toBe(true)

    await serverSettings({ port: p2 })
    expect(ctl.state().listening).toEqual({ host: '127.0.0.1', port: p2 })
    expect(await accepts('127.0.0.1', p2)).toBe(true)
    expect(await accepts('127.0.0.1', p1)).toBe(false)
  })

  it('does not restart for unrelated settings', async () => {
    await ctl.init()
    await serverSettings({ autoStart: true, port: await freePort() })
    const before = events.filter((e) => e.name === 'server.changed').length
    await booted.runtime.settings.update({ language: 'en', theme: 'dark' })
    await ctl.settled()
    expect(events.filter((e) => e.name === 'server.changed').length).toBe(before)
    expect(ctl.state().status.running).toBe(true)
  })

  it('moves to all interfaces with lan on and back to loopback with lan off', async () => {
    await ctl.init()
    const port = await freePort()
    await serverSettings({ autoStart: true, port })
    expect(ctl.state().listening?.host).toBe('127.0.0.1')

    await serverSettings({ lan: true })
    expect(ctl.state().listening).toEqual({ host: '0.0.0.0', port })
    expect(ctl.state().status.running).toBe(true)
    // On Linux all of 127/8 is loopback: only a server bound to every interface answers on 127.0.0.2.
    if (process.platform === 'linux') expect(await accepts('127.0.0.2', port)).toBe(true)

    await serverSettings({ lan: false })
    expect(ctl.state().listening).toEqual({ host: '127.0.0.1', port })
    expect(await accepts('127.0.0.1', port)).toBe(true)
    if (process.platform === 'linux') expect(await accepts('127.0.0.2', port)).toBe(false)
  })

  it('stops when switched off', async () => {
    await ctl.init()
    const port = await freePort()
    await serverSettings({ autoStart: true, port })
    await serverSettings({ autoStart: false })
    expect(ctl.state()).toMatchObject({ status: { running: false }, listening: null, error: null })
    expect(await accepts('127.0.0.1', port)).toBe(false)
    expect(events.filter((e) => e.name === 'server.changed').at(-1)?.payload).toMatchObject({ running: false })
  })

  it('reports a port in use as not running with the reason, and recovers on another port', async () => {
    const blocker: Server = createServer()
    const busy = await new Promise<number>((r) => blocker.listen(0, '127.0.0.1', () => r((blocker.address() as { port: number }).port)))
    try {
      await ctl.init()
      await serverSettings({ autoStart: true, port: busy })
      const s = ctl.state()
      expect(s.status.running).toBe(false)
      expect(s.listening).toBeNull()
      expect(s.error).toMatch(new RegExp(`port ${busy} is already in use`))
      expect(await booted.runtime.handlers['server.status']({}, ownerContext())).toMatchObject({ running: false })
      expect(events.filter((e) => e.name === 'server.changed').at(-1)?.payload).toMatchObject({ running: false })

      const free = await freePort()
      await serverSettings({ port: free })
      expect(ctl.state()).toMatchObject({ status: { running: true }, error: null })
      expect(await accepts('127.0.0.1', free)).toBe(true)
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()))
    }
  })

  it('applies rapid changes in order and ends on the last one', async () => {
    await ctl.init()
    const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()]
    // Changes may land while the previous start is still in flight: settled() is awaited only at the end.
    await booted.runtime.settings.update({ server: { autoStart: true, port: p1 } })
    await booted.runtime.settings.update({ server: { port: p2 } })
    await booted.runtime.settings.update({ server: { port: p3, lan: false } })
    await ctl.settled()
    expect(ctl.state().listening).toEqual({ host: '127.0.0.1', port: p3 })
    expect(await accepts('127.0.0.1', p1)).toBe(false)
    expect(await accepts('127.0.0.1', p2)).toBe(false)
    expect(await accepts('127.0.0.1', p3)).toBe(true)
  })

  it('stops on close and no longer follows the settings', async () => {
    await ctl.init()
    const port = await freePort()
    await serverSettings({ autoStart: true, port })
    await ctl.close()
    expect(ctl.state().status.running).toBe(false)
    expect(await accepts('127.0.0.1', port)).toBe(false)

    await serverSettings({ port: await freePort() })
    expect(ctl.state().status.running).toBe(false)
    await ctl.init()
    await ctl.settled()
    expect(ctl.state().status.running).toBe(false)
    await ctl.close() // twice is fine
  })

  it('is stopped by runtime.close()', async () => {
    await ctl.init()
    const port = await freePort()
    await serverSettings({ autoStart: true, port })
    await booted.runtime.close()
    expect(await accepts('127.0.0.1', port)).toBe(false)
  })
})
