import { AppError } from '../../../contract/errors'
import type { VectorRow, VectorStore } from '../../../vector'
import { noError, versionKey, type DocumentRow, type DocumentsRepo } from '../../../store/repos/documents'
import { chunkId, type KnowledgeChunksRepo, type StoredChunk } from '../../../store/repos/knowledge-chunks'
import { chunkDocument, documentText } from '../chunk'
import type { Embedder } from '../embedder'
import { newId } from '../../util/ids'
import { Collections, type LiveCollection } from './collections'
import { readContent } from './content'
import type { ProgressTracker } from './progress'
import { WriteBuffer, type DocMark } from './write-buffer'
import { Reembedder } from './reembed'
import { sayFailure, type Said } from '../failure'
import { indexedText } from './indexed-text'
import { log } from '../../../base/log'
import { KeyedMutex } from '../../../base/keyed-mutex'
import { LockTimeout, type KeyedLock } from '../../coordination/types'

export interface IngestionOptions {
  /** Documents parsed and embedded at once. */
  docConcurrency: number
  /** Chunks per embedding call of one document (the embedder splits further by provider limits). */
  embedChunks: number
  /** Rows held before a vector write. */
  flushRows: number
  flushIdleMs: number
  /** A batch ends (index folded in, documents made ready) after this long or this many documents, or when the queue is empty. */
  batchMaxMs: number
  batchMaxDocs: number
  /** A worker's claim on a document; renewed while it works, taken over after a crash once expired. */
  leaseMs: number
  /** Attempts for failures that may pass (network, provider, store), then the document is failed. */
  maxAttempts: number
  retryBaseMs: number
  maxFileBytes: number
}

export const defaultIngestionOptions: IngestionOptions = {
  docConcurrency: 2,
  embedChunks: 64,
  flushRows: 4000,
  flushIdleMs: 500,
  batchMaxMs: 30_000,
  batchMaxDocs: 2000,
  leaseMs: 30_000,
  maxAttempts: 3,
  retryBaseMs: 2_000,
  maxFileBytes: 100 * 1_048_576
}

/** Failures that another attempt cannot fix: the file itself is bad, gone or too big. */
function isPermanent(err: unknown): boolean {
  return (
    err instanceof AppError && (err.code === 'validation_failed' || err.code === 'not_found' || err.code === 'bad_request' || err.code === 'payload_too_large')
  )
}
/** A document just chunked: its chunks in memory (resumed documents read them from the store). */
interface Fresh {
  chunks: StoredChunk[]
  gen: number
}

/** The document was taken from this worker (deleted, re-queued, re-indexed): stop quietly. */
class LostLease extends Error {}

/**
 * A failure as the document keeps it: the English message, and the same as a message code with
 * params (contract/messages.ts) that the studio says in the user's language. A wrong field (the
 * knowledge base's model is gone) is said by its field's code; anything else by `ingest_failed`.
 */
export function failureOf(err: unknown): { error: string; error_reason: string; error_params: string } {
  const said = sayFailure(err, 'ingest_failed', 'Ingestion failed')
  return { error: said.message, error_reason: said.reason, error_params: JSON.stringify(said.params) }
}

interface Active {
  kbId: string
  abort: AbortController
}

interface Awaiting {
  kbId: string
  /** docId → version written */
  docs: Map<string, number>
  since: number
  /** Failed batch ends so far (the index merge or the swap), and when the next may run. */
  attempts: number
  notBefore: number
}

/**
 * The ingestion queue. Each document row is a job whose `status` is its stage:
 * queued → parsing → chunking (chunks saved in the store) → embedding (rows written to the vector
 * collection in batches, `chunks_done` saved after each write) → indexing (all rows written,
 * waiting for the batch end) → ready (the batch end folded the rows into the index and made this
 * version the served one). A restart resumes each document at its saved stage; a version is only
 * served once it is ready, so nothing half-written is ever found.
 */
