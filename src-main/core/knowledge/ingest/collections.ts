import type { VectorStore } from '../../../vector'
import { AppError } from '../../../contract/errors'
import type { knowledgeCollectionsRepo, KbStateRow } from '../../../store/repos/knowledge-collections'
import type { Embedder } from '../embedder'
import { KeyedMutex } from '../../../base/keyed-mutex'
import type { KeyedLock } from '../../coordination/types'

export interface LiveCollection {
  name: string
  modelId: string | null
  dim: number | null
}

/** One collection per knowledge base and embedding model: a new model gets a new one, so dimensions never mix. */
export const collectionName = (kbId: string, seq: number) => `kb_${kbId.replace(/[^A-Za-z0-9]/g, '')}_${seq}`

export class Collections {
  /** Per knowledge base: its collection is created, swapped or its batch made served by one holder at a time (across processes with `locks`). */
  readonly lock: KeyedLock

  constructor(
    /** The knowledge bases' collection state; the re-embedder moves it through its steps too. */
    readonly repo: ReturnType<typeof knowledgeCollectionsRepo>,
    private readonly vector: VectorStore,
    private readonly embedder: Embedder,
    locks: KeyedLock = new KeyedMutex()
  ) {
    this.lock = { run: (kbId, task, opts) => locks.run(`kb-collection:${kbId}`, task, opts) }
  }

  async state(kbId: string): Promise<KbStateRow> {
    const kb = await this.repo.find(kbId)
    if (!kb) throw new AppError('not_found', `No knowledge base with id ${kbId}`)
    return kb
  }

  /** The collection new chunks go to, created with the current model's dimension on first use. */
  live(kbId: string): Promise<LiveCollection> {
    return this.lock.run(kbId, async () => {
      const kb = await this.state(kbId)
      if (kb.collection) {
        const live = { name: kb.collection, modelId: kb.collection_model_id, dim: kb.collection_dim === null ? null : Number(kb.collection_dim) }
        // The vector folder may have been deleted by hand; an empty collection is better than a stuck queue.
        if (!(await this.vector.hasCollection(live.name))) await this.vector.ensureCollection(live.name, { dim: live.dim })
        return live
      }
      const modelId = kb.embedding_model_id
      const dim = modelId ? await this.embedder.dimension(modelId) : null
      const seq = Number(kb.collection_seq) + 1
      const name = collectionName(kbId, seq)
      await this.vector.ensureCollection(name, { dim })
      await this.repo.update(kbId, { collection: name, collection_model_id: modelId, collection_dim: dim, collection_seq: seq })
      return { name, modelId, dim }
    })
  }

  /** Drops every collection of a deleted knowledge base (all sequence numbers it used). */
  async dropAll(kbId: string, maxSeq: number): Promise<void> {
    for (let seq = 1; seq <= maxSeq; seq++) await this.vector.dropCollection(collectionName(kbId, seq))
  }
}
