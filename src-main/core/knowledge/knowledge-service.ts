import { join } from 'node:path'
import type { Said } from './failure'
import type OpenAI from 'openai'
import type { Kysely } from 'kysely'
import { AppError, fieldError } from '../../contract/errors'
import type { AgentKnowledgeBinding, KbSearchInput, KnowledgeBaseStatus } from '../../contract/knowledge'
import { documentsRepo } from '../../store/repos/documents'
import { knowledgeBindingsRepo } from '../../store/repos/knowledge-bindings'
import { knowledgeChunksRepo } from '../../store/repos/knowledge-chunks'
import { knowledgeCollectionsRepo } from '../../store/repos/knowledge-collections'
import type { DB } from '../../store/schema'
import type { VectorStore } from '../../vector'
import type { StudioEvents } from '../events'
import type { SecretBox } from '../secrets/secret-box'
import type { Claims, KeyedLock } from '../coordination/types'
import { resolveModel } from '../providers/resolve-model'
import { documentsService } from './documents-service'
import { Embedder, type EmbedderOptions } from './embedder'
import { Collections } from './ingest/collections'
import { ProgressTracker } from './ingest/progress'
import { defaultIngestionOptions, IngestionQueue, type IngestionOptions } from './ingest/queue'
import { IncomingSweeper } from './ingest/incoming-sweep'
import { knowledgeBasesService } from './knowledge-bases-service'
import { agentKnowledge } from './retrieval/agent-knowledge'
import { Retriever } from './retrieval/search'
import { sourcesService } from './sources/sources-service'

export interface KnowledgeOptions {
  ingestion: Partial<IngestionOptions>
  embedder: Partial<EmbedderOptions>
  /** Largest file accepted by the upload route. */
  maxUploadBytes: number
  progressIntervalMs: number
  /** false = no ingestion worker in this process (a read-only host); true by default. */
  worker: boolean
  /** A file left in the uploads' .incoming folder is removed once it has not changed for this long (a cut upload). */
  incomingGraceMs: number
}

export type KnowledgeService = ReturnType<typeof knowledgeService>

/**
 * Knowledge bases end to end: settings (CRUD), documents and their ingestion queue, database and
 * API sources, search, and how agents use them in turns. The vector store is given (LanceDB in
 * the data folder by default), so team mode can pass another implementation.
 */
