import { log } from '../base/log'

/**
 * Shutdown runs in this order, so nothing closes under work that still needs it: stop taking
 * requests, let running turns and scheduled runs finish (then stop them), stop the background
 * workers, close the MCP children, close the vector store and the database.
 */
export type ShutdownPhase = 'requests' | 'turns' | 'workers' | 'mcp' | 'store'

export interface ShutdownOptions {
  /** How long turns and scheduled runs under way may go on once shutdown begins; then they are stopped (their answer so far is kept). 0 stops them at once. */
  graceMs: number
}

export const defaultShutdownOptions: ShutdownOptions = { graceMs: 5_000 }

/** Runs the phases in order, logging each with its duration; `current` names the one under way (a host's deadline reports it). */
export class PhasedShutdown {
  current: ShutdownPhase | null = null

  async run(phases: Array<[ShutdownPhase, Array<() => unknown>]>): Promise<void> {
    const began = performance.now()
    for (const [phase, steps] of phases) {
      this.current = phase
      const started = performance.now()
      // The steps of one phase are independent: one failing must not keep the others (or the next phase) from running.
      const results = await Promise.allSettled(steps.map(async (step) => step()))
      for (const r of results) if (r.status === 'rejected') log.error({ err: r.reason, phase }, 'error while shutting down')
      log.info({ phase, ms: Math.round(performance.now() - started) }, 'shutdown phase done')
    }
    this.current = null
    log.info({ ms: Math.round(performance.now() - began) }, 'shutdown complete')
  }
}

/** Waits for `work` at most `ms`; true when it was done in time. */
export async function doneWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)))
  try {
    return await Promise.race([work.then(() => true), late])
  } finally {
    clearTimeout(timer)
  }
}
