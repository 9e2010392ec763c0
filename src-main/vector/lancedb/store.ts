import { mkdir } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Connection, Index as LanceIndex, Operator, Table } from '@lancedb/lancedb'
import { AppError } from '../../contract/errors'
import type { CollectionSpec, SearchHit, SearchRequest, Vector, VectorRow, VectorStore } from '../types'
import { checkCollectionName, checkRequest, checkRows, checkSpec } from '../validate'
import { fuseRankings } from '../fusion'
import { KeyedMutex } from '../../base/keyed-mutex'
import { loadLance } from './load'
import type { Schema, Table as ArrowTable } from 'apache-arrow'
import { COLUMNS, RESULT_COLUMNS, collectionSchema, dimOf, hasTermsColumn, toRecord } from './schema'
import { searchTerms } from './search-terms'
import { sqlString, whereClause } from './sql'
import { MaintenanceScheduler, type MaintenanceOptions } from './maintenance'
import { log } from '../../base/log'

export interface LanceDbStoreOptions {
  /** The folder holding the tables, e.g. <dataDir>/vectors. Created if missing. */
  dir: string
  /** Automatic index maintenance after writes (see MaintenanceScheduler); false leaves it all to optimize(). */
  maintenance?: Partial<MaintenanceOptions> | false
  /** A vector collection gets its vector index (see vectorIndexConfig) at the first optimize() after it reaches this many rows. */
  vectorIndexMinRows?: number
  /** LanceDB's in-memory caches (LanceDB's own defaults: 6 GiB of index data, 1 GiB of file metadata). */
  cacheBytes?: { index: number; metadata: number }
  /**
   * Other processes write the same folder (two `agenta serve` of a team server without Milvus, on
   * one machine): every read checks for their new table versions first, so an upsert sees the rows
   * another process wrote and replaces them instead of adding duplicates.
   */
  shared?: boolean
}

export interface LanceDbStore extends VectorStore {
  /** Rows written since the last optimize, as far as this process knows. */
  pendingRows(collection: string): number
}

// Bounded so a desktop app stays small next to a big knowledge base: 1M chunks' full-text and
// vector indexes fit (measured in bench/kb); LanceDB's defaults would let the caches grow to 7 GiB.
const DEFAULT_CACHE_BYTES = { index: 512 * 2 ** 20, metadata: 64 * 2 ** 20 }
const DEFAULT_MAINTENANCE: Omit<MaintenanceOptions, 'onError'> = { idleMs: 2_000, maxWaitMs: 30_000, maxPendingRows: 20_000 }
// Below this, brute-force vector search is fast (~100 ms at 25k rows on 2 cores) and an IVF
// build (about 2 minutes at 100k) would not pay off.
const DEFAULT_VECTOR_INDEX_MIN_ROWS = 25_000
// Rows that contain every query term get this much extra weight over rows that contain some.
const ALL_TERMS_BOOST = 3
// Hybrid fusion looks this much deeper than topK in each list, so a row ranked low by one list
// but high by the other still makes the cut.
const HYBRID_DEPTH = 3
const MAX_QUERY_CHARS = 1_000
// A run that LanceDB's "simple" tokenizer keeps as one token (it splits on whatever is not
// alphanumeric; letters and numbers here are a subset of Rust's alphanumeric, so a query counted as
// one term here is one term there).
const WORD = /[\p{L}\p{N}]+/gu
// Writes must pause this long before a compaction starts (see compactWhenQuiet).
const COMPACT_AFTER_QUIET_MS = 2_000
// Old table versions are kept this long so a reader that started before a compaction can finish.
const KEEP_VERSIONS_MS = 60 * 60_000

interface OpenTable {
  table: Table
  schema: Schema
  dim: number | null
  hasVectorIndex: boolean
  /** False for a table of the first layout, whose full-text index reads `text` (see hasTermsColumn). */
  terms: boolean
}

export function createLanceDbStore(opts: LanceDbStoreOptions): LanceDbStore {
  return new LanceDbVectorStore(opts)
}

