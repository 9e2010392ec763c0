import { randomUUID } from 'node:crypto'
import { Redis, type RedisOptions } from 'ioredis'
import type { StudioEventName } from '../../contract/api'
import { log } from '../../base/log'
import { StudioEvents } from '../events'
import { KeyedMutex } from '../../base/keyed-mutex'
import { LockTimeout, type Claims, type Coordination, type KeyedLock, type LockOptions, type WaitRelay, type ClientDirectory, type ClientInfo } from './types'

export interface RedisCoordinationOptions {
  /** redis://[user:pass@]host:port[/db] */
  url: string
  /** Put before every key and channel, so several deployments (or test runs) can share one Redis. Default `agenta:`. */
  prefix?: string
}

/** Deletes / extends the key only while it still holds our token: a lock that expired and was taken by another process stays theirs. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`

const DEFAULT_LEASE_MS = 30_000
const DEFAULT_WAIT_MS = 60_000

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * A connection that keeps reconnecting. Commands fail soon while Redis is away (instead of
 * queueing for ever), unless `queue`: for subscribers and for the Socket.IO adapter, whose
 * fire-and-forget commands would otherwise reject unhandled (and end the process) during an outage.
 */
export function redisConnection(url: string, mode: 'fail-fast' | 'queue' = 'fail-fast'): Redis {
  const options: RedisOptions = {
    maxRetriesPerRequest: mode === 'queue' ? null : 2,
    connectTimeout: 5_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000)
  }
  const client = new Redis(url, options)
  let down = false
  // Without a listener ioredis prints every failed reconnect; one line per outage is enough.
  client.on('error', (err) => {
    if (down) return
    down = true
    log.warn({ err }, 'redis connection lost; reconnecting')
  })
  client.on('ready', () => {
    if (down) log.info('redis connection back')
    down = false
  })
  return client
}

/** The pub/sub commands the Socket.IO Redis adapter sends without awaiting or catching them. */
const FIRED_COMMANDS = new Set(['publish', 'spublish', 'subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe'])

/**
 * A connection for the Socket.IO Redis adapter. The adapter fires publish/subscribe and never
 * handles their promises, so a command failed by a lost or closing connection would be an
 * unhandled rejection, which ends a Node process: here each is logged instead (the adapter still
 * gets the promise it awaits, where it does).
 */
function adapterConnection(c: Redis): Redis {
  return new Proxy(c, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown
      if (typeof value !== 'function' || typeof prop !== 'string' || !FIRED_COMMANDS.has(prop.toLowerCase())) return value
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(target, args)
        if (result instanceof Promise) result.catch((err: unknown) => log.debug({ err, command: prop }, 'socket.io redis adapter command failed'))
        return result
      }
    }
  })
}

/** Closes a connection: politely when it is up, at once when it is not (a QUIT would wait for Redis to come back). */
export async function closeConnection(c: Redis): Promise<void> {
  if (c.status !== 'ready') return c.disconnect()
  await c.quit().catch(() => c.disconnect())
}

/**
 * The studio events over Redis pub/sub: this process's subscribers get an event at once (also while
 * Redis is away), the others' through one channel. Events from this process that come back on the
 * channel are dropped by their origin id.
 */
export class RedisStudioEvents extends StudioEvents {
  private readonly origin = randomUUID()
  private readonly ready: Promise<unknown>

  constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly channel: string
  ) {
    super()
    sub.on('message', (ch: string, text: string) => {
      if (ch !== channel) return
      try {
        const m = JSON.parse(text) as { o: string; n: StudioEventName; p: never }
        if (m.o !== this.origin) super.emit(m.n, m.p)
      } catch (err) {
        log.warn({ err, channel }, 'studio event from redis dropped')
      }
    })
    this.ready = sub.subscribe(channel).catch((err) => log.error({ err, channel }, 'studio events: redis subscribe failed'))
  }

  /** Resolves once the channel is subscribed (events published before that are not seen here). */
  subscribed(): Promise<unknown> {
    return this.ready
  }

  override emit(name: StudioEventName, payload: unknown): void {
    super.emit(name, payload as never)
    this.pub.publish(this.channel, JSON.stringify({ o: this.origin, n: name, p: payload })).catch((err) => {
      log.warn({ err, event: name }, 'studio event not sent to the other processes')
    })
  }
}

