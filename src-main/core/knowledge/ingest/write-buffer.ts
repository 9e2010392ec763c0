import type { VectorRow, VectorStore } from '../../../vector'
import { KeyedMutex } from '../../../base/keyed-mutex'

/** How far a document's rows got into one flush. */
export interface DocMark {
  docId: string
  kbId: string
  gen: number
  /** Chunks [0, upto) of this version are in the rows handed over so far. */
  upto: number
  /** The last chunk of the version is among them. */
  complete: boolean
  /** Rows handed over (summed across adds until the write). */
  rows: number
  /**
   * No row of this version can be in the store yet (chunked by this process, after any earlier
   * attempt's rows were deleted), so a plain insert is safe. Resumed work is written by upsert,
   * which rewrites rows a crash left behind after their write but before their progress was saved.
   */
  fresh: boolean
}

export interface WriteBufferOptions {
  /** Rows held per collection before they are written (memory bound and write size). */
  maxRows: number
  /** Quiet time after which a partly filled buffer is written anyway. */
  idleMs: number
}

interface Pending {
  rows: VectorRow[]
  marks: Map<string, DocMark>
  timer?: NodeJS.Timeout
}

/**
 * Collects chunk rows of many documents and writes them to the vector store in large batches.
 * LanceDB makes a new table version and fragment per write, so one write per small document
 * would be slow and leave thousands of fragments; batches of a few thousand rows keep ingestion
 * near the store's raw write speed. `add` waits while a full buffer is written (backpressure),
 * so memory stays bounded whatever the queue holds.
 */
export class WriteBuffer {
  private readonly pending = new Map<string, Pending>()
  private readonly lock = new KeyedMutex()
  /** Writes started and not finished, per collection. */
  private readonly queued = new Map<string, number>()

  constructor(
    private readonly vector: VectorStore,
    private readonly hooks: {
      /** After a write: record progress (the rows are durable now). */
      flushed(collection: string, marks: DocMark[]): Promise<void>
      /** A write failed: these documents go back to their last recorded progress. */
      failed(collection: string, marks: DocMark[], err: unknown): Promise<void>
    },
    private readonly opts: WriteBufferOptions
  ) {}

  async add(collection: string, rows: VectorRow[], mark: DocMark): Promise<void> {
    let p = this.pending.get(collection)
    if (p && p.rows.length + rows.length > this.opts.maxRows) {
      await this.handOff(collection)
      p = this.pending.get(collection)
    }
    if (!p) {
      p = { rows: [], marks: new Map() }
      this.pending.set(collection, p)
    }
    p.rows.push(...rows)
    const key = `${mark.docId}:${mark.gen}`
    const prev = p.marks.get(key)
    p.marks.set(
      key,
      prev
        ? {
            ...mark,
            upto: Math.max(prev.upto, mark.upto),
            complete: prev.complete || mark.complete,
            rows: prev.rows + mark.rows,
            fresh: prev.fresh && mark.fresh
          }
        : mark
    )
    if (p.timer) clearTimeout(p.timer)
    p.timer = setTimeout(() => void this.flush(collection).catch(() => undefined), this.opts.idleMs)
    p.timer.unref()
    if (p.rows.length >= this.opts.maxRows) await this.handOff(collection)
  }

  /**
   * Starts writing a full buffer and lets the caller go on filling the next one, so parsing and
   * the store's write overlap. Waits only when a write is already queued behind the running one:
   * at most two buffers are ever held besides the one being filled.
   */
  private async handOff(collection: string): Promise<void> {
    const write = this.flush(collection)
    if ((this.queued.get(collection) ?? 0) > 1) await write
  }

  /** Writes what is held for the collection; resolves when it (and any write before it) is done. */
  flush(collection: string): Promise<void> {
    // Detached now, so rows added from here on go to the next write.
    const p = this.pending.get(collection)
    this.pending.delete(collection)
    if (p?.timer) clearTimeout(p.timer)
    this.queued.set(collection, (this.queued.get(collection) ?? 0) + 1)
    return this.lock.run(collection, async () => {
      try {
        if (!p) return
        const marks = [...p.marks.values()]
        try {
          // Inserts also go on while the store folds earlier rows into its index.
          if (p.rows.length && marks.every((m) => m.fresh)) await this.vector.insert(collection, p.rows)
          else if (p.rows.length) await this.vector.upsert(collection, p.rows)
        } catch (err) {
          await this.hooks.failed(collection, marks, err)
          return
        }
        await this.hooks.flushed(collection, marks)
      } finally {
        this.queued.set(collection, (this.queued.get(collection) ?? 1) - 1)
      }
    })
  }

  async flushAll(): Promise<void> {
    await Promise.all([...this.pending.keys()].map((c) => this.flush(c)))
  }

  /** Forgets rows of a deleted document that were not written yet. */
  drop(docId: string): void {
    const prefix = `${docId}:`
    for (const p of this.pending.values()) {
      p.rows = p.rows.filter((r) => !r.docId.startsWith(prefix))
      for (const key of [...p.marks.keys()]) if (key.startsWith(prefix)) p.marks.delete(key)
    }
  }

  isEmpty(): boolean {
    for (const n of this.queued.values()) if (n > 0) return false
    for (const p of this.pending.values()) if (p.marks.size || p.rows.length) return false
    return true
  }

  clearTimers(): void {
    for (const p of this.pending.values()) if (p.timer) clearTimeout(p.timer)
  }
}