class LanceDbVectorStore implements LanceDbStore {
  readonly kind = 'lancedb'
  private conn: Connection | null = null
  private closed = false
  private readonly tables = new Map<string, OpenTable>()
  private readonly mutex = new KeyedMutex()
  /** Inserts run outside the mutex; close() waits for them too. */
  private readonly inserting = new Set<Promise<unknown>>()
  private readonly scheduler: MaintenanceScheduler | null
  /** Compactions waiting for their collection's writes to pause, or running. */
  private readonly compactions = new Map<string, Promise<void>>()
  private readonly lastWrite = new Map<string, number>()
  /** Ends those waits at close(). */
  private readonly closing = new AbortController()
  private readonly vectorIndexMinRows: number

  constructor(private readonly opts: LanceDbStoreOptions) {
    this.vectorIndexMinRows = opts.vectorIndexMinRows ?? DEFAULT_VECTOR_INDEX_MIN_ROWS
    this.scheduler =
      opts.maintenance === false
        ? null
        : new MaintenanceScheduler((collection) => this.backgroundOptimize(collection), {
            ...DEFAULT_MAINTENANCE,
            onError: (collection, err) => log.warn({ err, collection }, 'vector index maintenance failed'),
            ...opts.maintenance
          })
  }

  async open(): Promise<void> {
    if (this.conn) return
    if (this.closed) throw storeClosed()
    const { lancedb } = loadLance()
    await mkdir(this.opts.dir, { recursive: true })
    const cache = this.opts.cacheBytes ?? DEFAULT_CACHE_BYTES
    this.conn = await lancedb.connect(
      this.opts.dir,
      this.opts.shared ? { readConsistencyInterval: 0 } : {},
      new lancedb.Session(BigInt(cache.index), BigInt(cache.metadata))
    )
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.closing.abort()
    this.scheduler?.stop()
    await Promise.allSettled([...this.inserting, ...this.compactions.values()])
    await this.mutex.idle()
    for (const t of this.tables.values()) t.table.close()
    this.tables.clear()
    this.conn?.close()
    this.conn = null
  }

  /** After every write: what index maintenance and the compaction wait (see compactWhenQuiet) go by. */
  private wrote(collection: string, rows: number): void {
    this.lastWrite.set(collection, Date.now())
    this.scheduler?.noteWrite(collection, rows)
  }

  pendingRows(collection: string): number {
    return this.scheduler?.pendingRows(collection) ?? 0
  }

  async hasCollection(name: string): Promise<boolean> {
    checkCollectionName(name)
    return this.tables.has(name) || (await this.exists(name))
  }

  async ensureCollection(name: string, spec: CollectionSpec): Promise<void> {
    checkCollectionName(name)
    checkSpec(name, spec)
    await this.mutex.run(name, async () => {
      const existing = this.tables.get(name) ?? ((await this.exists(name)) ? await this.openTable(name) : null)
      if (existing) {
        if (existing.dim !== spec.dim) {
          throw new AppError('conflict', `Collection "${name}" has dim ${describeDim(existing.dim)}; it cannot be used with dim ${describeDim(spec.dim)}`)
        }
        await ensureIndexes(existing)
        return
      }
      const schema = collectionSchema(spec.dim)
      const table = await this.connection().createEmptyTable(name, schema, { mode: 'create', existOk: false })
      const opened: OpenTable = { table, schema, dim: spec.dim, hasVectorIndex: false, terms: true }
      await ensureIndexes(opened)
      this.tables.set(name, opened)
    })
  }

  async upsert(collection: string, rows: VectorRow[]): Promise<void> {
    checkCollectionName(collection)
    await this.mutex.run(collection, async () => {
      const t = await this.table(collection)
      const unique = checkRows(collection, t.dim, rows)
      if (unique.length === 0) return
      const data = toArrow(t, unique)
      const result = await t.table.mergeInsert(COLUMNS.id).whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(data)
      // A write LanceDB silently dropped (e.g. through a second copy of Arrow) must fail loudly here,
      // not surface later as a document that can never be found.
      const written = result.numInsertedRows + result.numUpdatedRows
      if (written !== unique.length) {
        throw new AppError('internal', `Vector store wrote ${written} of ${unique.length} rows to "${collection}"`)
      }
      this.wrote(collection, unique.length)
    })
  }

