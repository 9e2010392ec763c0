import type { VectorRow, VectorStore } from '../../../vector'
import { versionKey, type DocumentsRepo } from '../../../store/repos/documents'
import { chunkId, type KnowledgeChunksRepo } from '../../../store/repos/knowledge-chunks'
import { indexedText } from './indexed-text'
import type { Embedder } from '../embedder'
import { collectionName, type Collections } from './collections'
import type { ProgressTracker } from './progress'
import { log } from '../../../base/log'
import { sayFailure, type Said } from '../failure'

// Rows per vector write while re-embedding (see WriteBuffer for why writes are batched).
const WRITE_ROWS = 4000
const DOCS_PER_QUERY = 50

/**
 * Moves a knowledge base to a new embedding model without a gap in search: every served version
 * is embedded again into a new collection (from the chunks kept in the store), and the knowledge
 * base switches to it in one update when all are there. Search keeps using the old collection and
 * the old model until then; the two never mix. Progress is saved per document (`reembed_gen`), so
 * a restart continues where it stopped. A failure waits (30 s, doubling to 10 min) and retries.
 */
export class Reembedder {
  private readonly cancelled = new Set<string>()
  private readonly failures = new Map<string, { count: number; retryAt: number; error: Said }>()
  private stopAll = false

  constructor(
    private readonly docs: DocumentsRepo,
    private readonly chunks: KnowledgeChunksRepo,
    private readonly collections: Collections,
    private readonly vector: VectorStore,
    private readonly embedder: Embedder,
    private readonly progress: ProgressTracker,
    private readonly opts: { embedChunks: number }
  ) {}

  /** Knowledge bases whose chosen model differs from the one their collection was built with (and not waiting after a failure). */
  async pending(): Promise<string[]> {
    const ids = await this.collections.repo.needingReembed()
    const now = Date.now()
    return ids.filter((id) => (this.failures.get(id)?.retryAt ?? 0) <= now)
  }

  /** Why the last re-embed failed, in English and as a message code. */
  lastError(kbId: string): Said | null {
    return this.failures.get(kbId)?.error ?? null
  }

  cancel(kbId: string): void {
    this.cancelled.add(kbId)
  }

  cancelAll(): void {
    this.stopAll = true
  }

  async run(kbId: string): Promise<void> {
    this.cancelled.delete(kbId)
    try {
      await this.reembed(kbId)
      this.failures.delete(kbId)
    } catch (err) {
      if (this.stopAll || this.cancelled.has(kbId)) return
      const count = (this.failures.get(kbId)?.count ?? 0) + 1
      const error = sayFailure(err, 'reembed_failed')
      this.failures.set(kbId, { count, retryAt: Date.now() + Math.min(600_000, 30_000 * 2 ** (count - 1)), error })
      log.warn({ kbId, error: error.message }, 're-embedding a knowledge base failed (will retry)')
      this.progress.setReembed(kbId, null)
    }
  }

  private stopped(kbId: string): boolean {
    return this.stopAll || this.cancelled.has(kbId)
  }

  private async reembed(kbId: string): Promise<void> {
    let kb = await this.collections.state(kbId)
    const target = kb.embedding_model_id
    if (!kb.collection || target === kb.collection_model_id) return

    if (kb.next_collection && kb.next_model_id !== target) {
      // The model changed again mid-way: what was built for the previous choice is useless.
      await this.vector.dropCollection(kb.next_collection)
      await this.collections.lock.run(kbId, () => this.collections.repo.update(kbId, { next_collection: null, next_model_id: null }))
      kb = await this.collections.state(kbId)
    }
    let dim: number | null
    if (!kb.next_collection) {
      if (target) this.embedder.forget(target)
      dim = target ? await this.embedder.dimension(target) : null
      const seq = Number(kb.collection_seq) + 1
      const name = collectionName(kbId, seq)
      await this.vector.dropCollection(name)
      await this.vector.ensureCollection(name, { dim })
      await this.docs.resetReembed(kbId)
      await this.collections.lock.run(kbId, () => this.collections.repo.update(kbId, { next_collection: name, next_model_id: target, collection_seq: seq }))
      kb = await this.collections.state(kbId)
    } else {
      dim = target ? await this.embedder.dimension(target) : null
      await this.vector.ensureCollection(kb.next_collection, { dim })
    }
    const next = kb.next_collection as string

    const counts = await this.docs.reembedCounts(kbId)
    let done = counts.done
    this.progress.setReembed(kbId, { done, total: counts.total, modelId: target })

    let rows: VectorRow[] = []
    let pendingDocs: Array<{ id: string; gen: number }> = []
    const write = async () => {
      if (rows.length) await this.vector.upsert(next, rows)
      for (const d of pendingDocs) await this.docs.markReembedded(d.id, d.gen)
      done += pendingDocs.length
      rows = []
      pendingDocs = []
      this.progress.setReembed(kbId, { done, total: Math.max(done, counts.total), modelId: target })
    }

    for (;;) {
      if (this.stopped(kbId)) return
      const current = await this.collections.state(kbId)
      if (current.embedding_model_id !== target) return // changed again; the next run starts over
      const batch = await this.docs.toReembed(kbId, DOCS_PER_QUERY)
      if (!batch.length) break
      for (const d of batch) {
        const gen = Number(d.served_gen)
        const chunks = (await this.chunks.loadVersion(d.id, gen)) ?? []
        for (let from = 0; from < chunks.length; from += this.opts.embedChunks) {
          if (this.stopped(kbId)) return
          const page = chunks.slice(from, from + this.opts.embedChunks)
          const texts = page.map(indexedText)
          const vectors = target && dim !== null ? await this.embedder.embed(target, texts, undefined, dim) : null
          page.forEach((c, i) => {
            rows.push({
              id: chunkId(d.id, gen, c.index),
              docId: versionKey(d.id, gen),
              kbId,
              text: texts[i],
              ...(vectors ? { vector: vectors[i] } : {}),
              meta: { i: c.index, h: c.headingPath, ...(c.page === undefined ? {} : { p: c.page }), s: c.charStart }
            })
          })
          if (rows.length >= WRITE_ROWS) await write()
        }
        pendingDocs.push({ id: d.id, gen })
      }
      await write()
    }
    await write()
    await this.vector.optimize(next)

    const old = kb.collection
    const swapped = await this.collections.lock.run(kbId, async () => {
      const now = await this.collections.state(kbId)
      if (now.embedding_model_id !== target || now.next_collection !== next) return false
      // A document served after the loop's last look would be missing from the new collection.
      if ((await this.docs.toReembed(kbId, 1)).length) return false
      await this.collections.repo.swap(kbId, next, target, dim)
      return true
    })
    if (!swapped) return
    this.progress.setReembed(kbId, null)
    if (old) await this.vector.dropCollection(old)
  }
}
