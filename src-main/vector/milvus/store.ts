import type { MilvusClient, ResStatus, SearchResultData } from '@zilliz/milvus2-sdk-node'
import { AppError } from '../../contract/errors'
import { log } from '../../base/log'
import { KeyedMutex } from '../../base/keyed-mutex'
import { fuseRankings } from '../fusion'
import type { CollectionSpec, SearchHit, SearchRequest, Vector, VectorRow, VectorStore } from '../types'
import { checkCollectionName, checkRequest, checkRows, checkSpec, type CheckedRequest } from '../validate'
import type { MilvusApi } from './api'
import { docExpr, filterExpr, type FilterExpr } from './filter'
import { loadMilvusSdk } from './load'
import { fullTextRequest, hybridRequest, vectorRequest } from './requests'
import { FIELDS, MAX_BYTES, MAX_DIM, collectionRequest, layoutOf, toEntity } from './schema'
import { checkMilvusVersion } from './version'

export interface MilvusStoreOptions {
  /** host:port of Milvus (gRPC, usually 19530); an https:// address turns TLS on. */
  address: string
  /** An API key or "user:password" (Zilliz Cloud, Milvus with authentication on). */
  token?: string
  username?: string
  password?: string
  /** Milvus database; "default" when absent. */
  database?: string
  /**
   * Put before every collection name, so several workspaces (or test runs) share one Milvus
   * without seeing each other's collections: letters, digits and underscores, starting with a letter.
   */
  collectionPrefix: string
  /** Per call, in ms; also bounds how long open() waits for an unreachable server. Default 15 s. */
  timeoutMs?: number
  /** Tests only: a stand-in for the SDK's MilvusClient (see MilvusApi). */
  client?: MilvusApi
}

const DEFAULT_TIMEOUT_MS = 15_000
// Hybrid fusion looks this much deeper than topK in each list, as the LanceDB store does.
const HYBRID_DEPTH = 3
const MAX_QUERY_CHARS = 1_000
// One write request stays far below the request size Milvus accepts (its proxy's gRPC limit);
// 4000 rows of dim 1536 with 1 kB of text each are ~29 MB, so a big flush goes in two.
const MAX_WRITE_BYTES = 16 * 2 ** 20
const PREFIX = /^([A-Za-z][A-Za-z0-9_]*)?$/
const MAX_NAME = 255

export function createMilvusStore(opts: MilvusStoreOptions): VectorStore {
  return new MilvusVectorStore(opts)
}

class MilvusVectorStore implements VectorStore {
  readonly kind = 'milvus'
  private client: MilvusApi | null = null
  private opening: Promise<void> | null = null
  private closed = false
  /** The dim of each collection this store has seen, so writes and searches skip a describe call. */
  private readonly dims = new Map<string, number | null>()
  private readonly mutex = new KeyedMutex()
  /** Every call in flight; close() and settled() wait for them. */
  private readonly inflight = new Set<Promise<unknown>>()

  constructor(private readonly opts: MilvusStoreOptions) {
    if (!PREFIX.test(opts.collectionPrefix)) {
      throw new AppError('validation_failed', `Invalid Milvus collection prefix "${opts.collectionPrefix}": use a letter, then letters, digits or underscores`)
    }
  }

  open(): Promise<void> {
    if (this.closed) return Promise.reject(storeClosed())
    this.opening ??= this.connect().catch((err: unknown) => {
      this.opening = null
      throw err
    })
    return this.opening
  }