/** Claims with `SET key 1 NX PX ttl`: the first writer wins until the key expires. */
export class RedisClaims implements Claims {
  constructor(
    private readonly client: Redis,
    private readonly prefix: string
  ) {}

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    return (await this.client.set(`${this.prefix}claim:${key}`, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK'
  }
}

/**
 * A lock per key across processes: `SET key token NX PX lease`, renewed while the task runs, freed
 * by a script that checks the token. Tasks of this process queue locally first, so only one of
 * them polls Redis for a key. A holder that dies loses the lock when its lease runs out.
 */
export class RedisLock implements KeyedLock {
  private readonly local = new KeyedMutex()

  constructor(
    private readonly client: Redis,
    private readonly prefix: string
  ) {}

  run<T>(key: string, task: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
    // A try (`waitMs: 0`) does not queue behind this process's own holder either.
    return this.local.run(key, () => this.hold(key, task, opts), { waitMs: opts.waitMs === 0 ? 0 : undefined })
  }

  private async hold<T>(key: string, task: () => Promise<T>, opts: LockOptions): Promise<T> {
    const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS
    const waitMs = opts.waitMs ?? DEFAULT_WAIT_MS
    const redisKey = `${this.prefix}lock:${key}`
    const token = randomUUID()
    const deadline = Date.now() + waitMs
    for (let attempt = 0; ; attempt++) {
      if ((await this.client.set(redisKey, token, 'PX', leaseMs, 'NX')) === 'OK') break
      if (Date.now() >= deadline) throw new LockTimeout(key, waitMs)
      // Backs off to 500 ms, with jitter so waiting processes do not ask in step.
      await sleep(Math.min(25 * 2 ** Math.min(attempt, 5), 500) * (0.5 + Math.random() / 2))
    }
    const renew = setInterval(
      () => {
        this.client.eval(RENEW, 1, redisKey, token, String(leaseMs)).then(
          (kept) => {
            if (kept !== 1) log.warn({ key }, 'lock lease lost while its task was running')
          },
          (err) => log.warn({ err, key }, 'lock lease not renewed')
        )
      },
      Math.max(1, Math.floor(leaseMs / 3))
    )
    renew.unref()
    try {
      return await task()
    } finally {
      clearInterval(renew)
      // A release that fails leaves the key to expire with its lease.
      await this.client.eval(RELEASE, 1, redisKey, token).catch((err) => log.warn({ err, key }, 'lock not released; it expires with its lease'))
    }
  }
}

/**
 * Waits across processes: `<prefix>wait:<id>` names the holding process (expiring with the wait);
 * an answer for it is published on `<prefix>waits` addressed to that process.
 */
export class RedisWaitRelay implements WaitRelay {
  private readonly origin = randomUUID()
  private handler: ((waitId: string, data: unknown) => void) | undefined

  constructor(
    private readonly client: Redis,
    private readonly sub: Redis,
    private readonly prefix: string
  ) {
    const channel = `${prefix}waits`
    sub.on('message', (ch: string, text: string) => {
      if (ch !== channel) return
      try {
        const m = JSON.parse(text) as { to: string; waitId: string; data: unknown }
        if (m.to === this.origin) this.handler?.(m.waitId, m.data)
      } catch (err) {
        log.warn({ err, channel }, 'wait answer from redis dropped')
      }
    })
    sub.subscribe(channel).catch((err) => log.error({ err, channel }, 'wait answers: redis subscribe failed'))
  }

  hold(waitId: string, ttlMs: number): void {
    // A wait without a finite timeout is still bounded here: the key must not outlive a dead process for ever.
    const px = Number.isFinite(ttlMs) ? Math.max(1, Math.ceil(ttlMs) + 5_000) : 24 * 3600_000
    this.client
      .set(`${this.prefix}wait:${waitId}`, this.origin, 'PX', px)
      .catch((err) => log.warn({ err, waitId }, 'wait not announced to the other processes'))
  }

  release(waitId: string): void {
    this.client.del(`${this.prefix}wait:${waitId}`).catch((err) => log.warn({ err, waitId }, 'wait not withdrawn; it expires with its timeout'))
  }

  async answer(waitId: string, data: unknown): Promise<boolean> {
    const holder = await this.client.get(`${this.prefix}wait:${waitId}`)
    if (!holder || holder === this.origin) return false
    return (await this.client.publish(`${this.prefix}waits`, JSON.stringify({ to: holder, waitId, data }))) > 0
  }

