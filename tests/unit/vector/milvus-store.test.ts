import { createServer } from 'node:net'
import { describe, expect, it, vi } from 'vitest'
import type { FieldType, HybridSearchReq, SearchResultData, SearchSimpleReq } from '@zilliz/milvus2-sdk-node'
import { AppError } from '../../../src-main/contract/errors'
import { createMilvusStore, parseMilvusUrl, type VectorStore } from '../../../src-main/vector'
import { filterExpr } from '../../../src-main/vector/milvus/filter'
import { loadMilvusSdk } from '../../../src-main/vector/milvus/load'
import { FakeMilvus, OK, refused } from './fake-milvus'

// The Milvus store's request building, against a recording fake of the SDK client (no Milvus can
// run here; milvus.test.ts runs the shared contract when MILVUS_ADDRESS is set).

const { DataType, FunctionType } = loadMilvusSdk()
const PREFIX = 'ws1_'

async function openStore(fake = new FakeMilvus()): Promise<{ store: VectorStore; fake: FakeMilvus }> {
  const store = createMilvusStore({ address: 'fake:19530', collectionPrefix: PREFIX, client: fake })
  await store.open()
  return { store, fake }
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(AppError)
  return err as AppError
}

const hit = (id: string, score: number, extra: Partial<SearchResultData> = {}): SearchResultData => ({
  id,
  score,
  doc_id: `doc-${id}`,
  kb_id: 'kb',
  text: `text ${id}`,
  meta: { n: id },
  ...extra
})

const field = (fields: FieldType[], name: string) => fields.find((f) => f.name === name)