  private async connect(): Promise<void> {
    const { address } = this.opts
    let client = this.opts.client
    try {
      if (!client) {
        const { MilvusClient } = loadMilvusSdk()
        const real: MilvusClient = new MilvusClient({
          address,
          token: this.opts.token,
          username: this.opts.username,
          password: this.opts.password,
          database: this.opts.database,
          timeout: this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          logLevel: 'error'
        })
        // Closed below if it never connects: its channel pool would otherwise keep retrying.
        client = real
        // The client starts connecting as it is made; a refused connection surfaces here.
        await real.connectPromise
      }
      const { version } = await client.getVersion()
      checkMilvusVersion(address, version)
      this.client = client
      log.info({ address, version, database: this.opts.database ?? 'default' }, 'milvus vector store connected')
    } catch (err) {
      if (client && client !== this.opts.client)
        await client.closeConnection().catch((e: unknown) => log.warn({ err: e }, 'milvus close after failed open failed'))
      if (err instanceof AppError) throw err
      log.warn({ err, address }, 'milvus unreachable')
      throw new AppError('upstream_error', `Cannot reach Milvus at ${address}: ${errorText(err)}`)
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    // A failed opening was reported to open()'s caller; there is just nothing to close then.
    await this.opening?.catch(() => undefined)
    await this.settled()
    const client = this.client
    this.client = null
    this.dims.clear()
    if (client) await client.closeConnection()
  }

  async settled(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight])
    await this.mutex.idle()
  }

  async hasCollection(name: string): Promise<boolean> {
    checkCollectionName(name)
    return this.track(() => this.exists(name))
  }

  async ensureCollection(name: string, spec: CollectionSpec): Promise<void> {
    checkCollectionName(name)
    checkSpec(name, spec)
    if (spec.dim !== null && spec.dim > MAX_DIM)
      throw new AppError('validation_failed', `Invalid dim ${spec.dim} for collection "${name}": Milvus takes at most ${MAX_DIM}`)
    await this.track(() =>
      this.mutex.run(name, async () => {
        const stored = await this.storedDim(name)
        if (stored === undefined) {
          try {
            await this.call('create collection', name, (c) => c.createCollection(collectionRequest(this.physical(name), spec.dim)))
          } catch (err) {
            // Another server process may have created it a moment ago: then it must match, as below.
            const raced = await this.storedDim(name)
            if (raced === undefined) throw err
            checkDim(name, raced, spec.dim)
          }
          this.dims.set(name, spec.dim)
          return
        }
        checkDim(name, stored, spec.dim)
        // Loaded already in the usual case (then this returns at once); after a release it loads again.
        await this.call('load collection', name, (c) => c.loadCollection({ collection_name: this.physical(name) }))
      })
    )
  }

  async upsert(collection: string, rows: VectorRow[]): Promise<void> {
    await this.write('upsert', collection, rows)
  }

  async insert(collection: string, rows: VectorRow[]): Promise<void> {
    await this.write('insert', collection, rows)
  }

  /**
   * Rows are checked before anything is sent, so bad input writes nothing. Milvus has no
   * transaction over several requests: a batch too big for one request goes in parts, and a
   * connection lost between parts leaves the earlier parts written — upsert again (it is idempotent).
   */
  private async write(kind: 'upsert' | 'insert', collection: string, rows: VectorRow[]): Promise<void> {
    checkCollectionName(collection)
    await this.track(async () => {
      const dim = await this.dimOf(collection)
      const unique = checkRows(collection, dim, rows)
      for (const row of unique) checkSizes(collection, row)
      for (const part of writeBatches(unique)) {
        const data = part.map((row) => toEntity(row, dim))
        const req = { collection_name: this.physical(collection), data }
        const res = await this.call(kind, collection, (c) => (kind === 'upsert' ? c.upsert(req) : c.insert(req)))
        const written = Number(kind === 'upsert' ? res.upsert_cnt : res.insert_cnt)
        // A write Milvus acknowledged only in part must fail loudly here, not surface later as a
        // document that can never be found.
        if (written !== part.length) throw new AppError('upstream_error', `Milvus wrote ${written} of ${part.length} rows to "${collection}"`)
      }
    })
  }

  async deleteByDoc(collection: string, docId: string): Promise<void> {
    checkCollectionName(collection)
    await this.track(async () => {
      if (!(await this.exists(collection))) return
      const { expr, values } = docExpr(docId)
      await this.call('delete', collection, (c) => c.delete({ collection_name: this.physical(collection), filter: expr, exprValues: values }))
    })
  }

  async search(collection: string, request: SearchRequest): Promise<SearchHit[]> {
    checkCollectionName(collection)
    return this.track(async () => {
      const dim = await this.dimOf(collection)
      const req = checkRequest(collection, dim, request)
      const filter = filterExpr(req.filter)
      if (filter === null) return []
      return this.runSearch(collection, req, filter)
    })
  }

  private async runSearch(collection: string, req: CheckedRequest, filter: FilterExpr): Promise<SearchHit[]> {
    const name = this.physical(collection)
    const query = req.query.trim().slice(0, MAX_QUERY_CHARS)
    const run = async (request: Parameters<MilvusApi['search']>[0]) => toHits((await this.call('search', collection, (c) => c.search(request))).results)
    const byText = (limit: number) => (query ? run(fullTextRequest(name, query, filter, limit)) : Promise.resolve([]))
    const byVector = (limit: number) => run(vectorRequest(name, req.vector as Vector, filter, limit))
    switch (req.mode) {
      case 'fulltext':
        return byText(req.topK)
      case 'vector':
        return byVector(req.topK)
      case 'hybrid': {
        const depth = Math.max(req.topK * HYBRID_DEPTH, 20)
        if (req.hybridWeight === 0.5 && query) {
          // Milvus fuses (see hybridRequest); its scores are twice fusion.ts's at equal weights.
          const fused = await run(hybridRequest(name, query, req.vector as Vector, filter, depth))
          return fused.slice(0, req.topK).map((hit) => ({ ...hit, score: hit.score / 2 }))
        }
        // Other weights (Milvus's RRF has none), or no words to search: both lists, fused here.
        const [vectorHits, textHits] = await Promise.all([req.hybridWeight > 0 ? byVector(depth) : [], req.hybridWeight < 1 ? byText(depth) : []])
        return fuseRankings(vectorHits, textHits, req.hybridWeight, req.topK)
      }
    }
  }

  async count(collection: string): Promise<number> {
    checkCollectionName(collection)
    return this.track(async () => {
      await this.dimOf(collection)
      const { ConsistencyLevelEnum } = loadMilvusSdk()
      const res = await this.call('count', collection, (c) =>
        c.query({ collection_name: this.physical(collection), filter: '', output_fields: ['count(*)'], consistency_level: ConsistencyLevelEnum.Strong })
      )
      return Number(res.data[0]?.['count(*)'] ?? 0)
    })
  }

  async dropCollection(name: string): Promise<void> {
    checkCollectionName(name)
    await this.track(() =>
      this.mutex.run(name, async () => {
        this.dims.delete(name)
        if (await this.exists(name)) await this.call('drop collection', name, (c) => c.dropCollection({ collection_name: this.physical(name) }))
      })
    )
  }

  /**
   * Milvus seals segments, builds their indexes and compacts them on its own, and searches rows
   * not yet indexed by brute force (consistency "Strong" makes them visible at once), so there is
   * nothing to fold in. Not a flush either: Milvus rate-limits flushes per collection, and a flush
   * per ingestion batch would fail under load. It still reports a missing collection.
   */
  async optimize(collection: string): Promise<void> {
    checkCollectionName(collection)
    await this.track(() => this.dimOf(collection))
  }

  /** The Milvus collection behind a store collection. */
  private physical(name: string): string {
    const physical = this.opts.collectionPrefix + name
    if (physical.length > MAX_NAME) throw new AppError('validation_failed', `Collection name "${physical}" is longer than Milvus's ${MAX_NAME} characters`)
    return physical
  }

  private async exists(name: string): Promise<boolean> {
    const res = await this.call('check collection', name, (c) => c.hasCollection({ collection_name: this.physical(name) }))
    return Boolean(res.value)
  }

  /** The stored collection's dim (null = full-text only), undefined if there is no such collection. */
  private async storedDim(name: string): Promise<number | null | undefined> {
    if (!(await this.exists(name))) {
      this.dims.delete(name)
      return undefined
    }
    const res = await this.call('describe collection', name, (c) => c.describeCollection({ collection_name: this.physical(name) }))
    const layout = layoutOf(res.schema.fields)
    if (!layout.ok) throw new AppError('conflict', `Milvus collection "${this.physical(name)}" was not made by this store: ${layout.reason}`)
    this.dims.set(name, layout.dim)
    return layout.dim
  }

  private async dimOf(name: string): Promise<number | null> {
    if (this.dims.has(name)) return this.dims.get(name) as number | null
    const dim = await this.storedDim(name)
    if (dim === undefined) throw new AppError('not_found', `Vector collection "${name}" does not exist`)
    return dim
  }

  /**
   * One SDK call: a status other than Success, or a thrown gRPC error (server gone, timeout),
   * becomes an AppError naming the operation and the collection.
   */
  private async call<T extends ResStatus | { status: ResStatus }>(what: string, collection: string, fn: (c: MilvusApi) => Promise<T>): Promise<T> {
    if (this.closed && !this.client) throw storeClosed()
    const client = this.client
    if (!client) throw new AppError('internal', 'Vector store is not open: call open() first')
    let res: T
    try {
      res = await fn(client)
    } catch (err) {
      if (err instanceof AppError) throw err
      log.warn({ err, collection, op: what }, 'milvus call failed')
      throw new AppError('upstream_error', `Milvus could not ${what} "${collection}": ${errorText(err)}`)
    }
    const status: ResStatus = 'status' in res ? res.status : res
    if (!isSuccess(status)) {
      log.warn({ collection, op: what, code: status.error_code, reason: status.reason }, 'milvus call refused')
      throw new AppError('upstream_error', `Milvus could not ${what} "${collection}": ${status.reason || String(status.error_code)}`)
    }
    return res
  }

  private async track<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw storeClosed()
    const task = fn()
    this.inflight.add(task)
    try {
      return await task
    } finally {
      this.inflight.delete(task)
    }
  }
}