export class IngestionQueue {
  readonly owner = newId()
  readonly buffer: WriteBuffer
  private readonly active = new Map<string, Active>()
  private readonly awaiting = new Map<string, Awaiting>()
  private readonly finalizing = new Map<string, Promise<void>>()
  private readonly mergeCost = new Map<string, number>()
  /** Counters for diagnostics and the benchmark. */
  readonly stats = { merges: 0, mergeMs: 0, writes: 0, rowsWritten: 0, lastWriteAt: 0 }
  private readonly reembedder: Reembedder
  private readonly reembedding = new Map<string, Promise<void>>()
  private pumping = false
  private startedCheckAt = 0
  private pumpAgain = false
  private scheduled = false
  private closed = false
  private wake: NodeJS.Timeout | undefined
  private heartbeat: NodeJS.Timeout | undefined
  private readonly idleWaiters: Array<() => void> = []

  constructor(
    private readonly docs: DocumentsRepo,
    private readonly chunks: KnowledgeChunksRepo,
    private readonly collections: Collections,
    private readonly vector: VectorStore,
    private readonly embedder: Embedder,
    private readonly progress: ProgressTracker,
    private readonly opts: IngestionOptions,
    /** A re-embed of a knowledge base runs in one process of a team server at a time. */
    private readonly locks: KeyedLock = new KeyedMutex()
  ) {
    this.buffer = new WriteBuffer(
      vector,
      { flushed: (c, m) => this.flushed(c, m), failed: (c, m, e) => this.flushFailed(c, m, e) },
      { maxRows: opts.flushRows, idleMs: opts.flushIdleMs }
    )
    this.reembedder = new Reembedder(docs, chunks, collections, vector, embedder, progress, { embedChunks: opts.embedChunks })
  }

  start(): void {
    this.heartbeat = setInterval(
      () => {
        void this.docs.renewLeases(this.owner, Date.now() + this.opts.leaseMs).catch(() => undefined)
      },
      Math.max(200, Math.floor(this.opts.leaseMs / 3))
    )
    this.heartbeat.unref()
    this.kick()
  }