export function knowledgeService(deps: {
  db: Kysely<DB>
  events: StudioEvents
  secrets: SecretBox
  vector: VectorStore
  dataDir: string
  clientFor(providerId: string, opts: { timeout: number; maxRetries: number }): Promise<OpenAI>
  options?: Partial<KnowledgeOptions>
  /**
   * Shared by the processes of a team server: a knowledge base's collection is set up by one at a
   * time, a re-embed runs in one, a source syncs in one, a scheduled sync fires once. (Documents
   * are leased in the database, so ingestion needs nothing more.)
   */
  locks?: KeyedLock
  claims?: Claims
}) {
  const { db, events, vector } = deps
  const ingestion = { ...defaultIngestionOptions, ...deps.options?.ingestion }
  const embedder = new Embedder(db, deps.clientFor, { batchSize: 32, concurrency: 4, timeoutMs: 60_000, maxRetries: 2, ...deps.options?.embedder })
  const collections = new Collections(knowledgeCollectionsRepo(db), vector, embedder, deps.locks)
  const docs = documentsRepo(db)
  const chunks = knowledgeChunksRepo(db)
  const progress = new ProgressTracker(docs, events, deps.options?.progressIntervalMs ?? 500)
  const queue = new IngestionQueue(docs, chunks, collections, vector, embedder, progress, ingestion, deps.locks)
  const bindingsRepo = knowledgeBindingsRepo(db)
  const retriever = new Retriever(db, docs, collections, vector, embedder, deps.clientFor)
  const maxUploadBytes = deps.options?.maxUploadBytes ?? ingestion.maxFileBytes

  let deleting: { kbId: string; seq: number } | null = null
  const bases = knowledgeBasesService(db, events, {
    afterUpdate(kb, before) {
      // A new embedding model is picked up by the queue: it re-embeds into a new collection.
      if (kb.embeddingModelId !== before.embeddingModelId) queue.kick()
    },
    async beforeDelete(kbId) {
      queue.cancelKb(kbId)
      await sources.forgetKb(kbId)
      const state = await collections.state(kbId)
      deleting = { kbId, seq: Number(state.collection_seq) }
    },
    async afterDelete(kbId) {
      const seq = deleting?.kbId === kbId ? deleting.seq : 0
      deleting = null
      await collections.dropAll(kbId, seq)
      await documents.removeUploadsOf(kbId)
      progress.forget(kbId)
    }
  })
  const kbExists = async (kbId: string) => {
    await bases.get(kbId)
  }

  const documents = documentsService({
    db,
    vector,
    collections,
    queue,
    progress,
    uploadsDir: join(deps.dataDir, 'knowledge', 'uploads'),
    maxFileBytes: ingestion.maxFileBytes,
    kbExists
  })
  const incoming = new IncomingSweeper(documents.incomingDir(), deps.options?.incomingGraceMs ?? 60_000)
  const sources = sourcesService({
    db,
    docs,
    secrets: deps.secrets,
    events,
    queue,
    progress,
    kbExists,
    removeDocuments: (kbId, ids) => documents.remove(kbId, ids),
    locks: deps.locks,
    claims: deps.claims
  })

  const agents = agentKnowledge({
    bindings: (agentId) => bindingsRepo.forAgent(agentId),
    async kbNames(ids) {
      const rows = ids.length ? await db.selectFrom('knowledge_bases').select(['id', 'name', 'description']).where('id', 'in', ids).execute() : []
      return new Map(rows.map((r) => [r.id, { name: r.name, description: r.description }]))
    },
    retriever
  })

  async function agentId(idOrUuid: string): Promise<string> {
    const a = await db
      .selectFrom('agents')
      .select('id')
      .where((eb) => eb.or([eb('id', '=', idOrUuid), eb('uuid', '=', idOrUuid)]))
      .executeTakeFirst()
    if (!a) throw new AppError('not_found', `No agent with id ${idOrUuid}`)
    return a.id
  }

  let started = false
  let stopping: Promise<void> | undefined
  /** Shutdown: source syncs, ingestion and re-embedding stop at a checkpoint; progress is saved and leases released. */
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      incoming.stop()
      await sources.close()
      await queue.close()
      progress.stop()
    })())

  return {
    bases,
    documents,
    sources,
    queue,
    embedder,
    retriever,
    collections,
    vector,
    /** The hook a turn calls for automatic context (see TurnOptions.knowledge). */
    turnContext: agents.context,
    toolProvider: agents.toolProvider,
    maxUploadBytes,

    async start() {
      if (started) return
      started = true
      await vector.open()
      await incoming.start()
      if (deps.options?.worker !== false) {
        queue.start()
        await sources.start()
      }
      for (const kbId of await docs.kbsWithPending()) progress.touch(kbId)
    },

    async search(input: KbSearchInput) {
      await kbExists(input.id)
      if (input.rerankModelId) await resolveModel(db, input.rerankModelId, 'rerank', 'rerankModelId')
      const { id, ...req } = input
      return retriever.search(id, req)
    },

    async status(kbId: string): Promise<KnowledgeBaseStatus> {
      await kbExists(kbId)
      const [counts, snapshot, state, chunkTotal] = await Promise.all([
        docs.countsByStatus(kbId),
        progress.snapshot(kbId),
        collections.state(kbId),
        docs.chunkTotal(kbId)
      ])
      const byStatus: KnowledgeBaseStatus['counts']['byStatus'] = {}
      let total = 0
      for (const c of counts) {
        byStatus[c.status as keyof typeof byStatus] = c.n
        total += c.n
      }
      return {
        kbId,
        counts: { total, byStatus },
        progress: snapshot,
        activeEmbeddingModelId: state.collection ? state.collection_model_id : state.embedding_model_id,
        ...reembedFailure(queue.reembedError(kbId)),
        chunks: chunkTotal
      }
    },

    async bindings(agent: string): Promise<AgentKnowledgeBinding[]> {
      return bindingsRepo.forAgent(await agentId(agent))
    },

    async setBindings(agent: string, bindings: AgentKnowledgeBinding[]): Promise<AgentKnowledgeBinding[]> {
      const id = await agentId(agent)
      const seen = new Set<string>()
      for (const [i, b] of bindings.entries()) {
        if (seen.has(b.kbId)) throw fieldError(`bindings.${i}.kbId`, 'listed_twice', undefined, 'listed twice')
        seen.add(b.kbId)
        await kbExists(b.kbId)
        if (b.settings.rerankModelId) await resolveModel(db, b.settings.rerankModelId, 'rerank', `bindings.${i}.settings.rerankModelId`)
      }
      await bindingsRepo.replace(id, bindings)
      events.emit('agents.changed', { id })
      return bindingsRepo.forAgent(id)
    },

    stop,

    /** Stops the workers (if not yet) and closes the vector store. */
    async close() {
      await stop()
      await vector.close()
    }
  }
}

/** The status's re-embed failure: English, and as a message code with params. */
const reembedFailure = (said: Said | null) => ({
  reembedError: said?.message ?? null,
  reembedReason: said?.reason ?? null,
  reembedParams: said?.params ?? null
})