  onAnswer(fn: (waitId: string, data: unknown) => void): () => void {
    this.handler = fn
    return () => {
      if (this.handler === fn) this.handler = undefined
    }
  }
}

/**
 * Control-socket clients across processes: `<prefix>client:<id>` holds the holder's id and what
 * the client offers; events for it and news of it leaving go over `<prefix>clients`.
 */
export class RedisClientDirectory implements ClientDirectory {
  private readonly origin = randomUUID()
  private readonly channel: string
  private handlers: Parameters<ClientDirectory['listen']>[0] | undefined

  constructor(
    private readonly client: Redis,
    sub: Redis,
    private readonly prefix: string
  ) {
    const channel = (this.channel = `${prefix}clients`)
    sub.on('message', (ch: string, text: string) => {
      if (ch !== channel) return
      try {
        const m = JSON.parse(text) as { to?: string; from?: string; gone?: string; clientId: string; event: string; payload: unknown }
        if (m.gone) {
          if (m.from !== this.origin) this.handlers?.gone(m.gone)
        } else if (m.to === this.origin) this.handlers?.send(m.clientId, m.event, m.payload)
      } catch (err) {
        log.warn({ err, channel }, 'client message from redis dropped')
      }
    })
    sub.subscribe(channel).catch((err) => log.error({ err, channel }, 'clients: redis subscribe failed'))
  }

  private key = (id: string) => `${this.prefix}client:${id}`

  announce(clientId: string, info: ClientInfo): void {
    // Bounded: a process killed without withdrawing must not leave its clients listed for ever.
    this.client
      .set(this.key(clientId), JSON.stringify({ origin: this.origin, ...info }), 'PX', 24 * 3600_000)
      .catch((err) => log.warn({ err, clientId }, 'client not announced to the other processes'))
  }

  withdraw(clientId: string): void {
    this.client.del(this.key(clientId)).catch((err) => log.warn({ err, clientId }, 'client not withdrawn from the other processes'))
    this.client
      .publish(this.channel, JSON.stringify({ gone: clientId, from: this.origin }))
      .catch((err) => log.warn({ err, clientId }, 'client departure not announced'))
  }

  async lookup(clientId: string): Promise<ClientInfo | undefined> {
    const text = await this.client.get(this.key(clientId))
    if (!text) return undefined
    const { origin, ...info } = JSON.parse(text) as ClientInfo & { origin: string }
    return origin === this.origin ? undefined : info
  }

  send(clientId: string, event: string, payload: unknown): void {
    void this.client
      .get(this.key(clientId))
      .then(async (text) => {
        const to = text && (JSON.parse(text) as { origin: string }).origin
        if (!to) return log.warn({ clientId, event }, 'client left before the message reached it')
        await this.client.publish(this.channel, JSON.stringify({ to, clientId, event, payload }))
      })
      .catch((err) => log.warn({ err, clientId, event }, 'message to a client on another process not sent'))
  }

  listen(handlers: Parameters<ClientDirectory['listen']>[0]): () => void {
    this.handlers = handlers
    return () => {
      if (this.handlers === handlers) this.handlers = undefined
    }
  }
}

/** Coordination for a team server: several `agenta serve` processes on one Redis. */
export function redisCoordination(opts: RedisCoordinationOptions): Coordination & { events: RedisStudioEvents } {
  const prefix = opts.prefix ?? 'agenta:'
  const client = redisConnection(opts.url)
  const sub = redisConnection(opts.url, 'queue')
  const events = new RedisStudioEvents(client, sub, `${prefix}events`)
  let closed: Promise<void> | undefined
  return {
    kind: 'redis',
    events,
    locks: new RedisLock(client, prefix),
    claims: new RedisClaims(client, prefix),
    waits: new RedisWaitRelay(client, sub, prefix),
    clients: new RedisClientDirectory(client, sub, prefix),
    // Connections for the Socket.IO adapter (server/index.ts), which fires commands without handling them.
    redis: { connect: () => adapterConnection(redisConnection(opts.url, 'queue')), close: closeConnection, prefix },
    async ping() {
      await client.ping()
    },
    close() {
      closed ??= Promise.all([client, sub].map(closeConnection)).then(() => undefined)
      return closed
    }
  }
}