  async insert(collection: string, rows: VectorRow[]): Promise<void> {
    checkCollectionName(collection)
    // Not under the collection's mutex: LanceDB commits an append alongside a running optimize
    // (compaction and index merges), while a merge-insert would be refused as a conflict.
    const write = (async () => {
      const t = await this.table(collection)
      const unique = checkRows(collection, t.dim, rows)
      if (unique.length === 0) return
      const data = toArrow(t, unique)
      if (data.numRows !== unique.length) throw new AppError('internal', `Vector store converted ${data.numRows} of ${unique.length} rows for "${collection}"`)
      await t.table.add(data)
      this.wrote(collection, unique.length)
    })()
    this.inserting.add(write)
    try {
      await write
    } finally {
      this.inserting.delete(write)
    }
  }

  async deleteByDoc(collection: string, docId: string): Promise<void> {
    checkCollectionName(collection)
    await this.mutex.run(collection, async () => {
      const t = await this.tableIfExists(collection)
      if (!t) return
      await t.table.delete(`${COLUMNS.docId} = ${sqlString(docId)}`)
      this.wrote(collection, 1)
    })
  }

  async search(collection: string, request: SearchRequest): Promise<SearchHit[]> {
    checkCollectionName(collection)
    const t = await this.table(collection)
    const req = checkRequest(collection, t.dim, request)
    const where = whereClause(req.filter)
    if (where === null) return []
    switch (req.mode) {
      case 'fulltext':
        return fullTextSearch(t, req.query, where, req.topK)
      case 'vector':
        return vectorSearch(t, req.vector as Vector, where, req.topK)
      case 'hybrid': {
        const depth = Math.max(req.topK * HYBRID_DEPTH, 20)
        // The text side without its all-terms boost (LanceDB's own hybrid does the same): at 1M rows
        // it was a third of the time (hybrid p50 18 → 14 ms) and changed 1% of the fused top 10
        // (bench/kb): the vector list and the fusion already lift rows that hold every term.
        const [byVector, byText] = await Promise.all([vectorSearch(t, req.vector as Vector, where, depth), fullTextSearch(t, req.query, where, depth, false)])
        return fuseRankings(byVector, byText, req.hybridWeight, req.topK)
      }
    }
  }

  async count(collection: string): Promise<number> {
    checkCollectionName(collection)
    const t = await this.table(collection)
    return t.table.countRows()
  }

  async dropCollection(name: string): Promise<void> {
    checkCollectionName(name)
    await this.mutex.run(name, async () => {
      this.scheduler?.cancel(name)
      const t = this.tables.get(name)
      this.tables.delete(name)
      t?.table.close()
      if (await this.exists(name)) await this.connection().dropTable(name)
    })
  }

  async optimize(collection: string): Promise<void> {
    checkCollectionName(collection)
    await this.mutex.run(collection, () => this.maintain(collection))
  }

  private async maintain(collection: string): Promise<void> {
    const started = Date.now()
    const t = await this.table(collection)
    // Vector rows written since the last run need optimize() only when a vector index already existed.
    const vectorsCovered = !t.hasVectorIndex
    if (t.dim !== null && !t.hasVectorIndex && (await t.table.countRows()) >= this.vectorIndexMinRows) {
      await t.table.createIndex(COLUMNS.vector, { config: vectorIndexConfig(t.dim) })
      t.hasVectorIndex = true
    }
    if (vectorsCovered && (await mostlyUnindexed(t.table))) {
      // Most rows are new (a first import): building the text and scalar indexes afresh costs about
      // a third less than folding rows into them (bench/kb). optimize()'s compaction is left out
      // here, so the rows are served without waiting for it; it follows when writes pause (below).
      await ensureIndexes(t, true)
      if (await fragmented(t.table)) this.compactWhenQuiet(collection)
    } else {
      await ensureIndexes(t)
      // Folds new rows into every index (without rebuilding them) and compacts small fragments.
      await t.table.optimize({ cleanupOlderThan: new Date(Date.now() - KEEP_VERSIONS_MS) })
    }
    this.scheduler?.done(collection, Date.now() - started)
  }

