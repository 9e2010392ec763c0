import type { Redis } from 'ioredis'
import type { StudioEvents } from '../events'

/**
 * What a runtime shares with the other processes of a team server. The desktop runs alone and gets
 * the in-memory defaults (`memory.ts`); `agenta serve --redis` gets the Redis ones (`redis.ts`).
 * Kept small on purpose: each piece is what one caller needs, so an engine can be swapped per piece.
 */
export interface Coordination {
  kind: 'memory' | 'redis'
  /**
   * The studio events, across processes: `emit` reaches this process's subscribers at once and the
   * other processes' through the engine. It is a `StudioEvents`, so services need not know.
   */
  events: StudioEvents
  /** One holder per key across processes. */
  locks: KeyedLock
  /** A schedule slot or a job taken once across processes. */
  claims: Claims
  /** Answers to waits (a person's input, a client function) that reach a process other than the turn's. */
  waits: WaitRelay
  /** Control-socket clients connected to any process: what they offer, and sending to them. */
  clients: ClientDirectory
  /** Resolves when the engine answers, rejects with its error when it does not (`/readyz`). */
  ping(): Promise<void>
  /** Redis for hosts that build on it (the Socket.IO adapter): new connections and the key prefix; absent in memory. */
  redis?: { connect(): Redis; close(connection: Redis): Promise<void>; prefix: string }
  /** Stops listening and closes connections; the runtime calls it last when it closes. */
  close(): Promise<void>
}

export interface LockOptions {
  /**
   * How long the lock outlives a holder that stopped renewing it (a killed process). The holder
   * renews it every third of that while its task runs. Default 30 s.
   */
  leaseMs?: number
  /**
   * Give up waiting for the lock after this long (rejects with LockTimeout). Default 60 s; 0 only
   * tries (the in-memory lock honours 0 alone: its holders are all in this process).
   */
  waitMs?: number
}

export interface KeyedLock {
  /** Runs the task while holding the key's lock; tasks on one key run one after another. */
  run<T>(key: string, task: () => Promise<T>, opts?: LockOptions): Promise<T>
}

export interface Claims {
  /**
   * True for the first caller of a key across processes, false for every later one until `ttlMs`
   * passes (the claim is forgotten then: pick keys that are never claimed again, like a slot time).
   */
  claimOnce(key: string, ttlMs: number): Promise<boolean>
}

/**
 * A turn waits in the process that runs it; its answer may arrive at another one (a load balancer
 * sent the POST, or the client's socket, elsewhere). The holder announces its waits; an answer it
 * cannot use locally goes to the holder.
 */
export interface WaitRelay {
  /** This process waits under the id (for at most ttlMs). */
  hold(waitId: string, ttlMs: number): void
  /** The wait ended here (answered, timed out, cancelled). */
  release(waitId: string): void
  /** Sends an answer to the process holding the wait; false when no process holds it. */
  answer(waitId: string, data: unknown): Promise<boolean>
  /** Where answers from other processes for this process's waits go (the chat's wait registry). */
  onAnswer(fn: (waitId: string, data: unknown) => void): () => void
}

/** What a control-socket client offers (its `systemdata`), as the other processes see it. */
export interface ClientInfo {
  functions: Array<{ name: string; description: string; parameters?: Record<string, unknown> }>
  pageModule?: unknown
}

/**
 * Chat clients of the control socket are connected to one process; a chat may run on another
 * (`socket_id` in a /chat-message that a load balancer sent elsewhere).
 */
export interface ClientDirectory {
  /** A client connected here, or changed what it offers. */
  announce(clientId: string, info: ClientInfo): void
  /** A client connected here went away. */
  withdraw(clientId: string): void
  /** A client connected to another process; undefined when none holds it. */
  lookup(clientId: string): Promise<ClientInfo | undefined>
  /** Sends an event to a client connected to another process. */
  send(clientId: string, event: string, payload: unknown): void
  /** Where events for this process's clients arrive, and news of other processes' clients leaving. */
  listen(handlers: { send(clientId: string, event: string, payload: unknown): void; gone(clientId: string): void }): () => void
}

/** Part of the lock interface above; defined with the in-memory mutex in the base layer. */
export { LockTimeout } from '../../base/keyed-mutex'
