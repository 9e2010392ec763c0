import { StudioEvents } from '../events'
import { KeyedMutex } from '../../base/keyed-mutex'
import type { Claims, ClientDirectory, Coordination, WaitRelay } from './types'

/** Claims of one process: a key is taken until its time is up. */
export class MemoryClaims implements Claims {
  private readonly until = new Map<string, number>()

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    const now = Date.now()
    if (this.until.size > 1000) for (const [k, t] of this.until) if (t <= now) this.until.delete(k)
    const held = this.until.get(key)
    if (held !== undefined && held > now) return false
    this.until.set(key, now + ttlMs)
    return true
  }
}

/** One process: every wait is local, so there is never another holder to relay to. */
export const localWaits: WaitRelay = {
  hold: () => undefined,
  release: () => undefined,
  answer: async () => false,
  onAnswer: () => () => undefined
}

/** One process: every client is connected here. */
export const localClients: ClientDirectory = {
  announce: () => undefined,
  withdraw: () => undefined,
  lookup: async () => undefined,
  send: () => undefined,
  listen: () => () => undefined
}

/**
 * One process alone (the desktop, a single `agenta serve`): the studio events are an in-process
 * emitter, locks the per-key task queue the core already used, claims a map. No lease is needed:
 * when the process dies, its locks die with it.
 */
export function memoryCoordination(): Coordination {
  return {
    kind: 'memory',
    events: new StudioEvents(),
    locks: new KeyedMutex(),
    claims: new MemoryClaims(),
    waits: localWaits,
    clients: localClients,
    ping: async () => undefined,
    close: async () => undefined
  }
}
