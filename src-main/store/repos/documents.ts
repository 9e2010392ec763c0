import type { Kysely, Selectable, Transaction } from 'kysely'
import type { KbDocument, DocumentStatus, DocumentSourceType } from '../../contract/knowledge'
import { activeDocumentStatuses } from '../../contract/knowledge'
import { ErrorParams } from '../../contract/messages'

/** Stages a worker passed through before it stopped: a crash, an expired lease or a due retry resumes there. */
const startedDocumentStatuses = activeDocumentStatuses.filter((s) => s !== 'queued')
import type { DB } from '../schema'
import { num } from '../errors'
import { knowledgeDb, type KbDocumentsTable, type KnowledgeDB } from './knowledge-schema'
import { nothingToSet } from './nothing-to-set'

export type DocumentRow = Selectable<KbDocumentsTable>
/** Everything but the inline body, which can be large and is read only by the ingestion. */
export type DocumentHead = Omit<DocumentRow, 'body'>

export const documentHeadColumns = [
  'id',
  'kb_id',
  'name',
  'source',
  'content_hash',
  'char_count',
  'chunk_count',
  'status',
  'error',
  'error_reason',
  'error_params',
  'created_at',
  'updated_at',
  'source_type',
  'source_id',
  'source_key',
  'bytes',
  'mtime_ms',
  'work_hash',
  'gen',
  'served_gen',
  'stale_gen',
  'chunks_done',
  'attempts',
  'next_attempt_at',
  'lease_owner',
  'lease_until',
  'queued_at',
  'started_at',
  'finished_at',
  'sync_stamp',
  'reembed_gen'
] as const satisfies readonly (keyof DocumentRow)[]

const nullableNum = (v: number | string | null) => (v === null ? null : Number(v))

/** A document without a failure: its message, and the message's code and params, all cleared. */
export const noError = { error: null, error_reason: null, error_params: null } as const

