import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ToolConfig, ToolStatus } from '../../../src-main/contract/entities'
import { ToolCreate } from '../../../src-main/contract/entities'
import { bootRuntime, type BootedRuntime } from '../../utils/boot'
import { everythingStdio, pidAlive, startEverythingHttp, type HttpPeer } from './peers'
import { until } from '../../utils/until'

/**
 * The reference server (@modelcontextprotocol/server-everything) over all three transports,
 * through the runtime's connection manager: list, echo, an image, a call that times out, and a
 * crash in the middle of a call followed by recovery.
 */
let b: BootedRuntime
const statuses: ToolStatus[] = []
const peers: HttpPeer[] = []

beforeAll(async () => {
  b = await bootRuntime({ mcp: { autoConnect: false, reconnect: { initialMs: 100, maxMs: 1_000, attempts: 20 } } })
  b.runtime.events.subscribe((name, payload) => {
    if (name === 'tools.status') statuses.push(payload as ToolStatus)
  })
})
afterAll(async () => {
  await b?.close()
  await Promise.all(peers.map((p) => p.stop()))
})

const cases: { transport: ToolConfig['transport']; peer?: 'sse' | 'streamableHttp' }[] = [
  { transport: 'stdio' },
  { transport: 'sse', peer: 'sse' },
  { transport: 'streamable-http', peer: 'streamableHttp' }
]

describe.each(cases)('server-everything over $transport', ({ transport, peer: mode }) => {
  let toolId: string
  let peer: HttpPeer | undefined

  beforeAll(async () => {
    let config: ToolConfig
    if (mode) {
      peer = await startEverythingHttp(mode)
      peers.push(peer)
      // Headers go along on every request; the server ignores this one, the 401 test checks them for real.
      config = { transport: transport as 'sse' | 'streamable-http', url: peer.url, headers: { 'X-Agenta-Test': '1' } }
    } else config = everythingStdio()
    const tool = await b.runtime.tools.create(ToolCreate.parse({ name: `ev-${transport}`, config }))
    toolId = tool.id
  })

  it('connects and lists its tools (and prompts and resources)', async () => {
    const conn = await b.runtime.mcp.connection(toolId)
    await conn.ready()
    const names = conn.tools.map((t) => t.name)
    expect(names).toEqual(expect.arrayContaining(['echo', 'get-tiny-image', 'trigger-long-running-operation']))
    expect(conn.tools.find((t) => t.name === 'echo')).toMatchObject({
      description: 'Echoes back the input string',
      inputSchema: { type: 'object', properties: { message: { type: 'string' } } }
    })
    expect(conn.prompts.length).toBeGreaterThan(0)
    expect(conn.resources.length).toBeGreaterThan(0)
    const status = (await b.runtime.mcp.status()).find((s) => s.toolId === toolId)
    expect(status).toMatchObject({ state: 'ready', error: null })
    // Created while auto-connect is off: idle until first use.
    expect(statuses.filter((s) => s.toolId === toolId).map((s) => s.state)).toEqual(['idle', 'connecting', 'ready'])
  })

  it('calls echo', async () => {
    expect(await b.runtime.mcp.call(toolId, 'echo', { message: 'hello 你好' })).toEqual({ content: 'Echo: hello 你好' })
  })

  it('returns an image as a data URL with a note for the model', async () => {
    const r = await b.runtime.mcp.call(toolId, 'get-tiny-image', {})
    expect(r.images).toHaveLength(1)
    expect(r.images![0]).toMatch(/^data:image\/png;base64,iVBOR/)
    expect(r.content).toContain("Here's the image you requested:")
    expect(r.content).toMatch(/\[image 1: image\/png, [\d.]+ KB, attached for viewing\]/)
  })

  // The operation takes 5 s: only the 300 ms timeout rejects with this message.
  it('gives up on a slow call at the per-call timeout and stays usable', async () => {
    await expect(b.runtime.mcp.call(toolId, 'trigger-long-running-operation', { duration: 5, steps: 5 }, { timeoutMs: 300 })).rejects.toThrow(
      'trigger-long-running-operation did not answer within 300 ms and was cancelled'
    )
    expect((await b.runtime.mcp.call(toolId, 'echo', { message: 'still here' })).content).toBe('Echo: still here')
  })

  it("reports the server's progress while a long call runs", async () => {
    const reports: unknown[] = []
    const r = await b.runtime.mcp.call(toolId, 'trigger-long-running-operation', { duration: 0.3, steps: 3 }, { onProgress: (p) => reports.push(p) })
    expect(r.content).toBe('Long running operation completed. Duration: 0.3 seconds, Steps: 3.')
    // The server reports each step, the last right before its answer; the SDK may settle the call
    // before it hands that last report on (stdio and SSE here), so the first two are what is certain.
    const steps = [1, 2, 3].map((progress) => ({ progress, total: 3 }))
    expect(reports.length).toBeGreaterThanOrEqual(2)
    expect(reports).toEqual(steps.slice(0, reports.length))
  })

  it('cancels a call when the turn is stopped', async () => {
    const stop = new AbortController()
    setTimeout(() => stop.abort(), 200)
    await expect(b.runtime.mcp.call(toolId, 'trigger-long-running-operation', { duration: 5, steps: 5 }, { signal: stop.signal })).rejects.toThrow(
      'the call to trigger-long-running-operation was cancelled'
    )
  })

  it('fails a call in flight when the server dies, then reconnects and works', async () => {
    const conn = await b.runtime.mcp.connection(toolId)
    const pid = conn.pid
    // A dead server never answers: a call that did not notice would end at the per-call timeout
    // with another message, or not before the test's timeout.
    let underWay!: () => void
    const progressed = new Promise<void>((r) => (underWay = r))
    const call = b.runtime.mcp.call(toolId, 'trigger-long-running-operation', { duration: 10, steps: 10 }, { onProgress: () => underWay() })
    const outcome = call.then(
      () => 'answered',
      (err: Error) => err.message
    )
    // The server's first progress report: the call is running there.
    await progressed
    if (peer) await peer.kill()
    else process.kill(pid!, 'SIGKILL')
    const message = await outcome
    if (transport === 'stdio') expect(message).toMatch(/the server process was killed \(SIGKILL\) during the call to trigger-long-running-operation/)
    else expect(message).toMatch(/the connection to http:\/\/127\.0\.0\.1:\d+\/(sse|mcp) (was lost|closed)|connection refused/)
    await until(
      async () =>
        (await b.runtime.mcp.status()).find((s) => s.toolId === toolId)?.state === 'failed' ||
        statuses.some((s) => s.toolId === toolId && s.state === 'failed'),
      'failed status'
    )

    if (peer) await peer.restart()
    // Reconnection happens in the background (backoff); a call also reconnects on demand.
    await until(async () => (await b.runtime.mcp.status()).find((s) => s.toolId === toolId)?.state === 'ready', 'ready again')
    expect((await b.runtime.mcp.call(toolId, 'echo', { message: 'back' })).content).toBe('Echo: back')
    if (pid) {
      expect(pidAlive(pid)).toBe(false)
      expect(conn.pid).not.toBe(pid)
    }
  })

  it('disconnects when the server is deleted (the child process ends)', async () => {
    const conn = await b.runtime.mcp.connection(toolId)
    const pid = conn.pid
    await b.runtime.tools.delete(toolId)
    await until(() => conn.status().state === 'idle', 'idle after delete')
    if (pid) await until(() => !pidAlive(pid), 'child gone')
    await expect(b.runtime.mcp.connection(toolId)).rejects.toThrow(/No tool with id/)
  })
})
