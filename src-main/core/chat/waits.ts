import { newId } from '../util/ids'
import type { WaitRelay } from '../coordination/types'
import { localWaits } from '../coordination/memory'

export const DEFAULT_WAIT_MS = 300_000

export type WaitOutcome = { status: 'answered'; data: unknown } | { status: 'timeout' } | { status: 'cancelled' }

interface Pending {
  resolve(outcome: WaitOutcome): void
  timer: NodeJS.Timeout
}

/**
 * Turns that pause for someone: a person's input, a client function's answer, the avatar
 * finishing its speech. Whoever answers only needs the wait id, over any transport.
 */
export class WaitRegistry {
  private readonly pending = new Map<string, Pending>()

  /** `relay`: where answers meant for another process's waits go, and this process's come from. */
  constructor(private readonly relay: WaitRelay = localWaits) {
    relay.onAnswer((waitId, data) => void this.answer(waitId, data))
  }

  /** Creates a wait; `start` runs with its id (to send it out) before the wait begins. */
  /** `id`: a caller that must be reachable under a name it knows (the scheduler's stop of a run) picks it. */
  wait(opts: { id?: string; timeoutMs?: number; signal?: AbortSignal; start: (waitId: string) => void }): Promise<WaitOutcome> {
    const waitId = opts.id ?? `wait_${newId()}`
    return new Promise<WaitOutcome>((resolve) => {
      const finish = (outcome: WaitOutcome) => {
        const p = this.pending.get(waitId)
        if (!p) return
        clearTimeout(p.timer)
        this.pending.delete(waitId)
        this.relay.release(waitId)
        opts.signal?.removeEventListener('abort', onAbort)
        resolve(outcome)
      }
      const onAbort = () => finish({ status: 'cancelled' })
      const timeoutMs = opts.timeoutMs ?? DEFAULT_WAIT_MS
      const timer = setTimeout(() => finish({ status: 'timeout' }), timeoutMs)
      this.pending.set(waitId, { resolve: finish, timer })
      this.relay.hold(waitId, timeoutMs)
      if (opts.signal?.aborted) return finish({ status: 'cancelled' })
      opts.signal?.addEventListener('abort', onAbort, { once: true })
      opts.start(waitId)
    })
  }

  /** Delivers an answer; false when no turn waits under that id (expired or never existed). */
  answer(waitId: string, data: unknown): boolean {
    const p = this.pending.get(waitId)
    if (!p) return false
    p.resolve({ status: 'answered', data })
    return true
  }

  /** Delivers an answer here or to the process holding the wait; false when no process waits under that id. */
  async answerAnywhere(waitId: string, data: unknown): Promise<boolean> {
    return this.answer(waitId, data) || this.relay.answer(waitId, data)
  }

  /** Ends a wait early as cancelled (its client went away). */
  cancel(waitId: string): void {
    this.pending.get(waitId)?.resolve({ status: 'cancelled' })
  }

  get size(): number {
    return this.pending.size
  }

  cancelAll(): void {
    for (const p of [...this.pending.values()]) p.resolve({ status: 'cancelled' })
  }
}