  /**
   * Every write is a fragment of its own; queries visit each one, so a collection imported in a
   * thousand writes searches 1.6–1.7 × slower than compacted (bench/kb, 1M rows in 100 fragments:
   * vector 16 → 10 ms, hybrid 29 → 18 ms). It waits until the collection's writes pause: during a
   * long import the next index build comes soon and compacts anyway, and compacting next to the
   * import's writes made a 1 GB import a quarter slower and its peak RSS 250 MB higher (bench/kb). Then it queues on the
   * collection's lock; close() and settled() wait for it.
   */
  private compactWhenQuiet(collection: string): void {
    if (this.compactions.has(collection)) return
    const task = (async () => {
      for (;;) {
        const quietFor = Date.now() - (this.lastWrite.get(collection) ?? 0)
        if (quietFor >= COMPACT_AFTER_QUIET_MS) break
        await sleep(COMPACT_AFTER_QUIET_MS - quietFor, undefined, { signal: this.closing.signal })
      }
      await this.mutex.run(collection, async () => {
        const t = await this.tableIfExists(collection)
        if (t && (await fragmented(t.table))) await t.table.optimize({ cleanupOlderThan: new Date(Date.now() - KEEP_VERSIONS_MS) })
      })
    })()
      .catch((err: unknown) => {
        if (!this.closed) log.warn({ err, collection }, 'vector compaction failed')
      })
      .finally(() => this.compactions.delete(collection))
    this.compactions.set(collection, task)
  }

  async settled(): Promise<void> {
    while (this.compactions.size) await Promise.allSettled([...this.compactions.values()])
    await this.mutex.idle()
  }

  private async backgroundOptimize(collection: string): Promise<void> {
    if (this.closed) return
    try {
      await this.optimize(collection)
    } catch (err) {
      // Dropped while maintenance was waiting: nothing left to maintain.
      if (err instanceof AppError && err.code === 'not_found') return
      throw err
    }
  }

  private connection(): Connection {
    if (this.closed) throw storeClosed()
    if (!this.conn) throw new AppError('internal', 'Vector store is not open: call open() first')
    return this.conn
  }

  private async exists(name: string): Promise<boolean> {
    const conn = this.connection()
    // tableNames is paged; a data folder can hold more tables than one page.
    let after: string | undefined
    for (;;) {
      const page = await conn.tableNames({ ...(after === undefined ? {} : { startAfter: after }), limit: 1000 })
      if (page.includes(name)) return true
      if (page.length < 1000) return false
      after = page[page.length - 1]
    }
  }

  private async table(name: string): Promise<OpenTable> {
    const t = await this.tableIfExists(name)
    if (!t) throw new AppError('not_found', `Vector collection "${name}" does not exist`)
    return t
  }

  private async tableIfExists(name: string): Promise<OpenTable | null> {
    this.connection()
    const cached = this.tables.get(name)
    if (cached) return cached
    return (await this.exists(name)) ? this.openTable(name) : null
  }

  private async openTable(name: string): Promise<OpenTable> {
    const table = await this.connection().openTable(name)
    const schema = await table.schema()
    const indices = await table.listIndices()
    const opened: OpenTable = {
      table,
      schema,
      dim: dimOf(schema),
      hasVectorIndex: indices.some((i) => i.columns.includes(COLUMNS.vector)),
      terms: hasTermsColumn(schema)
    }
    this.tables.set(name, opened)
    // Rows left unindexed by an earlier run (a crash, a close before maintenance) get folded in soon.
    const fts = indices.find((i) => i.indexType === 'FTS')
    const unindexed = fts ? ((await table.indexStats(fts.name))?.numUnindexedRows ?? 0) : 0
    if (unindexed > 0) this.scheduler?.noteWrite(name, unindexed)
    return opened
  }
}

