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
 * end go over one connection in order, so a reader that sees the end has every frame.
 */
export function redisRecordings(redis: NonNullable<Coordination['redis']>): SharedRecordings {
  const client: Redis = redis.connect()
  const key = (id: string) => `${redis.prefix}idem:${id}`
  const ttls = new Map<string, number>()
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
      client
        .set(`${key(id)}:end`, JSON.stringify({ answer: answer ?? null }), 'PX', ttls.get(id) ?? 3600_000)
        .catch(failed(id))
        .finally(() => ttls.delete(id))
    },
    release(id) {
      ttls.delete(id)
      client.del(key(id), `${key(id)}:frames`, `${key(id)}:end`).catch(failed(id))
    },
    async read(id, from) {
      // The end first: once it is there, every frame before it is in the list too.
      const end = await client.get(`${key(id)}:end`)
      if (end === null && !(await client.exists(key(id)))) return null
      const frames = (await client.lrange(`${key(id)}:frames`, from, -1)).map((f) => JSON.parse(f) as unknown)
      if (end === null) return { frames, ended: false }
      const { answer } = JSON.parse(end) as { answer: JsonAnswer | null }
      return { frames, ended: true, answer: answer ?? undefined }
    },
    close: () => redis.close(client)
  }
}
