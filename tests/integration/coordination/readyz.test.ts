import { afterEach, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { bootServer, type BootedServer } from '../../utils/boot'
import { redisCoordination } from '../../../src-main/core/coordination'
import { until } from '../../utils/until'

const REDIS = new URL(process.env.AGENTA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379')

/** A TCP relay to the real Redis that the test can cut and restore: Redis "restarting" without touching the shared one. */
function relay() {
  const open = new Set<Socket>()
  let server: Server | undefined
  let port = 0
  const start = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(REDIS.port || 6379), REDIS.hostname)
        for (const s of [client, upstream]) {
          open.add(s)
          s.on('close', () => open.delete(s))
          s.on('error', () => undefined)
        }
        client.pipe(upstream).pipe(client)
      })
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port
        resolve()
      })
    })
  return {
    start,
    url: () => `redis://127.0.0.1:${port}`,
    async cut() {
      await new Promise<void>((resolve) => {
        server!.close(() => resolve())
        for (const s of open) s.destroy()
      })
    }
  }
}

let booted: BootedServer | undefined
afterEach(async () => {
  await booted?.close()
  booted = undefined
})

describe('/readyz', () => {
  it('answers 200 with the database alone on a desktop-style server, and /healthz stays plain', async () => {
    booted = await bootServer()
    const res = await booted.api('GET', '/readyz', undefined, { token: null })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ ok: true, checks: { database: { ok: true, kind: 'sqlite' } } })
    expect((await booted.api('GET', '/healthz', undefined, { token: null })).body).toEqual({ ok: true })
  })

  it('answers 503 naming Redis while it is away, and 200 again once it is back', async () => {
    const r = relay()
    await r.start()
    booted = await bootServer({ coordination: redisCoordination({ url: r.url(), prefix: `agenta-test-${randomBytes(4).toString('hex')}:` }) })
    const ready = () => booted!.api('GET', '/readyz', undefined, { token: null })
    expect((await ready()).body).toMatchObject({ ok: true, checks: { redis: { ok: true } } })

    await r.cut()
    const down = await ready()
    expect(down.status).toBe(503)
    expect(down.body).toMatchObject({ ok: false, failed: ['redis'], checks: { database: { ok: true }, redis: { ok: false, kind: 'redis' } } })
    expect(typeof down.body.checks.redis.error).toBe('string')
    // The API itself keeps answering from the database meanwhile.
    expect((await booted.api('GET', '/api/agents')).status).toBe(200)

    await r.start()
    await until(async () => (await ready()).status === 200, 'readiness once Redis is back')
  })
})