  /** Something was queued or changed: look for work soon. */
  kick(): void {
    if (this.closed || this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      void this.pump()
    })
  }

  /** Resolves once nothing is queued, in progress or waiting for a batch end (tests, the benchmark, shutdown of a CLI import). */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve)
      this.kick()
    })
  }

  reembedError(kbId: string): Said | null {
    return this.reembedder.lastError(kbId)
  }

  /** Stops work on a document that is being deleted or re-queued; its buffered rows are dropped. */
  cancel(docId: string): void {
    this.active.get(docId)?.abort.abort()
    this.buffer.drop(docId)
    for (const a of this.awaiting.values()) a.docs.delete(docId)
  }

  /** A knowledge base is being deleted: stop everything of it. */
  cancelKb(kbId: string): void {
    for (const [id, a] of this.active) if (a.kbId === kbId) this.cancel(id)
    for (const [collection, a] of this.awaiting) if (a.kbId === kbId) this.awaiting.delete(collection)
    this.reembedder.cancel(kbId)
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.wake) clearTimeout(this.wake)
    if (this.heartbeat) clearInterval(this.heartbeat)
    for (const a of this.active.values()) a.abort.abort()
    this.reembedder.cancelAll()
    // Let running documents reach a checkpoint; what is buffered is written so progress is kept.
    await this.settled()
    await this.buffer.flushAll().catch(() => undefined)
    this.buffer.clearTimers()
    await Promise.allSettled([...this.finalizing.values(), ...this.reembedding.values()])
    // Leases are released so a new process can resume at once rather than after they expire.
    await this.docs.releaseLeases(this.owner).catch(() => undefined)
  }

  private async settled(): Promise<void> {
    while (this.active.size) await new Promise((r) => setTimeout(r, 20))
  }

  // ---------- scheduling ----------

  private async pump(): Promise<void> {
    if (this.closed) return
    if (this.pumping) {
      this.pumpAgain = true
      return
    }
    this.pumping = true
    try {
      do {
        this.pumpAgain = false
        await this.fillSlots()
        this.batchEnds(false)
        if (this.active.size === 0 && !this.closed) await this.idleWork()
      } while (this.pumpAgain && !this.closed)
    } catch (err) {
      log.error({ err }, 'ingestion queue error')
    } finally {
      this.pumping = false
    }
    await this.scheduleWake()
  }

  private async fillSlots(): Promise<void> {
    let free = this.opts.docConcurrency - this.active.size
    if (free <= 0) return
    const now = Date.now()
    // Documents this worker holds are leased, which already keeps them out; the active ones are
    // named too in case a lease ran out under a stalled event loop.
    // Work that stopped midway is looked for at most once a second: during a big import that
    // query reads every document waiting for its batch end, the queued one only the first few.
    const started = now - this.startedCheckAt >= 1_000
    if (started) this.startedCheckAt = now
    const candidates = await this.docs.claimable(now, free + 8, [...this.active.keys()], started)
    for (const c of candidates) {
      if (free <= 0 || this.closed) break
      if (!(await this.docs.lease(c.id, this.owner, now, this.opts.leaseMs))) continue
      free--
      this.startDoc(c.id)
    }
  }

  private startDoc(id: string): void {
    const abort = new AbortController()
    const entry: Active = { kbId: '', abort }
    this.active.set(id, entry)
    void this.processDoc(id, entry)
      .catch((err) => log.error({ err, documentId: id }, 'document crashed the ingestion worker'))
      .finally(() => {
        this.active.delete(id)
        this.kick()
      })
  }

  /**
   * Ends batches that are big or old enough; `all` ends every batch (the queue is empty). An
   * index merge costs about as much for a few rows as for all of them, so during a long import
   * batches are spaced at ten times the last merge's cost: merging stays a small share of the time.
   */
  private batchEnds(all: boolean): Promise<void>[] {
    const now = Date.now()
    const out: Promise<void>[] = []
    for (const [collection, a] of this.awaiting) {
      if (now < a.notBefore) continue
      const spacing = 10 * (this.mergeCost.get(collection) ?? 0)
      const age = now - a.since
      if (all || (age >= spacing && (a.docs.size >= this.opts.batchMaxDocs || age >= this.opts.batchMaxMs))) out.push(this.finalize(collection))
    }
    return out
  }

  private async idleWork(): Promise<void> {
    await this.buffer.flushAll()
    await this.adoptOrphans()
    await Promise.all(this.batchEnds(true))
    await this.cleanStale()
    await this.startReembeds()
    const idle = this.active.size === 0 && this.awaiting.size === 0 && this.reembedding.size === 0 && this.buffer.isEmpty()
    if (idle) {
      if ((await this.docs.claimable(Date.now(), 1, [])).length) {
        this.pumpAgain = true
        return
      }
      // Documents waiting for a retry are still work: idle means nothing is left in the queue at all.
      if (this.idleWaiters.length && !(await this.docs.anyActive())) {
        await this.progress.flush()
        for (const resolve of this.idleWaiters.splice(0)) resolve()
      }
    }
  }

  private async scheduleWake(): Promise<void> {
    if (this.closed) return
    if (this.wake) clearTimeout(this.wake)
    let delay: number
    if (this.active.size || this.awaiting.size || this.reembedding.size) delay = 1_000
    else {
      // The database not answering (a restart) is no reason to stop looking: ask again soon.
      // Nothing due: look again after a lease anyway, so documents queued or left by another
      // process on the same database (a team server; one killed mid-document) are found.
      const due = (await this.docs.nextDue(this.owner).catch(() => Date.now() + Math.max(1_000, this.opts.retryBaseMs))) ?? Date.now() + this.opts.leaseMs
      // Not a busy loop: documents of a knowledge base waiting for a re-embed are due but not claimable.
      delay = Math.max(Math.min(1_000, this.opts.retryBaseMs), due - Date.now())
    }
    this.wake = setTimeout(() => this.kick(), Math.min(delay, 60_000))
    this.wake.unref()
  }

  // ---------- one document ----------

  private async processDoc(id: string, entry: Active): Promise<void> {
    const doc = await this.docs.findFull(id)
    if (!doc) return
    entry.kbId = doc.kb_id
    const signal = entry.abort.signal
    try {
      let fresh: Fresh | null = null
      let gen = Number(doc.gen)
      const needsChunks = doc.status === 'queued' || doc.status === 'parsing' || doc.status === 'chunking'
      if (needsChunks) {
        fresh = await this.parseAndChunk(doc, signal)
        if (!fresh) return
        gen = fresh.gen
      }
      if (signal.aborted) return
      const live = await this.collections.live(doc.kb_id)
      await this.embedAndWrite(doc, gen, fresh, live, signal)
    } catch (err) {
      if (signal.aborted || err instanceof LostLease) return
      await this.fail(doc, err)
    }
  }

  /** Writes a stage change only while this worker still holds the document. */
  private async own(id: string, patch: Partial<DocumentRow>): Promise<void> {
    if (!(await this.docs.own(id, this.owner, patch))) throw new LostLease()
  }

  /** Reads, hashes, parses and chunks; saves the chunks. Null = nothing more to do (unchanged or gone). */
  private async parseAndChunk(doc: DocumentRow, signal: AbortSignal): Promise<Fresh | null> {
    const now = Date.now()
    await this.own(doc.id, { status: 'parsing', started_at: now })
    this.progress.touch(doc.kb_id, [doc.id])
    const content = await readContent(doc, this.opts.maxFileBytes)
    if (signal.aborted) return null
    if (doc.served_gen !== null && doc.content_hash === content.hash) {
      // Same content as the served version: nothing to re-index.
      await this.own(doc.id, {
        status: 'ready',
        ...noError,
        attempts: 0,
        lease_owner: null,
        lease_until: null,
        work_hash: content.hash,
        mtime_ms: content.mtimeMs,
        bytes: content.bytes,
        finished_at: Date.now()
      })
      this.progress.docFinished(doc.kb_id, doc.id, content.bytes, false)
      return null
    }
    const parsed = await content.parse()
    if (signal.aborted) return null
    const kb = await this.collections.state(doc.kb_id)
    await this.own(doc.id, { status: 'chunking' })
    const chunks = chunkDocument(parsed, { size: Number(kb.chunk_size), overlap: Number(kb.chunk_overlap) })
    // The served version stays untouched; a new version number separates the new rows from it.
    const gen = doc.served_gen !== null && Number(doc.gen) === Number(doc.served_gen) ? Number(doc.gen) + 1 : Number(doc.gen)
    // Rows of this version can exist only if an earlier attempt saved its chunks (work_hash is set
    // then); its chunks may differ now. A delete per document would cost a table version each, so
    // a fresh document skips it.
    if (gen === Number(doc.gen) && doc.work_hash !== null && gen !== (doc.served_gen === null ? null : Number(doc.served_gen))) {
      const live = await this.collections.live(doc.kb_id)
      await this.vector.deleteByDoc(live.name, versionKey(doc.id, gen))
    }
    this.buffer.drop(doc.id)
    await this.chunks.saveVersion(doc.id, doc.kb_id, gen, documentText(parsed), chunks)
    if (signal.aborted) return null
    await this.own(doc.id, {
      status: 'embedding',
      gen,
      work_hash: content.hash,
      mtime_ms: content.mtimeMs,
      bytes: content.bytes,
      char_count: parsed.charCount,
      chunk_count: chunks.length,
      chunks_done: 0
    })
    return { chunks, gen }
  }

  /** Embeds (when the collection has vectors) and hands rows to the write buffer, from the saved resume point. */
  private async embedAndWrite(doc: DocumentRow, gen: number, fresh: Fresh | null, live: LiveCollection, signal: AbortSignal): Promise<void> {
    let inMemory: StoredChunk[] | null = fresh?.chunks ?? null
    let total: number
    let from = 0
    if (!inMemory) {
      // Resuming: the saved stage and resume point decide where to go on.
      const saved = await this.docs.find(doc.id)
      if (!saved) return
      total = Number(saved.chunk_count)
      from = Number(saved.chunks_done)
      if (saved.status !== 'embedding') await this.own(doc.id, { status: 'embedding' })
    } else total = inMemory.length
    if (total === 0) {
      await this.own(doc.id, { status: 'indexing' })
      this.markWritten(live.name, doc.kb_id, doc.id, gen)
      return
    }
    if (!inMemory) {
      inMemory = await this.chunks.loadVersion(doc.id, gen)
      if (!inMemory || inMemory.length !== total) {
        // Cannot happen in the normal flow (chunks are saved before this stage); start over rather than stall.
        await this.own(doc.id, { status: 'queued' })
        return
      }
    }
    const chunks = inMemory
    const step = live.dim === null ? Math.max(this.opts.embedChunks, 512) : this.opts.embedChunks
    while (from < total) {
      if (signal.aborted) return
      const batch = chunks.slice(from, from + step)
      const texts = batch.map(indexedText)
      const vectors = live.dim !== null && live.modelId ? await this.embedder.embed(live.modelId, texts, signal, live.dim) : null
      if (signal.aborted) return
      const rows: VectorRow[] = batch.map((c, i) => ({
        id: chunkId(doc.id, gen, c.index),
        docId: versionKey(doc.id, gen),
        kbId: doc.kb_id,
        text: texts[i],
        ...(vectors ? { vector: vectors[i] } : {}),
        meta: { i: c.index, h: c.headingPath, ...(c.page === undefined ? {} : { p: c.page }), s: c.charStart }
      }))
      from += batch.length
      const complete = from >= total
      if (complete) await this.own(doc.id, { status: 'indexing' })
      await this.buffer.add(live.name, rows, { docId: doc.id, kbId: doc.kb_id, gen, upto: from, complete, rows: rows.length, fresh: fresh !== null })
    }
  }

  private markWritten(collection: string, kbId: string, docId: string, gen: number): void {
    let a = this.awaiting.get(collection)
    if (!a) this.awaiting.set(collection, (a = { kbId, docs: new Map(), since: Date.now(), attempts: 0, notBefore: 0 }))
    a.docs.set(docId, gen)
  }

  /** Rows are durable: save each document's resume point; completed ones wait for the batch end. */
  private async flushed(collection: string, marks: DocMark[]): Promise<void> {
    this.stats.writes++
    this.stats.lastWriteAt = Date.now()
    for (const m of marks) this.stats.rowsWritten += m.rows
    for (const m of marks) {
      if (!(await this.docs.chunksWritten(m.docId, m.gen, m.upto))) {
        // Deleted or re-queued while its rows were buffered: they must not linger.
        await this.vector.deleteByDoc(collection, versionKey(m.docId, m.gen)).catch(() => undefined)
        continue
      }
      this.progress.chunksWritten(m.kbId, m.rows)
      if (m.complete) this.markWritten(collection, m.kbId, m.docId, m.gen)
    }
    if (marks.length) this.kick()
  }

  private async flushFailed(_collection: string, marks: DocMark[], err: unknown): Promise<void> {
    for (const m of marks) {
      const doc = await this.docs.findFull(m.docId)
      if (doc && Number(doc.gen) === m.gen) await this.fail(doc, err)
    }
  }

  /**
   * The batch end: fold the written rows into the index, then make each document's new version
   * the served one (and its old version stale) in one transaction.
   */
  private finalize(collection: string): Promise<void> {
    const running = this.finalizing.get(collection)
    if (running) return running
    const p = (async () => {
      await this.buffer.flush(collection)
      const batch = this.awaiting.get(collection)
      if (!batch || !batch.docs.size) return
      this.awaiting.delete(collection)
      try {
        await this.endBatch(collection, batch)
      } catch (err) {
        await this.batchEndFailed(collection, batch, err)
      }
      await this.cleanStale()
    })()
      .catch((err) => log.error({ err, collection }, 'ingestion batch end failed'))
      .finally(() => {
        this.finalizing.delete(collection)
        this.kick()
      })
    this.finalizing.set(collection, p)
    return p
  }

  private async endBatch(collection: string, batch: Awaiting): Promise<void> {
    const mergeStart = Date.now()
    await this.vector.optimize(collection)
    this.mergeCost.set(collection, Date.now() - mergeStart)
    this.stats.merges++
    this.stats.mergeMs += Date.now() - mergeStart
    log.debug({ documents: batch.docs.size, mergeMs: Date.now() - mergeStart }, 'ingestion batch end: index merged')
    await this.collections.lock.run(batch.kbId, async () => {
      const kb = await this.collections.state(batch.kbId).catch(() => null)
      const ids = [...batch.docs.keys()]
      if (!kb) return
      if (kb.collection !== collection) {
        // The knowledge base switched collection meanwhile: index these again into the new one.
        await this.docs.updateMany(ids, { status: 'embedding', chunks_done: 0, lease_owner: null, lease_until: null })
        return
      }
      const finished = await this.docs.promote(batch.docs, Date.now())
      for (const f of finished) this.progress.docFinished(batch.kbId, f.id, f.bytes, false)
    })
  }

  /**
   * A batch end that threw (seen: LanceDB's `KMeans cannot train 4 centroids with 0 vectors` when
   * building a vector index) is tried again `retryBaseMs × 4^n` later, documents written meanwhile
   * joining it; after `maxAttempts` its documents fail with the reason. Their new versions were
   * never served, so the knowledge base goes on serving what it had. At shutdown they are left in
   * `indexing`: the next start adopts them and tries again.
   */
  private async batchEndFailed(collection: string, batch: Awaiting, err: unknown): Promise<void> {
    const attempts = batch.attempts + 1
    if (this.closed) {
      log.warn({ err, collection, documents: batch.docs.size }, 'ingestion batch end failed at shutdown; retried at the next start')
      return
    }
    if (attempts < this.opts.maxAttempts) {
      const retryInMs = this.opts.retryBaseMs * 4 ** (attempts - 1)
      log.warn({ err, collection, documents: batch.docs.size, attempts, retryInMs }, 'ingestion batch end failed; will retry')
      const joined = this.awaiting.get(collection)
      if (joined) for (const [id, gen] of joined.docs) batch.docs.set(id, gen)
      this.awaiting.set(collection, { ...batch, attempts, notBefore: Date.now() + retryInMs })
      return
    }
    log.error({ err, collection, documents: batch.docs.size, attempts }, 'ingestion batch end failed; its documents fail')
    const detail = (err as Error)?.message ?? String(err)
    const reason = new AppError('internal', `Ingestion failed: the search index could not be updated (${attempts} attempts): ${detail}`, undefined, {
      reason: 'ingest_index_failed',
      params: { attempts, detail }
    })
    for (const [id, gen] of batch.docs) {
      const doc = await this.docs.findFull(id)
      if (doc && Number(doc.gen) === gen && doc.status === 'indexing') await this.fail(doc, reason, true)
    }
  }

  /** Documents fully written by a worker that is gone (a crash): they only need the batch end. */
  private async adoptOrphans(): Promise<void> {
    const now = Date.now()
    const rows = await this.docs.orphanedWritten(now, 5000)
    for (const r of rows) {
      if (!(await this.docs.lease(r.id, this.owner, now, this.opts.leaseMs))) continue
      const doc = await this.docs.find(r.id)
      const kb = await this.collections.state(r.kb_id).catch(() => null)
      if (!doc || !kb?.collection) continue
      this.markWritten(kb.collection, r.kb_id, r.id, Number(doc.gen))
    }
  }

  /** Deletes the rows of versions replaced by newer ones (after the swap, so search never had a gap). */
  private async cleanStale(): Promise<void> {
    const rows = await this.docs.staleVersions(500)
    for (const r of rows) {
      const kb = await this.collections.state(r.kb_id).catch(() => null)
      const gen = Number(r.stale_gen)
      if (kb?.collection) await this.vector.deleteByDoc(kb.collection, versionKey(r.id, gen))
      if (kb?.next_collection) await this.vector.deleteByDoc(kb.next_collection, versionKey(r.id, gen))
      await this.chunks.deleteVersion(r.id, gen)
      await this.docs.clearStale(r.id, gen)
    }
  }

  /** `final`: retried already (a batch end), so the document fails now. */
  private async fail(doc: DocumentRow, err: unknown, final = false): Promise<void> {
    const failure = failureOf(err)
    const attempts = Number(doc.attempts) + 1
    const permanent = final || isPermanent(err) || attempts >= this.opts.maxAttempts
    if (!(err instanceof AppError)) log.warn({ err, document: doc.name }, 'document failed to ingest')
    const now = Date.now()
    const current = await this.docs.find(doc.id)
    // Gone, or re-queued by someone else meanwhile: their state wins.
    if (!current || current.lease_owner !== this.owner) return
    if (permanent) {
      await this.docs.update(doc.id, { status: 'failed', ...failure, attempts, lease_owner: null, lease_until: null, finished_at: now, updated_at: now })
      await this.dropUnserved(current)
      this.progress.docFinished(doc.kb_id, doc.id, 0, true)
    } else {
      // The stage is kept: the retry resumes at the saved point, not from the start.
      await this.docs.update(doc.id, {
        ...failure,
        attempts,
        next_attempt_at: now + this.opts.retryBaseMs * 4 ** (attempts - 1),
        lease_owner: null,
        lease_until: null,
        // A retry waits in a started stage (queued would be claimed at once, see claimable()).
        ...(current.status === 'indexing' ? { status: 'embedding' } : current.status === 'queued' ? { status: 'parsing' } : {}),
        updated_at: now
      })
      this.progress.touch(doc.kb_id, [doc.id])
    }
  }

  /** A failed version's rows and chunks are of no use; the served version (if any) stays. */
  private async dropUnserved(doc: Pick<DocumentRow, 'id' | 'kb_id' | 'gen' | 'served_gen' | 'work_hash'>): Promise<void> {
    const gen = Number(doc.gen)
    if (doc.work_hash === null || (doc.served_gen !== null && Number(doc.served_gen) === gen)) return
    this.buffer.drop(doc.id)
    const kb = await this.collections.state(doc.kb_id).catch(() => null)
    if (kb?.collection) await this.vector.deleteByDoc(kb.collection, versionKey(doc.id, gen)).catch(() => undefined)
    await this.chunks.deleteVersion(doc.id, gen)
  }

  // ---------- embedding model changes ----------

  /** Starts re-embedding knowledge bases whose model changed, once nothing of theirs is in flight. */
  private async startReembeds(): Promise<void> {
    for (const kbId of await this.reembedder.pending()) {
      if (this.reembedding.has(kbId) || this.closed) continue
      const busy = [...this.active.values()].some((a) => a.kbId === kbId) || [...this.awaiting.values()].some((a) => a.kbId === kbId)
      if (busy) continue
      // Another process of a team server may be re-embedding it: then this one leaves it alone.
      const p = this.locks
        .run(`kb-reembed:${kbId}`, () => this.reembedder.run(kbId), { leaseMs: 30_000, waitMs: 0 })
        .catch((err) => {
          if (!(err instanceof LockTimeout)) log.warn({ err, kbId }, 're-embed could not start')
        })
        .finally(() => {
          this.reembedding.delete(kbId)
          this.kick()
        })
      this.reembedding.set(kbId, p)
    }
  }
}
