import type { Redis } from 'ioredis'
import { AppError } from '../../contract/errors'
import type { Coordination } from '../../core/coordination'
import { log } from '../../base/log'
import type { JsonAnswer, SharedRecordings } from './idempotency'

/** Longest a claim waits for Redis before the request is refused (the connection queues while Redis is away). */
const CLAIM_TIMEOUT_MS = 5_000

/**
 * /v1's Idempotency-Key recordings across a team server's processes, in Redis:
 * `<prefix>idem:<id>` = the claimer's body fingerprint (SET NX), `…:frames` the recorded frames
 * (a list), `…:end` the final answer once there. All expire with the key's TTL. Frames and the
 * end go over one connection in order, so a reader that sees the end has every frame. While the
 * turn runs, `…:alive` is renewed every `aliveMs`/3: a process killed mid-turn lets it lapse, and
 * a retry waiting elsewhere gets "ended without an answer" instead of waiting out the hour.
 */
export function redisRecordings(redis: NonNullable<Coordination['redis']>, opts: { aliveMs?: number } = {}): SharedRecordings {
  const aliveMs = opts.aliveMs ?? 15_000
  const client: Redis = redis.connect()
  const key = (id: string) => `${redis.prefix}idem:${id}`
  const ttls = new Map<string, number>()
  const beats = new Map<string, NodeJS.Timeout>()
  const beat = (id: string) => client.set(`${key(id)}:alive`, '1', 'PX', aliveMs).catch(failed(id))
  const stopBeat = (id: string) => {
    clearInterval(beats.get(id))
    beats.delete(id)
  }
  const failed = (id: string) => (err: unknown) => log.warn({ err, id }, 'idempotency recording not shared with the other processes')

  return {
    async claim(id, fingerprint, ttlMs) {
      const px = Math.max(1, Math.ceil(ttlMs))
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new AppError('unavailable', 'The coordination service (Redis) is not answering; try again in a moment', { engine: 'redis' })),
          CLAIM_TIMEOUT_MS
        )
      })
      try {
        const ask = async () => {
          if ((await client.set(key(id), fingerprint, 'PX', px, 'NX')) === 'OK') {
            ttls.set(id, px)
            await beat(id)
            const timer = setInterval(() => void beat(id), Math.max(1, Math.floor(aliveMs / 3)))
            timer.unref()
            beats.set(id, timer)
            return { first: true as const }
          }
          return { first: false as const, fingerprint: (await client.get(key(id))) ?? '' }
        }
        return await Promise.race([ask(), timeout])
      } finally {
        clearTimeout(timer)
      }
    },
    frame(id, f) {
      const k = `${key(id)}:frames`
      client.rpush(k, JSON.stringify(f)).catch(failed(id))
      client.pexpire(k, ttls.get(id) ?? 3600_000).catch(failed(id))
    },
    end(id, answer) {
      stopBeat(id)
      client
        .set(`${key(id)}:end`, JSON.stringify({ answer: answer ?? null }), 'PX', ttls.get(id) ?? 3600_000)
        .catch(failed(id))
        .finally(() => ttls.delete(id))
    },
    release(id) {
      stopBeat(id)
      ttls.delete(id)
      client.del(key(id), `${key(id)}:frames`, `${key(id)}:end`, `${key(id)}:alive`).catch(failed(id))
    },
    async read(id, from) {
      // The end first: once it is there, every frame before it is in the list too.
      const end = await client.get(`${key(id)}:end`)
      if (end === null && !(await client.exists(key(id)))) return null
      const alive = end === null ? await client.exists(`${key(id)}:alive`) : 1
      const frames = (await client.lrange(`${key(id)}:frames`, from, -1)).map((f) => JSON.parse(f) as unknown)
      // The process running the turn is gone (its heartbeat lapsed): what it sent is all there will be.
      if (end === null) return alive ? { frames, ended: false } : { frames, ended: true }
      const { answer } = JSON.parse(end) as { answer: JsonAnswer | null }
      return { frames, ended: true, answer: answer ?? undefined }
    },
    async close() {
      for (const id of [...beats.keys()]) stopBeat(id)
      await redis.close(client)
    }
  }
}