function isSuccess(status: ResStatus): boolean {
  return status.error_code === 'Success' || status.error_code === 0 || (status.error_code === undefined && !status.code)
}

function checkDim(name: string, stored: number | null, wanted: number | null): void {
  if (stored !== wanted)
    throw new AppError('conflict', `Collection "${name}" has dim ${describeDim(stored)}; it cannot be used with dim ${describeDim(wanted)}`)
}

function describeDim(dim: number | null): string {
  return dim === null ? 'none (full-text only)' : String(dim)
}

/** Milvus would refuse the whole request with a message naming a field; this names the row. */
function checkSizes(collection: string, row: VectorRow): void {
  for (const [field, value] of [
    ['id', row.id],
    ['docId', row.docId],
    ['kbId', row.kbId],
    ['text', row.text],
    ['meta', JSON.stringify(row.meta ?? {})]
  ] as const) {
    const bytes = Buffer.byteLength(value)
    if (bytes > MAX_BYTES[field]) {
      throw new AppError(
        'validation_failed',
        `Row ${row.id.slice(0, 80)} for "${collection}": ${field} is ${bytes} bytes, Milvus takes at most ${MAX_BYTES[field]}`
      )
    }
  }
}

/** Splits rows into requests of at most MAX_WRITE_BYTES (estimated: text, ids, meta and 4 bytes a dimension). */
function* writeBatches(rows: VectorRow[]): Generator<VectorRow[]> {
  let batch: VectorRow[] = []
  let bytes = 0
  for (const row of rows) {
    const size =
      Buffer.byteLength(row.text) +
      row.id.length +
      row.docId.length +
      row.kbId.length +
      JSON.stringify(row.meta ?? {}).length +
      (row.vector?.length ?? 0) * 4 +
      64
    if (batch.length && bytes + size > MAX_WRITE_BYTES) {
      yield batch
      batch = []
      bytes = 0
    }
    batch.push(row)
    bytes += size
  }
  if (batch.length) yield batch
}

function toHits(results: SearchResultData[] | SearchResultData[][]): SearchHit[] {
  const rows = (Array.isArray(results[0]) ? results[0] : results) as SearchResultData[]
  return rows.map((r) => ({
    id: String(r[FIELDS.id] ?? r.id),
    docId: String(r[FIELDS.docId]),
    kbId: String(r[FIELDS.kbId]),
    text: String(r[FIELDS.text]),
    score: Number(r.score),
    meta: toMeta(r[FIELDS.meta])
  }))
}

function toMeta(value: unknown): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value)) return value as Record<string, unknown>
  if (typeof value === 'string' || Buffer.isBuffer(value)) {
    try {
      const parsed = JSON.parse(String(value)) as unknown
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>
    } catch {
      // A row written by something else: its meta is not ours to read.
    }
  }
  return {}
}

function errorText(err: unknown): string {
  const text =
    err instanceof Error ? err.message : typeof err === 'object' && err && 'reason' in err ? String((err as { reason: unknown }).reason) : String(err)
  return text.length > 300 ? `${text.slice(0, 300)}…` : text
}

function storeClosed(): AppError {
  return new AppError('internal', 'Vector store is closed')
}
