export interface MaintenanceOptions {
  /** Quiet time after the last write before pending rows are folded into the indexes. */
  idleMs: number
  /** Upper bound on waiting while writes keep coming. */
  maxWaitMs: number
  /** Fold in at once when this many rows are pending, whatever the timers say. */
  maxPendingRows: number
  onError: (collection: string, err: unknown) => void
}

/**
 * Decides when a collection's index maintenance runs: batched after writes go quiet (or after a
 * bound, or a row count), never per write, because LanceDB's optimize costs as much for one
 * changed row as for many (5.6 s at 100k rows, 51 s at 1M). The waits grow with the measured cost
 * so that maintenance stays a small share of the time on big collections.
 */
export class MaintenanceScheduler {
  private readonly state = new Map<string, { rows: number; firstAt: number; timer?: NodeJS.Timeout }>()
  private readonly lastCostMs = new Map<string, number>()
  private stopped = false

  constructor(
    private readonly run: (collection: string) => Promise<void>,
    private readonly opts: MaintenanceOptions
  ) {}

  noteWrite(collection: string, rows: number): void {
    if (this.stopped) return
    const now = Date.now()
    const entry = this.state.get(collection) ?? { rows: 0, firstAt: now }
    entry.rows += Math.max(1, rows)
    this.state.set(collection, entry)
    if (entry.timer) clearTimeout(entry.timer)
    const cost = this.lastCostMs.get(collection) ?? 0
    const idle = Math.max(this.opts.idleMs, 10 * cost)
    const deadline = entry.firstAt + Math.max(this.opts.maxWaitMs, 20 * cost)
    const delay = entry.rows >= this.opts.maxPendingRows ? 0 : Math.max(0, Math.min(idle, deadline - now))
    entry.timer = setTimeout(() => this.fire(collection), delay)
    // Pending maintenance must not keep a CLI or a test process alive; close() cancels it anyway.
    entry.timer.unref()
  }

  /** Called after every optimize, scheduled or explicit: nothing is pending any more. */
  done(collection: string, costMs: number): void {
    this.cancel(collection)
    this.lastCostMs.set(collection, costMs)
  }

  cancel(collection: string): void {
    const entry = this.state.get(collection)
    if (entry?.timer) clearTimeout(entry.timer)
    this.state.delete(collection)
  }

  pendingRows(collection: string): number {
    return this.state.get(collection)?.rows ?? 0
  }

  stop(): void {
    this.stopped = true
    for (const collection of [...this.state.keys()]) this.cancel(collection)
  }

  private fire(collection: string): void {
    if (this.stopped) return
    this.run(collection).catch((err: unknown) => this.opts.onError(collection, err))
  }
}