/**
 * Full-text search on words and character pairs. A row must share a term with the query; rows
 * with all of the query's terms (the exact Chinese phrase, or every word of a short question) rank
 * first. Terms that appear nowhere in the collection are ignored by the AND clause, so a question
 * like "古镇门票多少钱" still matches a row with 古镇 and 门票. Without `allTermsBoost` (hybrid), the
 * rows sharing any term, by their BM25 score alone.
 */
async function fullTextSearch(t: OpenTable, query: string, where: string, limit: number, allTermsBoost = true): Promise<SearchHit[]> {
  const trimmed = query.trim().slice(0, MAX_QUERY_CHARS)
  if (!trimmed) return []
  const text = t.terms ? searchTerms(trimmed) : trimmed
  const column = t.terms ? COLUMNS.terms : COLUMNS.text
  const { lancedb } = loadLance()
  const match = async (operator: Operator): Promise<SearchHit[]> => {
    let builder = t.table
      .query()
      .fullTextSearch(new lancedb.MatchQuery(text, column, { operator }), { columns: column })
      .select([...RESULT_COLUMNS, '_score'])
      .limit(limit)
    if (where) builder = builder.where(where)
    return ((await builder.toArray()) as Record<string, unknown>[]).map((row) => toHit(row, Number(row._score)))
  }
  // Two plain match queries, not one BooleanQuery(Or, And^boost): LanceDB 0.31 answers each in a
  // few ms with top-k pruning but the boolean form 20–200 × slower (measured in bench/kb). The
  // scores add up as the boolean query's would: the Or score, plus the boosted And score.
  // With one term every row that matches holds all of the query's terms: the And query would
  // return the Or query's rows again, so they are reused (same scores, one LanceDB query less).
  // Not for the first layout, whose ngram tokenizer cuts one word into several pairs.
  const single = t.terms && (text.match(WORD) ?? []).length <= 1
  const anyQuery = match(lancedb.Operator.Or)
  if (!allTermsBoost) return (await anyQuery).sort((a, b) => b.score - a.score)
  const [any, all] = await Promise.all([anyQuery, single ? anyQuery : match(lancedb.Operator.And)])
  const scores = new Map<string, SearchHit>()
  for (const hit of any) scores.set(hit.id, hit)
  for (const hit of all) {
    const base = scores.get(hit.id)
    scores.set(hit.id, { ...hit, score: (base?.score ?? hit.score) + ALL_TERMS_BOOST * hit.score })
  }
  // Hits from rows not yet in the index come back unordered; rank them with the rest.
  return [...scores.values()].sort((a, b) => b.score - a.score).slice(0, limit)
}

async function vectorSearch(t: OpenTable, vector: Vector, where: string, limit: number): Promise<SearchHit[]> {
  let builder = t.table
    .query()
    .nearestTo(Float32Array.from(vector))
    .distanceType('cosine')
    .select([...RESULT_COLUMNS, '_distance'])
    .limit(limit)
  // Measured (IVF_PQ, 100k rows): the default 20 probes recall ~.4 of the true top 10, 50 + refine 10 ~.9.
  // Refining reads the full vectors of limit × 10 candidates: most of a query's time at 1M rows.
  if (t.hasVectorIndex) builder = builder.nprobes(50).refineFactor(10)
  if (where) builder = builder.where(where)
  const rows = (await builder.toArray()) as Record<string, unknown>[]
  return rows.map((row) => toHit(row, 1 - Number(row._distance))).sort((a, b) => b.score - a.score)
}

