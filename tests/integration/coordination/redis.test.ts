import { afterEach, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { LockTimeout, memoryCoordination, redisCoordination, type Coordination } from '../../../src-main/core/coordination'
import type { RedisStudioEvents } from '../../../src-main/core/coordination/redis'
import { until } from '../../utils/until'

/** The Redis on this machine (CI provides one); every test uses its own key prefix. */
const REDIS_URL = process.env.AGENTA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

const opened: Array<{ close(): Promise<unknown> }> = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()))
})

/** Two or more "processes": separate connections on one prefix. */
function processes(n: number) {
  const prefix = `agenta-test-${randomBytes(4).toString('hex')}:`
  const list = Array.from({ length: n }, () => redisCoordination({ url: REDIS_URL, prefix }))
  opened.push(...list)
  return { prefix, list }
}

function rawClient() {
  const c = new Redis(REDIS_URL)
  opened.push({ close: () => c.quit() })
  return c
}

function deferred() {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

describe('redis claims', () => {
  it('lets one process of two claim a key, and the key again once its time is up', async () => {
    const [a, b] = processes(2).list
    const results = await Promise.all([a.claims.claimOnce('schedule:t1:1000', 300), b.claims.claimOnce('schedule:t1:1000', 300)])
    expect(results.sort()).toEqual([false, true])
    expect(await a.claims.claimOnce('schedule:t1:2000', 300)).toBe(true)
    await until(() => b.claims.claimOnce('schedule:t1:1000', 300), 'the claim to expire')
  })
})

describe('redis lock', () => {
  it('has one holder across processes; the other gets it once released', async () => {
    const [a, b] = processes(2).list
    const held = deferred()
    const release = deferred()
    const first = a.locks.run('settings', async () => {
      held.resolve()
      await release.promise
      return 'a'
    })
    await held.promise
    await expect(b.locks.run('settings', async () => 'b', { waitMs: 300 })).rejects.toBeInstanceOf(LockTimeout)
    // Another key is free meanwhile.
    expect(await b.locks.run('other', async () => 'b-other')).toBe('b-other')
    release.resolve()
    expect(await first).toBe('a')
    expect(await b.locks.run('settings', async () => 'b', { waitMs: 5_000 })).toBe('b')
  })

  it('keeps the lock past its lease while the task runs (renewed), and frees it after a holder died', async () => {
    const { list } = processes(3)
    const [a, b, c] = list
    const held = deferred()
    void a.locks
      .run(
        'source:1',
        async () => {
          held.resolve()
          await new Promise(() => {}) // a holder that never finishes: its process is killed below
        },
        { leaseMs: 300 }
      )
      .catch(() => undefined)
    await held.promise
    // Three leases later, the running holder still has it (the wait is the behaviour under test:
    // the holder's renewals must outlast the lease).
    await new Promise((r) => setTimeout(r, 900))
    await expect(b.locks.run('source:1', async () => 'b', { waitMs: 100 })).rejects.toBeInstanceOf(LockTimeout)
    // The holder's process dies (no release, no renewal): the lease runs out and another takes over.
    await a.close()
    expect(await c.locks.run('source:1', async () => 'c', { waitMs: 5_000 })).toBe('c')
  })

  it('does not free a lock that expired and was taken by another holder', async () => {
    const { prefix, list } = processes(2)
    const [a, b] = list
    const raw = rawClient()
    const key = `${prefix}lock:kb:7`
    const held = deferred()
    const release = deferred()
    const first = a.locks.run('kb:7', async () => {
      held.resolve()
      await release.promise
    })
    await held.promise
    // As if a's lease had run out and another process had taken the lock.
    await raw.set(key, 'someone-else', 'PX', 30_000)
    release.resolve()
    await first
    expect(await raw.get(key)).toBe('someone-else')
    await expect(b.locks.run('kb:7', async () => 'b', { waitMs: 200 })).rejects.toBeInstanceOf(LockTimeout)
  })
})

describe('redis event bus', () => {
  it('delivers an event to the other processes, and once to the emitting one', async () => {
    const [a, b] = processes(2).list as Array<Coordination & { events: RedisStudioEvents }>
    await Promise.all([a.events.subscribed(), b.events.subscribed()])
    const seenA: Array<[string, unknown]> = []
    const seenB: Array<[string, unknown]> = []
    a.events.subscribe((n, p) => seenA.push([n, p]))
    b.events.subscribe((n, p) => seenB.push([n, p]))
    a.events.emit('agents.changed', { id: 'ag1' })
    // At once for the emitting process's own subscribers.
    expect(seenA).toEqual([['agents.changed', { id: 'ag1' }]])
    await until(() => seenB.length === 1, 'the event on b')
    expect(seenB).toEqual([['agents.changed', { id: 'ag1' }]])
    // b answers; once a has that, its own first event would have come back before it if it were echoed.
    b.events.emit('schedules.changed', { id: 's1' })
    await until(() => seenA.length >= 2, 'b’s event on a')
    expect(seenA).toEqual([
      ['agents.changed', { id: 'ag1' }],
      ['schedules.changed', { id: 's1' }]
    ])
    expect(seenB).toEqual([
      ['agents.changed', { id: 'ag1' }],
      ['schedules.changed', { id: 's1' }]
    ])
  })

  it('still delivers locally, and the ping fails, while Redis cannot be reached', async () => {
    const down = redisCoordination({ url: 'redis://127.0.0.1:1', prefix: 'agenta-test-down:' })
    opened.push(down)
    const seen: string[] = []
    down.events.subscribe((n) => seen.push(n))
    down.events.emit('agents.changed', { id: 'x' })
    expect(seen).toEqual(['agents.changed'])
    await expect(down.ping()).rejects.toThrow()
  })
})

describe('memory coordination', () => {
  it('claims a key once until its time is up', async () => {
    const m = memoryCoordination()
    expect(await m.claims.claimOnce('k', 100)).toBe(true)
    expect(await m.claims.claimOnce('k', 100)).toBe(false)
    await until(() => m.claims.claimOnce('k', 100), 'the claim to expire')
  })
})
