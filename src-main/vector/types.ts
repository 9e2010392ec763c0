/**
 * The one contract for chunk storage and retrieval. LanceDB (embedded, default) and Milvus
 * (team server) implement it; tests/unit/vector/contract.ts checks every implementation the same way.
 */

/** dim null = a full-text-only collection (a knowledge base without an embedding model). */
export interface CollectionSpec {
  dim: number | null
}

export type Vector = number[] | Float32Array

export interface VectorRow {
  /** Unique in the collection; writing an existing id replaces that row. */
  id: string
  docId: string
  kbId: string
  /** What full-text search matches and what a hit returns. */
  text: string
  /** Required, of exactly `dim` numbers, in a collection with a dim; absent in a full-text-only one. */
  vector?: Vector
  /** Free JSON (heading path, page, position…), returned as written. */
  meta: Record<string, unknown>
}

export type SearchMode = 'fulltext' | 'vector' | 'hybrid'

/** Each list narrows the search; an empty list matches nothing. */
export interface SearchFilter {
  kbIds?: string[]
  docIds?: string[]
}

export interface SearchRequest {
  /** The words for full-text search (modes fulltext and hybrid). */
  query: string
  /** The query embedding (modes vector and hybrid). */
  vector?: Vector
  mode: SearchMode
  topK: number
  filter?: SearchFilter
  /** Hybrid only: weight of the vector ranking in [0, 1]; the full-text ranking gets 1 - weight. Default 0.5. */
  hybridWeight?: number
}

/**
 * score, higher is better, and its scale depends on the mode:
 * fulltext = BM25 (unbounded), vector = cosine similarity (-1..1),
 * hybrid = weighted reciprocal-rank-fusion score (at most 1 / (RRF_K + 1)).
 */
export interface SearchHit {
  id: string
  docId: string
  kbId: string
  text: string
  score: number
  meta: Record<string, unknown>
}

export interface VectorStore {
  /** Which implementation, for logs and diagnostics. */
  readonly kind: string
  open(): Promise<void>
  /** Waits for running writes and index maintenance, then releases everything. Idempotent. */
  close(): Promise<void>
  /** Creates the collection or checks that the existing one has the same dim (AppError 'conflict' if not). */
  ensureCollection(name: string, spec: CollectionSpec): Promise<void>
  hasCollection(name: string): Promise<boolean>
  /** Inserts or replaces rows by id; all or nothing. */
  upsert(collection: string, rows: VectorRow[]): Promise<void>
  /**
   * Adds rows whose ids are not in the collection yet (a new document version). Cheaper than
   * upsert and, unlike it, does not wait for index maintenance, so a long import keeps writing
   * while earlier rows are folded into the index. An id that is already there would be stored
   * twice: when unsure (resuming after a crash), use upsert.
   */
  insert(collection: string, rows: VectorRow[]): Promise<void>
  /** Removes every row of a document; a missing collection or document is not an error. */
  deleteByDoc(collection: string, docId: string): Promise<void>
  search(collection: string, request: SearchRequest): Promise<SearchHit[]>
  count(collection: string): Promise<number>
  /** A missing collection is not an error. */
  dropCollection(name: string): Promise<void>
  /**
   * Folds rows written since the last call into the indexes (and builds indexes that a collection
   * has grown big enough for). Costly on big collections, so callers batch it: after a bulk
   * ingestion, not after each document. Implementations may also run it on their own when idle.
   */
  optimize(collection: string): Promise<void>
  /** Resolves once the work the store started on its own so far (index maintenance, compaction) is done. */
  settled(): Promise<void>
}