/** Creates the indexes a table lacks; `rebuild` builds all of them afresh over every row. */
async function ensureIndexes(t: OpenTable, rebuild = false): Promise<void> {
  const { lancedb } = loadLance()
  const { table } = t
  const indexed = new Set((await table.listIndices()).flatMap((i) => i.columns))
  const create = async (column: string, config: LanceIndex) => {
    if (rebuild || !indexed.has(column)) await table.createIndex(column, { config, replace: true })
  }
  if (t.terms) {
    await create(COLUMNS.terms, termsIndexConfig())
  } else {
    // The first layout: LanceDB pairs up every character itself.
    const pairs = { baseTokenizer: 'ngram', ngramMinLength: 2, ngramMaxLength: 2, prefixOnly: false, stem: false, removeStopWords: false } as const
    await create(COLUMNS.text, lancedb.Index.fts({ ...pairs, lowercase: true, asciiFolding: true, withPosition: false }))
  }
  // Scalar indexes keep upsert (a join on id), deleteByDoc and kb filters fast at a million rows.
  await create(COLUMNS.id, lancedb.Index.btree())
  await create(COLUMNS.docId, lancedb.Index.btree())
  await create(COLUMNS.kbId, lancedb.Index.bitmap())
}

/**
 * The full-text index of the `terms` column: words split on spaces and punctuation; Chinese arrives
 * already cut into character pairs (search-terms.ts). English stemming and stop words leave those
 * pairs alone. Language "Chinese" kills the process: never set it.
 */
export function termsIndexConfig(): LanceIndex {
  const { lancedb } = loadLance()
  return lancedb.Index.fts({ baseTokenizer: 'simple', stem: true, removeStopWords: true, lowercase: true, asciiFolding: true, withPosition: false })
}

/** Small fragments (one per write) that compaction would merge. */
async function fragmented(table: Table): Promise<boolean> {
  return (await table.stats()).fragmentStats.numSmallFragments > 1
}

/** More rows wait outside the full-text index than are in it. */
async function mostlyUnindexed(table: Table): Promise<boolean> {
  const fts = (await table.listIndices()).find((i) => i.indexType === 'FTS')
  const stats = fts ? await table.indexStats(fts.name) : undefined
  return !!stats && stats.numUnindexedRows > stats.numIndexedRows
}

function toArrow(t: OpenTable, rows: VectorRow[]): ArrowTable {
  const { lancedb } = loadLance()
  return lancedb.makeArrowTable(
    rows.map((row) => toRecord(row, t.dim, t.terms)),
    { schema: t.schema }
  )
}

function toHit(row: Record<string, unknown>, score: number): SearchHit {
  return {
    id: String(row[COLUMNS.id]),
    docId: String(row[COLUMNS.docId]),
    kbId: String(row[COLUMNS.kbId]),
    text: String(row[COLUMNS.text]),
    score,
    meta: parseMeta(row[COLUMNS.meta])
  }
}

function parseMeta(value: unknown): Record<string, unknown> {
  try {
    const parsed = JSON.parse(String(value)) as unknown
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

/**
 * IVF_RQ (RaBitQ: one bit per dimension, exact distances for the refined candidates) where the
 * dimension allows it. Measured at 1M rows of dim 384 against the IVF_PQ this store built before
 * (24 sub-vectors), same queries, same probes and refinement: built in 37 s instead of 86 s, top 10
 * in 15 ms instead of 20 ms, recall@10 .64 instead of .51 (bench/kb README). Collections indexed
 * before keep their IVF_PQ index.
 */
function vectorIndexConfig(dim: number): LanceIndex {
  const { lancedb } = loadLance()
  // One bit per dimension is too coarse for small vectors (a dim-16 test found the wrong nearest
  // row); embedding models give 256 and more.
  if (dim >= 128 && dim % 8 === 0) return lancedb.Index.ivfRq({ distanceType: 'cosine', numBits: 1 })
  // nprobes/refineFactor at query time matter more for recall than these build settings.
  return lancedb.Index.ivfPq({ distanceType: 'cosine', numSubVectors: subVectorsFor(dim) })
}

/** PQ needs a sub-vector count that divides dim; about dim/16 is LanceDB's own default. */
function subVectorsFor(dim: number): number {
  for (let n = Math.max(1, Math.floor(dim / 16)); n > 1; n--) if (dim % n === 0) return n
  return 1
}

function describeDim(dim: number | null): string {
  return dim === null ? 'none (full-text only)' : String(dim)
}

function storeClosed(): AppError {
  return new AppError('internal', 'Vector store is closed')
}