describe('Milvus store: collections', () => {
  it('creates a collection with a partition key per knowledge base, BM25 on a jieba analyzer, cosine vectors', async () => {
    const { store, fake } = await openStore()
    await store.ensureCollection('kb_a_1', { dim: 8 })
    const [req] = fake.of('createCollection')
    expect(req.collection_name).toBe('ws1_kb_a_1')
    const fields = 'fields' in req ? req.fields : []
    expect(field(fields, 'id')).toMatchObject({ data_type: DataType.VarChar, is_primary_key: true, autoID: false })
    expect(field(fields, 'kb_id')).toMatchObject({ data_type: DataType.VarChar, is_partition_key: true })
    expect(fields.filter((f) => f.is_partition_key).map((f) => f.name)).toEqual(['kb_id'])
    expect(field(fields, 'text')).toMatchObject({
      data_type: DataType.VarChar,
      enable_analyzer: true,
      max_length: 65_535,
      analyzer_params: { tokenizer: 'jieba', filter: ['lowercase', 'removepunct'] }
    })
    expect(field(fields, 'sparse')).toMatchObject({ data_type: DataType.SparseFloatVector })
    expect(field(fields, 'vector')).toMatchObject({ data_type: DataType.FloatVector, dim: 8 })
    expect(field(fields, 'meta')).toMatchObject({ data_type: DataType.JSON })
    expect(req.functions).toEqual([{ name: 'text_bm25', type: FunctionType.BM25, input_field_names: ['text'], output_field_names: ['sparse'], params: {} }])
    expect(req.index_params).toEqual(
      expect.arrayContaining([
        { field_name: 'sparse', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'BM25' },
        { field_name: 'vector', index_type: 'AUTOINDEX', metric_type: 'COSINE' },
        { field_name: 'doc_id', index_type: 'INVERTED' }
      ])
    )
    expect(req.consistency_level).toBe('Strong')
    expect(req.enable_dynamic_field).toBe(false)
    await store.close()
  })

  it('makes a full-text-only collection with no vector field or index', async () => {
    const { store, fake } = await openStore()
    await store.ensureCollection('kb_t_1', { dim: null })
    const [req] = fake.of('createCollection')
    const fields = 'fields' in req ? req.fields : []
    expect(fields.map((f) => f.name)).not.toContain('vector')
    expect(req.index_params.map((i) => i.field_name)).not.toContain('vector')
    expect(field(fields, 'sparse')).toBeDefined()
  })

  it('reuses an existing collection of the same dim and refuses another dim, creating nothing', async () => {
    const { store, fake } = await openStore()
    await store.ensureCollection('kb_a_1', { dim: 8 })
    // A second process (a fresh store on the same Milvus) sees the stored layout.
    const { store: other } = await openStore(fake)
    await other.ensureCollection('kb_a_1', { dim: 8 })
    expect(fake.of('createCollection')).toHaveLength(1)
    expect(fake.of('loadCollection')).toEqual([{ collection_name: 'ws1_kb_a_1' }])
    expect((await rejection(other.ensureCollection('kb_a_1', { dim: 16 }))).code).toBe('conflict')
    expect((await rejection(other.ensureCollection('kb_a_1', { dim: null }))).code).toBe('conflict')
    expect(fake.of('createCollection')).toHaveLength(1)
  })

  it('creates once under concurrent calls, and accepts a collection another process created a moment before', async () => {
    const { store, fake } = await openStore()
    await Promise.all([store.ensureCollection('kb_a_1', { dim: 4 }), store.ensureCollection('kb_a_1', { dim: 4 })])
    expect(fake.of('createCollection')).toHaveLength(1)
    // The other process wins the race: Milvus refuses our create, the stored layout decides.
    const create = fake.createCollection.bind(fake)
    fake.createCollection = async (req) => {
      await create(req)
      return refused(`collection ${req.collection_name} already exists`)
    }
    await store.ensureCollection('kb_b_1', { dim: 4 })
    expect(await store.hasCollection('kb_b_1')).toBe(true)
    const raced = await rejection(store.ensureCollection('kb_c_1', { dim: null }).then(() => store.ensureCollection('kb_c_1', { dim: 4 })))
    expect(raced.code).toBe('conflict')
    // A refusal with no collection behind it is reported as it is.
    fake.createCollection = async () => refused('disk quota exceeded')
    expect((await rejection(store.ensureCollection('kb_d_1', { dim: 4 }))).message).toMatch(/create collection "kb_d_1": disk quota exceeded/)
  })

  it('refuses a collection it did not make, and names that are not Milvus names', async () => {
    const fake = new FakeMilvus()
    fake.collections.set('ws1_foreign', [{ name: 'pk', data_type: DataType.Int64 }])
    const { store } = await openStore(fake)
    expect((await rejection(store.ensureCollection('foreign', { dim: 4 }))).message).toMatch(/not made by this store/)
    expect((await rejection(store.ensureCollection('bad name"', { dim: 4 }))).code).toBe('validation_failed')
    expect(() => createMilvusStore({ address: 'x', collectionPrefix: 'a-b', client: fake })).toThrow(/prefix/)
    expect((await rejection(store.ensureCollection('huge', { dim: 40_000 }))).code).toBe('validation_failed')
  })

  it('reports a missing collection as not_found and drops idempotently', async () => {
    const { store, fake } = await openStore()
    expect((await rejection(store.count('missing'))).code).toBe('not_found')
    expect((await rejection(store.search('missing', { query: 'x', mode: 'fulltext', topK: 3 }))).code).toBe('not_found')
    await store.dropCollection('missing')
    await store.deleteByDoc('missing', 'd')
    expect(fake.of('dropCollection')).toEqual([])
    expect(fake.of('delete')).toEqual([])
  })
})

describe('Milvus store: filters', () => {
  const tricky = [`it's`, `say "hi"`, `back\\slash`, `x" or kb_id != "`]

  it('passes ids as template values, never inside the expression', async () => {
    const { store, fake } = await openStore()
    await store.ensureCollection('kb_a_1', { dim: null })
    await store.search('kb_a_1', { query: '门票', mode: 'fulltext', topK: 5, filter: { kbIds: ['kb-1', 'kb-1', `kb"2`], docIds: tricky } })
    const [req] = fake.of('search') as SearchSimpleReq[]
    expect(req.expr).toBe('kb_id in {kb_ids} and doc_id in {doc_ids}')
    expect(req.exprValues).toEqual({ kb_ids: ['kb-1', `kb"2`], doc_ids: tricky })
    for (const id of tricky) expect(req.expr).not.toContain(id)
  })

  it('deletes a document by a template value', async () => {
    const { store, fake } = await openStore()
    await store.ensureCollection('kb_a_1', { dim: null })
    await store.deleteByDoc('kb_a_1', tricky[3])
    expect(fake.of('delete')).toEqual([{ collection_name: 'ws1_kb_a_1', filter: 'doc_id == {doc_id}', exprValues: { doc_id: tricky[3] } }])
  })

  it('an empty list matches nothing without asking Milvus; no filter sends no expression', async () => {
    const { store, fake } = await openStore()
    await store.ensureCollection('kb_a_1', { dim: null })
    expect(await store.search('kb_a_1', { query: '古镇', mode: 'fulltext', topK: 5, filter: { kbIds: [] } })).toEqual([])
    expect(await store.search('kb_a_1', { query: '古镇', mode: 'fulltext', topK: 5, filter: { kbIds: ['k'], docIds: [] } })).toEqual([])
    expect(fake.of('search')).toEqual([])
    await store.search('kb_a_1', { query: '古镇', mode: 'fulltext', topK: 5 })
    const [req] = fake.of('search') as SearchSimpleReq[]
    expect(req.expr).toBeUndefined()
    expect(req.exprValues).toBeUndefined()
    expect(filterExpr({ docIds: ['a'] })).toEqual({ expr: 'doc_id in {doc_ids}', values: { doc_ids: ['a'] } })
  })
})

