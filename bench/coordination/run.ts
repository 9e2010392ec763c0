// What team mode's Redis coordination adds: the time a studio event takes from one process's
// emit to another's subscriber, and one schedule-slot claim (SET NX PX), on the local Redis.
// Two coordinations stand for two processes (each has its own connections).
//
//   npx tsx bench/coordination/run.ts [--n 2000] [--redis redis://127.0.0.1:6379]
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { redisCoordination } from '../../src-main/core/coordination'
import type { RedisStudioEvents } from '../../src-main/core/coordination/redis'

const { values } = parseArgs({ options: { n: { type: 'string', default: '2000' }, redis: { type: 'string', default: 'redis://127.0.0.1:6379' } } })
const n = Number(values.n)
const prefix = `agenta-bench-${randomBytes(4).toString('hex')}:`
const a = redisCoordination({ url: values.redis!, prefix })
const b = redisCoordination({ url: values.redis!, prefix })
await Promise.all([(a.events as RedisStudioEvents).subscribed(), (b.events as RedisStudioEvents).subscribed()])

const pct = (xs: number[], p: number) => xs.slice().sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]
const show = (name: string, ms: number[]) =>
  console.log(`${name.padEnd(28)} p50 ${pct(ms, 50).toFixed(3)} ms  p99 ${pct(ms, 99).toFixed(3)} ms  (n=${ms.length})`)

// Event bus: one at a time, so each figure is one trip (A's emit → Redis → B's subscriber).
const bus: number[] = []
let arrived: (() => void) | undefined
b.events.subscribe(() => arrived?.())
for (let i = 0; i < n + 200; i++) {
  const t = performance.now()
  await new Promise<void>((r) => {
    arrived = r
    a.events.emit('agents.changed', { id: `bench-${i}` })
  })
  if (i >= 200) bus.push(performance.now() - t)
}
show('event A → subscriber on B', bus)

const claims: number[] = []
for (let i = 0; i < n; i++) {
  const t = performance.now()
  await (i % 2 ? a : b).claims.claimOnce(`schedule:bench:${i}`, 60_000)
  claims.push(performance.now() - t)
}
show('claimOnce (schedule slot)', claims)

const locks: number[] = []
for (let i = 0; i < n; i++) {
  const t = performance.now()
  await a.locks.run('bench', async () => undefined)
  locks.push(performance.now() - t)
}
show('lock run (acquire+release)', locks)
await Promise.all([a.close(), b.close()])
