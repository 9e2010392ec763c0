import type { IngestionProgress } from '../../../contract/knowledge'
import type { StudioEvents } from '../../events'
import type { DocumentsRepo } from '../../../store/repos/documents'
import { log } from '../../../base/log'

interface Run {
  startedAt: number
  done: number
  failed: number
  bytesDone: number
  chunks: number
}

/**
 * Ingestion progress per knowledge base, pushed as `knowledge.progress` at most every
 * `intervalMs`, with the documents that changed as `knowledge.documents`. A run starts when a
 * knowledge base gets work and ends when nothing is left; counts of what remains come from the
 * store, so they are right after a restart too.
 */
export class ProgressTracker {
  private readonly runs = new Map<string, Run>()
  private readonly changed = new Map<string, Set<string>>()
  private readonly reembeds = new Map<string, NonNullable<IngestionProgress['reembed']>>()
  private timer: NodeJS.Timeout | undefined
  private emitting: Promise<void> = Promise.resolve()

  constructor(
    private readonly docs: DocumentsRepo,
    private readonly events: StudioEvents,
    private readonly intervalMs: number
  ) {}

  private run(kbId: string): Run {
    let r = this.runs.get(kbId)
    if (!r) {
      r = { startedAt: Date.now(), done: 0, failed: 0, bytesDone: 0, chunks: 0 }
      this.runs.set(kbId, r)
    }
    return r
  }

  touch(kbId: string, docIds: string[] = []): void {
    this.run(kbId)
    let set = this.changed.get(kbId)
    if (!set) this.changed.set(kbId, (set = new Set()))
    for (const id of docIds) set.add(id)
    this.schedule()
  }

  docFinished(kbId: string, docId: string, bytes: number, failed: boolean): void {
    const r = this.run(kbId)
    if (failed) r.failed++
    else r.bytesDone += bytes
    r.done++
    this.touch(kbId, [docId])
  }

  chunksWritten(kbId: string, n: number): void {
    this.run(kbId).chunks += n
    this.schedule()
  }

  setReembed(kbId: string, state: IngestionProgress['reembed']): void {
    if (state) this.reembeds.set(kbId, state)
    else this.reembeds.delete(kbId)
    this.touch(kbId)
  }

  reembedOf(kbId: string) {
    return this.reembeds.get(kbId) ?? null
  }

  /** The progress now (also for the status endpoint). */
  async snapshot(kbId: string): Promise<IngestionProgress> {
    const pending = await this.docs.pending(kbId)
    const r = this.runs.get(kbId)
    const reembed = this.reembeds.get(kbId) ?? null
    const elapsed = r ? Date.now() - r.startedAt : 0
    const rate = r && elapsed > 0 && r.bytesDone > 0 ? r.bytesDone / elapsed : 0
    return {
      kbId,
      running: pending.docs > 0 || reembed !== null,
      documentsDone: r?.done ?? 0,
      documentsTotal: (r?.done ?? 0) + pending.docs,
      documentsFailed: r?.failed ?? 0,
      chunks: r?.chunks ?? 0,
      bytesDone: r?.bytesDone ?? 0,
      bytesTotal: (r?.bytesDone ?? 0) + pending.bytes,
      etaMs: pending.docs === 0 ? 0 : rate > 0 ? Math.round(pending.bytes / rate) : null,
      reembed
    }
  }

  private schedule(): void {
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.emitting = this.emitting.then(() => this.emitAll()).catch((err) => log.warn({ err }, 'knowledge progress event failed'))
    }, this.intervalMs)
    this.timer.unref()
  }

  /** Sends what is pending now (tests and the end of a batch don't wait for the timer). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
    this.emitting = this.emitting.then(() => this.emitAll()).catch((err) => log.warn({ err }, 'knowledge progress event failed'))
    await this.emitting
  }

  private async emitAll(): Promise<void> {
    const kbs = new Set([...this.runs.keys(), ...this.changed.keys()])
    for (const kbId of kbs) {
      const docIds = this.changed.get(kbId)
      this.changed.delete(kbId)
      if (docIds?.size) this.events.emit('knowledge.documents', { kbId, docIds: [...docIds] })
      const snap = await this.snapshot(kbId).catch(() => null)
      if (!snap) continue
      this.events.emit('knowledge.progress', snap)
      if (!snap.running) this.runs.delete(kbId)
    }
  }

  forget(kbId: string): void {
    this.runs.delete(kbId)
    this.changed.delete(kbId)
    this.reembeds.delete(kbId)
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }
}