describe('Milvus store: search requests', () => {
  const vector = [1, 0, 0, 0]

  it('full-text search is BM25 on the sparse field, with the trimmed words; blank words ask nothing', async () => {
    const { store, fake } = await openStore()
    await store.ensureCollection('kb_a_1', { dim: 4 })
    fake.searchResults.push([hit('a', 3.2), hit('b', 1.1, { meta: null })])
    const hits = await store.search('kb_a_1', { query: '  门票价格  ', mode: 'fulltext', topK: 7 })
    expect(fake.of('search')).toEqual([
      {
        collection_name: 'ws1_kb_a_1',
        limit: 7,
        output_fields: ['id', 'doc_id', 'kb_id', 'text', 'meta'],
        consistency_level: loadMilvusSdk().ConsistencyLevelEnum.Strong,
        data: '门票价格',
        anns_field: 'sparse',
        metric_type: 'BM25'
      }
    ])
    expect(hits).toEqual([
      { id: 'a', docId: 'doc-a', kbId: 'kb', text: 'text a', score: 3.2, meta: { n: 'a' } },
      { id: 'b', docId: 'doc-b', kbId: 'kb', text: 'text b', score: 1.1, meta: {} }
    ])
    expect(await store.search('kb_a_1', { query: '  ', mode: 'fulltext', topK: 7 })).toEqual([])
    expect(fake.of('search')).toHaveLength(1)
  })

  it('vector search is cosine on the dense field', async () => {
    const { store, fake } = await openStore()
    await store.ensureCollection('kb_a_1', { dim: 4 })
    await store.search('kb_a_1', { query: '', vector: Float32Array.from(vector), mode: 'vector', topK: 3, filter: { kbIds: ['k'] } })
    expect(fake.of('search')[0]).toMatchObject({ data: vector, anns_field: 'vector', metric_type: 'COSINE', limit: 3, expr: 'kb_id in {kb_ids}' })
    expect((await rejection(store.search('kb_a_1', { query: 'x', vector: [1, 2], mode: 'vector', topK: 3 }))).code).toBe('validation_failed')
  })

  it('hybrid search at equal weights is one Milvus hybrid search fused by RRF with our K, scores on fusion.ts scale', async () => {
    const { store, fake } = await openStore()
    await store.ensureCollection('kb_a_1', { dim: 4 })
    fake.searchResults.push(Array.from({ length: 20 }, (_, i) => hit(`h${i}`, 2 / (61 + i))))
    const hits = await store.search('kb_a_1', { query: '门票', vector, mode: 'hybrid', topK: 5, filter: { docIds: [`it's`] } })
    const [req] = fake.of('search') as HybridSearchReq[]
    const where = { expr: 'doc_id in {doc_ids}', exprValues: { doc_ids: [`it's`] } }
    expect(req.data).toEqual([
      { data: vector, anns_field: 'vector', params: {}, ...where },
      { data: '门票', anns_field: 'sparse', params: {}, ...where }
    ])
    expect(req.rerank).toEqual({ strategy: 'rrf', params: { k: 60 } })
    // Each list is looked at deeper than topK, as in the LanceDB store.
    expect(req.limit).toBe(20)
    expect(hits.map((h) => h.id)).toEqual(['h0', 'h1', 'h2', 'h3', 'h4'])
    expect(hits[0].score).toBeCloseTo(1 / 61, 10)
  })

  it('hybrid search at other weights runs both searches and fuses them with the weight', async () => {
    const { store, fake } = await openStore()
    await store.ensureCollection('kb_a_1', { dim: 4 })
    // Vector list first, then text list (the store asks for them in that order).
    fake.searchResults.push([hit('v', 0.9), hit('both', 0.8)], [hit('both', 5), hit('t', 4)])
    const hits = await store.search('kb_a_1', { query: 'words', vector, mode: 'hybrid', topK: 3, hybridWeight: 0.8 })
    const reqs = fake.of('search') as SearchSimpleReq[]
    expect(reqs.map((r) => [r.anns_field, r.limit])).toEqual([
      ['vector', 20],
      ['sparse', 20]
    ])
    expect(hits.map((h) => h.id)).toEqual(['both', 'v', 't'])
    expect(hits[0].score).toBeCloseTo(0.8 / 62 + 0.2 / 61, 12)
    expect(hits[2].score).toBeCloseTo(0.2 / 62, 12)
  })

  it('hybrid search with weight 1 asks only for the vector list', async () => {
    const { store, fake } = await openStore()
    await store.ensureCollection('kb_a_1', { dim: 4 })
    fake.searchResults.push([hit('v', 0.9)])
    const hits = await store.search('kb_a_1', { query: 'words', vector, mode: 'hybrid', topK: 3, hybridWeight: 1 })
    expect((fake.of('search') as SearchSimpleReq[]).map((r) => r.anns_field)).toEqual(['vector'])
    expect(hits.map((h) => h.id)).toEqual(['v'])
  })
})

