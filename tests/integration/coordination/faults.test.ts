import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { bootServer, type BootedServer } from '../../utils/boot'
import { privateMariadb, privateRedis, type Engine } from '../../utils/engines'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'
import { redisCoordination } from '../../../src-main/core/coordination'
import { until } from '../../utils/until'

/**
 * A team server's engines restarting under load: requests fail with a clear 503 in the JSON error
 * shape (never a 500 or a hang), /readyz says which engine is away, and everything recovers when it
 * is back; a schedule slot that came during the outage runs once afterwards. The engines are our own
 * (a Redis and a MariaDB on free ports) so they can be stopped without touching the shared ones.
 */
let redis: Engine
let maria: Engine
let s: BootedServer
let llm: FakeLlm

beforeAll(async () => {
  ;[redis, maria] = await Promise.all([privateRedis(), privateMariadb()])
  llm = await startFakeLlm()
  s = await bootServer({
    store: { kind: 'mysql', url: maria.url },
    coordination: redisCoordination({ url: redis.url, prefix: `agenta-test-${randomBytes(4).toString('hex')}:` }),
    shutdown: { graceMs: 0 }
  })
}, 120_000)
afterAll(async () => {
  await s?.close()
  await llm?.close()
  await Promise.allSettled([redis?.stop(), maria?.stop()])
})

/** Requests in a loop while `running`: every answer must be a success or a 503 in the error shape. */
function load(paths: Array<[string, string, unknown?]>) {
  const seen = { ok: 0, unavailable: 0, other: [] as Array<{ status: number; body: unknown }> }
  let running = true
  const loop = async () => {
    for (let i = 0; running; i++) {
      const [method, path, body] = paths[i % paths.length]
      const res = await s.api(method, path, body)
      if (res.status < 300) seen.ok++
      else if (res.status === 503 && res.body?.error?.code === 'unavailable' && typeof res.body.error.message === 'string') seen.unavailable++
      else seen.other.push({ status: res.status, body: res.body })
    }
  }
  const loops = [loop(), loop(), loop()]
  return {
    seen,
    async stop() {
      running = false
      await Promise.all(loops)
      return seen
    }
  }
}

describe('engine outages on a team server', () => {
  it('Redis away: 503 unavailable for what needs it, /readyz names it, and all is back once Redis is', async () => {
    const traffic = load([
      ['GET', '/api/agents'],
      ['PUT', '/api/settings', { theme: 'dark' }]
    ])
    await until(async () => traffic.seen.ok > 10, 'some traffic', { timeoutMs: 30_000 })
    await redis.stop()
    const ready = await s.api('GET', '/readyz', undefined, { token: null })
    expect(ready.status).toBe(503)
    expect(ready.body).toMatchObject({ ok: false, failed: ['redis'] })
    // A settings write takes the shared lock: it cannot be had, and says so.
    const write = await s.api('PUT', '/api/settings', { theme: 'light' })
    expect(write.status).toBe(503)
    expect(write.body.error).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/Redis/) })
    // Reading goes on from the database.
    expect((await s.api('GET', '/api/agents')).status).toBe(200)
    await until(async () => traffic.seen.unavailable > 3, 'requests during the outage', { timeoutMs: 30_000 })

    await redis.start()
    await until(async () => (await s.api('GET', '/readyz', undefined, { token: null })).status === 200, 'readiness with Redis back', { timeoutMs: 30_000 })
    expect((await s.api('PUT', '/api/settings', { theme: 'light' })).status).toBe(200)
    const seen = await traffic.stop()
    expect(seen.other).toEqual([])
    expect(seen.unavailable).toBeGreaterThan(0)
  }, 90_000)

  it('MariaDB restarting: 503 unavailable meanwhile, /readyz names it, and the pool recovers', async () => {
    const traffic = load([
      ['GET', '/api/agents'],
      ['POST', '/api/agents', { name: `Under load ${randomBytes(3).toString('hex')}` }]
    ])
    await until(async () => traffic.seen.ok > 10, 'some traffic', { timeoutMs: 30_000 })
    await maria.stop()
    const down = await s.api('GET', '/api/agents')
    expect(down.status).toBe(503)
    expect(down.body.error).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/database/) })
    const ready = await s.api('GET', '/readyz', undefined, { token: null })
    expect(ready.status).toBe(503)
    expect(ready.body).toMatchObject({ ok: false, failed: ['database'] })

    await maria.start()
    await until(async () => (await s.api('GET', '/api/agents')).status === 200, 'the database back', { timeoutMs: 30_000 })
    expect((await s.api('GET', '/readyz', undefined, { token: null })).status).toBe(200)
    const seen = await traffic.stop()
    expect(seen.other).toEqual([])
    expect(seen.unavailable).toBeGreaterThan(0)
  }, 90_000)

  it('runs a schedule slot that came while Redis was away once, after it is back', async () => {
    const provider = await s.api('POST', '/api/providers', { name: `Fake ${randomBytes(3).toString('hex')}`, baseUrl: llm.baseUrl })
    const agent = await s.api('POST', '/api/agents', { name: `Night ${randomBytes(3).toString('hex')}`, providerId: provider.body.id, model: 'fake-chat' })
    const task = await s.api('POST', '/api/schedules', {
      name: 'Tally',
      agentId: agent.body.id,
      instruction: 'Count',
      schedule: { type: 'once', at: new Date(Date.now() + 1_500).toISOString() }
    })
    expect(task.status).toBe(201)
    await redis.stop()
    // The slot passes while its claim cannot be asked: it must wait, not run unclaimed nor be dropped.
    // The wait is the behaviour under test: the slot's time (1.5 s) must go by with Redis away.
    await new Promise((r) => setTimeout(r, 4_000))
    expect((await s.api('GET', `/api/schedules/${task.body.id}/runs`)).body).toEqual([])
    await redis.start()
    await until(async () => (await s.api('GET', `/api/schedules/${task.body.id}/runs`)).body.some((r: { status: string }) => r.status === 'ok'), 'the run', {
      timeoutMs: 30_000
    })
    const runs = (await s.api('GET', `/api/schedules/${task.body.id}/runs`)).body
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatchObject({ status: 'ok', scheduledFor: task.body.nextRunAt })
  }, 60_000)
})