/** The stored params of a failure's message code; a row written by hand or an older version may hold none. */
export function errorParams(json: string | null): ErrorParams | null {
  if (!json) return null
  try {
    const parsed = ErrorParams.safeParse(JSON.parse(json))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

export function toKbDocument(r: DocumentHead): KbDocument {
  return {
    id: r.id,
    kbId: r.kb_id,
    name: r.name,
    sourceType: r.source_type as DocumentSourceType,
    sourceId: r.source_id,
    location: r.source,
    status: r.status as DocumentStatus,
    error: r.error,
    errorReason: r.error === null ? null : r.error_reason,
    errorParams: r.error === null ? null : errorParams(r.error_params),
    searchable: r.served_gen !== null,
    bytes: num(r.bytes),
    chars: num(r.char_count),
    chunks: num(r.chunk_count),
    attempts: num(r.attempts),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
    startedAt: nullableNum(r.started_at),
    finishedAt: nullableNum(r.finished_at)
  }
}

/** The vector store's doc id of one version of a document: rows of other versions are never served. */
export const versionKey = (docId: string, gen: number) => `${docId}:${gen}`
export function parseVersionKey(key: string): { docId: string; gen: number } | null {
  const at = key.lastIndexOf(':')
  if (at <= 0) return null
  const gen = Number(key.slice(at + 1))
  return Number.isInteger(gen) ? { docId: key.slice(0, at), gen } : null
}

type Db = Kysely<KnowledgeDB> | Transaction<KnowledgeDB>

/** The documents table, which is also the ingestion queue (one row = one job, its stage in `status`). */
export function documentsRepo(base: Kysely<DB>) {
  const db = knowledgeDb(base)
  const head = (d: Db = db) => d.selectFrom('documents').select(documentHeadColumns)
  return {
    find: (id: string) => head().where('id', '=', id).executeTakeFirst(),
    findFull: (id: string) => db.selectFrom('documents').selectAll().where('id', '=', id).executeTakeFirst(),
    findByKey: (kbId: string, key: string) => head().where('kb_id', '=', kbId).where('source_key', '=', key).executeTakeFirst(),
    findByKeys: (kbId: string, keys: string[]) =>
      keys.length ? head().where('kb_id', '=', kbId).where('source_key', 'in', keys).execute() : Promise.resolve([]),
    findByHash: (kbId: string, hash: string) =>
      head()
        .where('kb_id', '=', kbId)
        .where((eb) => eb.or([eb('content_hash', '=', hash), eb('work_hash', '=', hash)]))
        .executeTakeFirst(),
    /** Only what search needs to keep a hit: its document's served version and name. */
    servedVersions: (ids: string[]) =>
      ids.length ? db.selectFrom('documents').select(['id', 'name', 'served_gen']).where('id', 'in', ids).execute() : Promise.resolve([]),

    async page(kbId: string, f: { status?: string; q?: string; offset: number; limit: number }) {
      let q = db.selectFrom('documents').where('kb_id', '=', kbId)
      if (f.status) q = q.where('status', '=', f.status)
      if (f.q) q = q.where('name', 'like', `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
      const [items, total] = await Promise.all([
        q.select(documentHeadColumns).orderBy('created_at', 'desc').orderBy('id').offset(f.offset).limit(f.limit).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      ])
      return { items, total: num(total.n) }
    },
    async countsByStatus(kbId: string) {
      const rows = await db
        .selectFrom('documents')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('kb_id', '=', kbId)
        .groupBy('status')
        .execute()
      return rows.map((r) => ({ status: r.status, n: num(r.n) }))
    },
    /** Documents still to ingest and their bytes. */
    async pending(kbId: string) {
      const r = await db
        .selectFrom('documents')
        .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('bytes').as('bytes')])
        .where('kb_id', '=', kbId)
        .where('status', 'in', [...activeDocumentStatuses])
        .executeTakeFirstOrThrow()
      return { docs: num(r.n), bytes: num(r.bytes ?? 0) }
    },
    async chunkTotal(kbId: string) {
      const r = await db
        .selectFrom('documents')
        .select((eb) => eb.fn.sum<number>('chunk_count').as('n'))
        .where('kb_id', '=', kbId)
        .where('served_gen', 'is not', null)
        .executeTakeFirstOrThrow()
      return num(r.n ?? 0)
    },
    anyActive: async () =>
      !!(await db
        .selectFrom('documents')
        .select('id')
        .where('status', 'in', [...activeDocumentStatuses])
        .limit(1)
        .executeTakeFirst()),
    /** KBs with work waiting, for the progress tracker after a restart. */
    kbsWithPending: async () =>
      (
        await db
          .selectFrom('documents')
          .select('kb_id')
          .distinct()
          .where('status', 'in', [...activeDocumentStatuses])
          .execute()
      ).map((r) => r.kb_id),

    insertMany: (rows: DocumentRow[]) => (rows.length ? db.insertInto('documents').values(rows).execute() : Promise.resolve()),
    update: async (id: string, patch: Partial<DocumentRow>, d: Db = db) => {
      if (nothingToSet(patch)) return
      await d.updateTable('documents').set(patch).where('id', '=', id).executeTakeFirst()
    },
    updateMany: (ids: string[], patch: Partial<DocumentRow>) =>
      ids.length ? db.updateTable('documents').set(patch).where('id', 'in', ids).execute() : Promise.resolve(),
    delete: (id: string) => db.deleteFrom('documents').where('id', '=', id).execute(),

    /**
     * Candidates for a worker: waiting, due, not leased by a live worker, and not in a knowledge
     * base that is switching embedding model (those wait for the swap). Documents fully written
     * and waiting for the index are not candidates: the batch end picks them up. `started` also
     * looks for work that stopped midway (a crash, an expired lease, a retry that is due); those
     * come first. Two queries, each read in index order, rather than one that sorts every waiting
     * document per claim.
     */
    async claimable(now: number, limit: number, exclude: string[], started = true): Promise<Array<{ id: string }>> {
      const pick = (statuses: readonly DocumentStatus[], n: number) => {
        let q = db
          .selectFrom('documents as d')
          .innerJoin('knowledge_bases as kb', 'kb.id', 'd.kb_id')
          .select(['d.id'])
          .where('d.status', 'in', [...statuses])
        // Queued documents are always due (a retry waits in a started stage, see the queue's
        // fail()); leaving the condition out lets SQLite read documents_claim in order.
        if (!statuses.includes('queued')) q = q.where('d.next_attempt_at', '<=', now)
        q = q
          .where((eb) => eb.or([eb('d.lease_until', 'is', null), eb('d.lease_until', '<', now)]))
          .where((eb) => eb.not(eb.and([eb('d.status', '=', 'indexing'), eb('d.chunks_done', '>=', eb.ref('d.chunk_count'))])))
          .where((eb) =>
            eb.or([
              eb('kb.collection', 'is', null),
              eb('kb.collection_model_id', '=', eb.ref('kb.embedding_model_id')),
              eb.and([eb('kb.collection_model_id', 'is', null), eb('kb.embedding_model_id', 'is', null)])
            ])
          )
          .orderBy('d.queued_at')
          .orderBy('d.id')
          .limit(n)
        if (exclude.length) q = q.where('d.id', 'not in', exclude)
        return q.execute()
      }
      const resumed = started ? await pick(startedDocumentStatuses, limit) : []
      return resumed.length >= limit ? resumed : [...resumed, ...(await pick(['queued'], limit - resumed.length))]
    },
    /** Takes the lease if nobody else holds a live one; false = another worker was faster. */
    async lease(id: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
      const r = await db
        .updateTable('documents')
        .set({ lease_owner: owner, lease_until: now + leaseMs })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now), eb('lease_owner', '=', owner)]))
        .executeTakeFirst()
      return Number(r.numUpdatedRows) === 1
    },
    renewLeases: (owner: string, until: number) =>
      db
        .updateTable('documents')
        .set({ lease_until: until })
        .where('lease_owner', '=', owner)
        .where('status', 'in', [...activeDocumentStatuses])
        .execute(),
    /** Fully written documents whose worker is gone (a restart): they only need the batch end. */
    orphanedWritten: (now: number, limit: number) =>
      db
        .selectFrom('documents')
        .select(['id', 'kb_id'])
        .where('status', '=', 'indexing')
        .where((eb) => eb('chunks_done', '>=', eb.ref('chunk_count')))
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .limit(limit)
        .execute(),
    staleVersions: (limit: number) => db.selectFrom('documents').select(['id', 'kb_id', 'stale_gen']).where('stale_gen', 'is not', null).limit(limit).execute(),
    /** Releases every lease `owner` holds (shutdown), so another process resumes at once rather than after they expire. */
    releaseLeases: (owner: string) => db.updateTable('documents').set({ lease_owner: null, lease_until: null }).where('lease_owner', '=', owner).execute(),
    /** Writes a stage change only while `owner` still holds the document; false = its lease was lost. */
    async own(id: string, owner: string, patch: Partial<DocumentRow>): Promise<boolean> {
      const r = await db
        .updateTable('documents')
        .set({ ...patch, updated_at: Date.now() })
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .executeTakeFirst()
      return Number(r.numUpdatedRows) === 1
    },
    /** Saves a version's resume point; false = the document was deleted or re-queued meanwhile. */
    async chunksWritten(id: string, gen: number, upto: number): Promise<boolean> {
      const r = await db
        .updateTable('documents')
        .set({ chunks_done: upto, updated_at: Date.now() })
        .where('id', '=', id)
        .where('gen', '=', gen)
        .executeTakeFirst()
      return Number(r.numUpdatedRows) !== 0
    },
    /**
     * A batch end: each fully written version (still the document's current one) becomes the served
     * one, in one transaction; the version it replaces is marked stale for cleanup. Returns the
     * documents promoted.
     */
    promote: (versions: Map<string, number>, now: number) =>
      db.transaction().execute(async (tx) => {
        const finished: Array<{ id: string; bytes: number }> = []
        for (const [id, gen] of versions) {
          const d = await tx
            .selectFrom('documents')
            .select(['id', 'gen', 'served_gen', 'status', 'chunks_done', 'chunk_count', 'work_hash', 'bytes'])
            .where('id', '=', id)
            .executeTakeFirst()
          if (!d || Number(d.gen) !== gen || d.status !== 'indexing' || Number(d.chunks_done) < Number(d.chunk_count)) continue
          const old = d.served_gen === null ? null : Number(d.served_gen)
          await tx
            .updateTable('documents')
            .set({
              status: 'ready',
              served_gen: gen,
              stale_gen: old !== null && old !== gen ? old : null,
              content_hash: d.work_hash,
              ...noError,
              attempts: 0,
              lease_owner: null,
              lease_until: null,
              finished_at: now,
              updated_at: now
            })
            .where('id', '=', id)
            .execute()
          finished.push({ id, bytes: Number(d.bytes) })
        }
        return finished
      }),
    /** The stale version's rows are deleted: forget it (unless a newer replacement made another one stale). */
    clearStale: (id: string, gen: number) => db.updateTable('documents').set({ stale_gen: null }).where('id', '=', id).where('stale_gen', '=', gen).execute(),
    /**
     * When the next waiting document becomes claimable: a retry's time, or the lease of a worker
     * other than `owner` running out (a dead process of a team server).
     */
    async nextDue(owner: string): Promise<number | null> {
      const rows = await db
        .selectFrom('documents')
        .select(['next_attempt_at', 'lease_until', 'lease_owner'])
        .where('status', 'in', [...activeDocumentStatuses])
        .orderBy('next_attempt_at')
        .limit(50)
        .execute()
      let due: number | null = null
      for (const r of rows) {
        const t = Math.max(Number(r.next_attempt_at), r.lease_owner && r.lease_owner !== owner ? Number(r.lease_until ?? 0) : 0)
        due = due === null ? t : Math.min(due, t)
      }
      return due
    },

    /** Served documents not yet copied into the knowledge base's next collection. */
    toReembed: (kbId: string, limit: number) =>
      db
        .selectFrom('documents')
        .select(['id', 'served_gen', 'name'])
        .where('kb_id', '=', kbId)
        .where('served_gen', 'is not', null)
        .where((eb) => eb.or([eb('reembed_gen', 'is', null), eb('reembed_gen', '!=', eb.ref('served_gen'))]))
        .orderBy('id')
        .limit(limit)
        .execute(),
    async reembedCounts(kbId: string) {
      const r = await db
        .selectFrom('documents')
        .select([
          (eb) => eb.fn.countAll<number>().as('total'),
          (eb) => eb.fn.sum<number>(eb.case().when('reembed_gen', '=', eb.ref('served_gen')).then(1).else(0).end()).as('done')
        ])
        .where('kb_id', '=', kbId)
        .where('served_gen', 'is not', null)
        .executeTakeFirstOrThrow()
      return { total: num(r.total), done: num(r.done ?? 0) }
    },
    /** A document's served version is in the next collection (unless a newer one was served meanwhile). */
    markReembedded: (id: string, gen: number) =>
      db.updateTable('documents').set({ reembed_gen: gen }).where('id', '=', id).where('served_gen', '=', gen).execute(),
    resetReembed: (kbId: string) => db.updateTable('documents').set({ reembed_gen: null }).where('kb_id', '=', kbId).execute(),

    /** Ids of a source's documents not seen by the sync run `stamp`, a page at a time. */
    unseen: (sourceId: string, stamp: string, limit: number) =>
      db
        .selectFrom('documents')
        .select(['id'])
        .where('source_id', '=', sourceId)
        .where((eb) => eb.or([eb('sync_stamp', 'is', null), eb('sync_stamp', '!=', stamp)]))
        .limit(limit)
        .execute(),
    idsOfSource: (sourceId: string, limit: number) => db.selectFrom('documents').select(['id']).where('source_id', '=', sourceId).limit(limit).execute(),
    countBySource: async (sourceIds: string[]) => {
      if (!sourceIds.length) return new Map<string, number>()
      const rows = await db
        .selectFrom('documents')
        .select(['source_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('source_id', 'in', sourceIds)
        .groupBy('source_id')
        .execute()
      return new Map(rows.map((r) => [r.source_id as string, num(r.n)]))
    },
    idsOfKb: (kbId: string, afterId: string, limit: number) =>
      db.selectFrom('documents').select(['id']).where('kb_id', '=', kbId).where('id', '>', afterId).orderBy('id').limit(limit).execute()
  }
}
export type DocumentsRepo = ReturnType<typeof documentsRepo>