describe('Milvus store: writes', () => {
  it('upserts rows as entities (last of a duplicate id wins), inserts through insert, counts with count(*)', async () => {
    const { store, fake } = await openStore()
    await store.ensureCollection('kb_a_1', { dim: 2 })
    const row = { id: 'r1', docId: 'd', kbId: 'k', text: 'a', vector: Float32Array.from([1, 0]), meta: { page: 1 } }
    await store.upsert('kb_a_1', [{ ...row, text: 'stale' }, row])
    expect(fake.of('upsert')).toEqual([
      { collection_name: 'ws1_kb_a_1', data: [{ id: 'r1', doc_id: 'd', kb_id: 'k', text: 'a', meta: { page: 1 }, vector: [1, 0] }] }
    ])
    await store.insert('kb_a_1', [{ ...row, id: 'r2' }])
    expect(fake.of('insert')[0].data?.map((e) => e.id)).toEqual(['r2'])
    fake.rowCount = 2
    expect(await store.count('kb_a_1')).toBe(2)
    expect(fake.of('query')[0]).toMatchObject({ collection_name: 'ws1_kb_a_1', output_fields: ['count(*)'] })
  })

  it('refuses rows Milvus would refuse before sending any of the batch', async () => {
    const { store, fake } = await openStore()
    await store.ensureCollection('kb_a_1', { dim: 2 })
    const ok = { id: 'ok', docId: 'd', kbId: 'k', text: 'fine', vector: [1, 0], meta: {} }
    expect((await rejection(store.upsert('kb_a_1', [ok, { ...ok, id: 'big', text: '字'.repeat(22_000) }]))).message).toMatch(/text is 66000 bytes/)
    expect((await rejection(store.upsert('kb_a_1', [ok, { ...ok, id: 'short', vector: [1] }]))).code).toBe('validation_failed')
    expect((await rejection(store.insert('kb_a_1', [ok, { ...ok, id: 'fat', meta: { headings: 'h'.repeat(70_000) } }]))).message).toMatch(/meta is 70015 bytes/)
    expect(fake.of('insert')).toEqual([])
    expect(fake.of('upsert')).toEqual([])
  })

  it('splits a batch too big for one request', async () => {
    const { store, fake } = await openStore()
    await store.ensureCollection('kb_a_1', { dim: null })
    const text = 'x'.repeat(60_000)
    await store.upsert(
      'kb_a_1',
      Array.from({ length: 600 }, (_, i) => ({ id: `r${i}`, docId: 'd', kbId: 'k', text, meta: {} }))
    )
    const sizes = fake.of('upsert').map((r) => r.data?.length ?? 0)
    expect(sizes.length).toBeGreaterThan(1)
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(600)
  })

  it('turns a refused call or a partial write into a clear upstream error', async () => {
    const { store, fake } = await openStore()
    await store.ensureCollection('kb_a_1', { dim: null })
    const row = { id: 'r', docId: 'd', kbId: 'k', text: 't', meta: {} }
    fake.refuse.set('upsert', refused('memory quota exhausted'))
    const err = await rejection(store.upsert('kb_a_1', [row]))
    expect(err.code).toBe('upstream_error')
    expect(err.message).toMatch(/upsert "kb_a_1": memory quota exhausted/)
    // Acknowledged, but one row short.
    fake.upsert = async (req) => ({ status: OK, upsert_cnt: String((req.data?.length ?? 1) - 1) })
    expect((await rejection(store.upsert('kb_a_1', [row]))).message).toMatch(/wrote 0 of 1 rows/)
  })
})

describe('Milvus store: connection', () => {
  it('refuses a Milvus older than 2.5.11 (no BM25 or no removepunct) with a clear message', async () => {
    for (const version of ['v2.4.17', 'v2.5.4']) {
      const fake = new FakeMilvus()
      fake.version = version
      const store = createMilvusStore({ address: 'old:19530', collectionPrefix: PREFIX, client: fake })
      const err = await rejection(store.open())
      expect(err.code).toBe('upstream_error')
      expect(err.message).toContain(`Milvus at old:19530 is version ${version}; this vector store needs 2.5.11 or later`)
    }
    for (const version of ['v2.5.11', '2.6.0', 'v3.0.0-beta', 'Zilliz Cloud (compatible with Milvus 2.5)']) {
      const fake = new FakeMilvus()
      fake.version = version
      await createMilvusStore({ address: 'new', collectionPrefix: PREFIX, client: fake }).open()
    }
  })

  it('says clearly when Milvus is unreachable (the real SDK client, a closed port)', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer()
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number }
        server.close(() => resolve(port))
      })
    })
    const closeConnection = vi.spyOn(loadMilvusSdk().MilvusClient.prototype, 'closeConnection')
    const store = createMilvusStore({ address: `127.0.0.1:${port}`, collectionPrefix: PREFIX, timeoutMs: 2_000 })
    const err = await rejection(store.open())
    expect(err.code).toBe('upstream_error')
    expect(err.message).toContain(`Cannot reach Milvus at 127.0.0.1:${port}`)
    // The client that never connected is closed, not left retrying in the background.
    expect(closeConnection).toHaveBeenCalledTimes(1)
    closeConnection.mockRestore()
    await store.close()
  }, 60_000)

  it('refuses calls after close, and closes the client once', async () => {
    const { store, fake } = await openStore()
    await store.close()
    await store.close()
    expect(fake.of('closeConnection')).toHaveLength(1)
    expect((await rejection(store.hasCollection('kb'))).message).toMatch(/closed/)
  })
})

describe('Milvus URL (the --vector option)', () => {
  it('reads host, port, credentials, database and prefix', () => {
    expect(parseMilvusUrl('milvus://milvus.internal')).toEqual({ address: 'milvus.internal:19530', collectionPrefix: 'agenta_' })
    expect(parseMilvusUrl('milvus://ann:p%40ss@10.0.0.5:19531/team_db?prefix=ws1_')).toEqual({
      address: '10.0.0.5:19531',
      username: 'ann',
      password: 'p@ss',
      database: 'team_db',
      collectionPrefix: 'ws1_'
    })
    expect(parseMilvusUrl('milvus+tls://in01.cloud.zilliz.com:443').address).toBe('https://in01.cloud.zilliz.com:443')
  })

  it('refuses other schemes and parameters, never echoing a password', () => {
    expect(() => parseMilvusUrl('http://h:19530')).toThrow(/milvus:\/\/ or milvus\+tls:\/\//)
    expect(() => parseMilvusUrl('milvus://h/a/b')).toThrow(/one database name/)
    expect(() => parseMilvusUrl('milvus://h?token=secret')).toThrow(/unknown parameter "token"/)
    expect(() => parseMilvusUrl('not a url')).toThrow(AppError)
    const err = (() => {
      try {
        parseMilvusUrl('milvus://ann:hunter2@h/a/b')
      } catch (e) {
        return e as AppError
      }
    })()
    expect(err?.code).toBe('validation_failed')
    expect(err?.message).not.toContain('hunter2')
  })
})
