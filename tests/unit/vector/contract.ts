import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../src-main/contract/errors'
import type { SearchHit, SearchRequest, VectorRow, VectorStore } from '../../../src-main/vector'
import { FAKE_DIM, fakeEmbed } from './fake-embedding'

export interface StoreUnderTest {
  store: VectorStore
  /** Closes the store and removes whatever it wrote. */
  cleanup(): Promise<void>
}

/** Rows a small tourism knowledge base might hold, in Chinese and English. */
const CORPUS: { id: string; docId: string; kbId: string; text: string }[] = [
  { id: 'zh-1', docId: 'guide-zh', kbId: 'kb-town', text: '古镇景点的门票价格是八十八元，学生凭学生证半价。' },
  { id: 'zh-2', docId: 'guide-zh', kbId: 'kb-town', text: '古镇的开放时间为早上八点至晚上五点半，节假日延长一小时。' },
  { id: 'zh-3', docId: 'guide-zh', kbId: 'kb-town', text: '停车场位于古镇北门，小型车每小时十元。' },
  { id: 'zh-4', docId: 'food-zh', kbId: 'kb-town', text: '古镇的特色小吃有定胜糕和酱鸭，价格实惠。' },
  { id: 'en-1', docId: 'faq-en', kbId: 'kb-tech', text: 'The error ERR_CONNECTION_RESET means the server closed the connection unexpectedly.' },
  { id: 'en-2', docId: 'faq-en', kbId: 'kb-tech', text: 'LanceDB stores vectors and full-text indexes in the local data folder.' },
  { id: 'en-3', docId: 'faq-en', kbId: 'kb-tech', text: 'Restart the kiosk if the avatar stops speaking; logs are in the data folder.' },
  { id: 'en-4', docId: 'setup-en', kbId: 'kb-tech', text: 'Install the desktop studio, then connect a local model server such as Ollama.' }
]

/** A few hundred more rows so ranking is tested among distractors, not in an empty room. */
function fillerRows(count: number): typeof CORPUS {
  const zh = ['天气', '湖泊', '寺庙', '茶馆', '书店', '公园', '码头', '桥梁']
  const en = ['weather', 'lake', 'temple', 'teahouse', 'bookshop', 'park', 'pier', 'bridge']
  return Array.from({ length: count }, (_, i) => ({
    id: `filler-${i}`,
    docId: `filler-doc-${i % 20}`,
    kbId: i % 2 ? 'kb-town' : 'kb-tech',
    text: `${zh[i % 8]}介绍第${i}段：${zh[(i * 3) % 8]}和${zh[(i * 5) % 8]}都值得一看。Notes on the ${en[i % 8]} and the ${en[(i * 7) % 8]}, part ${i}.`
  }))
}

const withVector = (rows: typeof CORPUS, meta: (r: (typeof CORPUS)[number]) => Record<string, unknown> = () => ({})): VectorRow[] =>
  rows.map((r) => ({ ...r, vector: fakeEmbed(r.text), meta: meta(r) }))
const textOnly = (rows: typeof CORPUS): VectorRow[] => rows.map((r) => ({ ...r, meta: {} }))

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(AppError)
  return err as AppError
}

const ids = (hits: SearchHit[]) => hits.map((h) => h.id)

/**
 * The behaviour every VectorStore must have. `factory` makes a fresh, open store on empty storage.
 * Searches that check ranking run after optimize(), the point at which a store promises its
 * indexes are complete; deletes and re-writes are checked before it as well.
 */
export function runVectorStoreContract(name: string, factory: () => Promise<StoreUnderTest>): void {
  describe(`VectorStore contract: ${name}`, () => {
    let sut: StoreUnderTest
    let store: VectorStore
    const HYBRID = 'hybrid_kb'
    const TEXT = 'text_only_kb'

    beforeAll(async () => {
      sut = await factory()
      store = sut.store
      await store.ensureCollection(HYBRID, { dim: FAKE_DIM })
      await store.ensureCollection(TEXT, { dim: null })
      const all = [...CORPUS, ...fillerRows(300)]
      await store.upsert(
        HYBRID,
        withVector(all, (r) => ({ source: r.docId, headingPath: ['指南', 'Guide'], page: 1 }))
      )
      await store.upsert(TEXT, textOnly(all))
      await store.optimize(HYBRID)
      await store.optimize(TEXT)
    })

    afterAll(async () => {
      await sut?.cleanup()
    })

    const search = (collection: string, req: Partial<SearchRequest> & { query: string }) => store.search(collection, { mode: 'fulltext', topK: 5, ...req })

    describe('collections', () => {
      it('creates idempotently, reports existence and refuses a different dim', async () => {
        await store.ensureCollection(HYBRID, { dim: FAKE_DIM })
        expect(await store.hasCollection(HYBRID)).toBe(true)
        expect(await store.hasCollection('never_created')).toBe(false)
        expect((await rejection(store.ensureCollection(HYBRID, { dim: FAKE_DIM * 2 }))).code).toBe('conflict')
        expect((await rejection(store.ensureCollection(HYBRID, { dim: null }))).code).toBe('conflict')
        expect((await rejection(store.ensureCollection(TEXT, { dim: 8 }))).code).toBe('conflict')
        expect((await rejection(store.ensureCollection('bad name; drop', { dim: null }))).code).toBe('validation_failed')
      })

      it('counts rows', async () => {
        expect(await store.count(HYBRID)).toBe(CORPUS.length + 300)
        expect(await store.count(TEXT)).toBe(CORPUS.length + 300)
      })

      it('reports a missing collection as not_found, and drops idempotently', async () => {
        expect((await rejection(store.count('missing_kb'))).code).toBe('not_found')
        expect((await rejection(search('missing_kb', { query: 'x' }))).code).toBe('not_found')
        await store.ensureCollection('short_lived', { dim: 4 })
        await store.upsert('short_lived', [{ id: 'a', docId: 'd', kbId: 'k', text: 'gone soon', vector: [1, 0, 0, 0], meta: {} }])
        await store.dropCollection('short_lived')
        expect(await store.hasCollection('short_lived')).toBe(false)
        expect((await rejection(store.count('short_lived'))).code).toBe('not_found')
        await store.dropCollection('short_lived')
        await store.deleteByDoc('short_lived', 'd')
      })
    })

    describe('full-text search', () => {
      it('finds a Chinese word inside a sentence (门票价格 in 古镇景点的门票价格是八十八元)', async () => {
        for (const collection of [HYBRID, TEXT]) {
          const hits = await search(collection, { query: '门票价格' })
          expect(hits[0]?.id).toBe('zh-1')
          expect(hits[0].text).toBe(CORPUS[0].text)
          expect(hits[0].docId).toBe('guide-zh')
          expect(hits[0].kbId).toBe('kb-town')
        }
      })

      it('answers a Chinese question whose words are not all in the text', async () => {
        expect((await search(TEXT, { query: '古镇门票多少钱？' }))[0]?.id).toBe('zh-1')
        expect((await search(TEXT, { query: '停车场在哪里' }))[0]?.id).toBe('zh-3')
      })

      it('finds English exact terms, case-insensitively', async () => {
        expect((await search(TEXT, { query: 'ERR_CONNECTION_RESET' }))[0]?.id).toBe('en-1')
        expect((await search(TEXT, { query: 'lancedb' }))[0]?.id).toBe('en-2')
        expect((await search(TEXT, { query: 'Ollama' }))[0]?.id).toBe('en-4')
      })

      it('works with no vectors at all, and returns hits best first within topK', async () => {
        const hits = await search(TEXT, { query: '古镇', topK: 3 })
        expect(hits).toHaveLength(3)
        for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score)
        expect(hits.every((h) => h.text.includes('古镇'))).toBe(true)
        expect(await search(TEXT, { query: '   ' })).toEqual([])
      })

      it('filters by knowledge base and document; an empty list matches nothing', async () => {
        const town = await search(HYBRID, { query: 'data folder 古镇', topK: 20, filter: { kbIds: ['kb-town'] } })
        expect(town.length).toBeGreaterThan(0)
        expect(town.every((h) => h.kbId === 'kb-town')).toBe(true)
        const doc = await search(HYBRID, { query: 'data folder', topK: 20, filter: { kbIds: ['kb-tech'], docIds: ['faq-en'] } })
        expect(doc.every((h) => h.docId === 'faq-en')).toBe(true)
        expect(ids(doc).slice(0, 2).sort()).toEqual(['en-2', 'en-3'])
        expect(await search(HYBRID, { query: '古镇', filter: { kbIds: [] } })).toEqual([])
        expect(await search(HYBRID, { query: '古镇', filter: { docIds: ["it's"] } })).toEqual([])
      })
    })

    describe('vector and hybrid search', () => {
      it('ranks by cosine similarity', async () => {
        const hits = await store.search(HYBRID, { query: '', vector: fakeEmbed(CORPUS[5].text), mode: 'vector', topK: 3 })
        expect(hits[0].id).toBe('en-2')
        expect(hits[0].score).toBeCloseTo(1, 4)
        expect(hits[0].meta).toEqual({ source: 'faq-en', headingPath: ['指南', 'Guide'], page: 1 })
        expect(hits[1].score).toBeLessThan(hits[0].score)
      })

      it('fuses both rankings, weighted', async () => {
        const c = 'fusion_kb'
        await store.ensureCollection(c, { dim: FAKE_DIM })
        const rows: VectorRow[] = [
          // Matches the words but not the meaning vector.
          { id: 'words', docId: 'd1', kbId: 'k', text: '门票价格表 ticket price list', vector: fakeEmbed('unrelated zebra'), meta: {} },
          // Matches the meaning vector but shares no words.
          { id: 'meaning', docId: 'd2', kbId: 'k', text: 'admission fee information', vector: fakeEmbed('门票价格'), meta: {} },
          ...withVector(fillerRows(30))
        ]
        await store.upsert(c, rows)
        await store.optimize(c)
        const base = { query: '门票价格', vector: fakeEmbed('门票价格'), topK: 5 }
        expect(ids(await store.search(c, { ...base, mode: 'fulltext' }))).not.toContain('meaning')
        expect((await store.search(c, { ...base, mode: 'fulltext' }))[0].id).toBe('words')
        expect((await store.search(c, { ...base, mode: 'vector' }))[0].id).toBe('meaning')
        const hybrid = await store.search(c, { ...base, mode: 'hybrid' })
        expect(ids(hybrid).slice(0, 2).sort()).toEqual(['meaning', 'words'])
        expect(hybrid[0].score).toBeLessThanOrEqual(1 / 61)
        expect((await store.search(c, { ...base, mode: 'hybrid', hybridWeight: 1 }))[0].id).toBe('meaning')
        const textOnlyHybrid = await store.search(c, { ...base, mode: 'hybrid', hybridWeight: 0 })
        expect(textOnlyHybrid[0].id).toBe('words')
        expect(ids(textOnlyHybrid)).not.toContain('meaning')
        await store.dropCollection(c)
      })

      it('hybrid search finds Chinese and English by words and by vector', async () => {
        const zh = await store.search(HYBRID, { query: '门票价格', vector: fakeEmbed('门票价格'), mode: 'hybrid', topK: 3 })
        expect(zh[0].id).toBe('zh-1')
        const en = await store.search(HYBRID, { query: 'ERR_CONNECTION_RESET', vector: fakeEmbed('server closed the connection'), mode: 'hybrid', topK: 3 })
        expect(en[0].id).toBe('en-1')
      })

      it('refuses vector modes without a fitting vector, and on a full-text-only collection', async () => {
        expect((await rejection(store.search(HYBRID, { query: 'x', mode: 'vector', topK: 3 }))).code).toBe('validation_failed')
        expect((await rejection(store.search(HYBRID, { query: 'x', vector: [1, 2, 3], mode: 'hybrid', topK: 3 }))).code).toBe('validation_failed')
        const err = await rejection(store.search(TEXT, { query: 'x', vector: fakeEmbed('x'), mode: 'hybrid', topK: 3 }))
        expect(err.message).toMatch(/full-text only/)
        expect((await rejection(store.search(HYBRID, { query: 'x', mode: 'fulltext', topK: 0 }))).code).toBe('validation_failed')
        expect((await rejection(store.search(HYBRID, { query: 'x', vector: fakeEmbed('x'), mode: 'hybrid', topK: 3, hybridWeight: 2 }))).code).toBe(
          'validation_failed'
        )
      })
    })

    describe('writes', () => {
      it('refuses rows whose vectors do not fit the collection, writing none of the batch', async () => {
        const c = 'strict_kb'
        await store.ensureCollection(c, { dim: 4 })
        const good: VectorRow = { id: 'ok', docId: 'd', kbId: 'k', text: 'fine', vector: [1, 0, 0, 0], meta: {} }
        expect((await rejection(store.upsert(c, [good, { ...good, id: 'short', vector: [1, 0] }]))).code).toBe('validation_failed')
        expect((await rejection(store.upsert(c, [{ ...good, id: 'none', vector: undefined }]))).code).toBe('validation_failed')
        expect((await rejection(store.upsert(TEXT, [{ ...good, id: 'vec' }]))).message).toMatch(/full-text only/)
        expect(await store.count(c)).toBe(0)
        await store.dropCollection(c)
      })

      it('re-upserting the same ids replaces rows, never duplicates them', async () => {
        const c = 'rewrite_kb'
        await store.ensureCollection(c, { dim: FAKE_DIM })
        const rows = withVector(CORPUS)
        await store.upsert(c, rows)
        await store.upsert(c, rows)
        const changed = { ...rows[0], text: '古镇景点的门票价格已调整为九十九元。', vector: fakeEmbed('九十九元'), meta: { version: 2 } }
        // The same id twice in one batch: the last one wins.
        await store.upsert(c, [{ ...changed, text: 'stale' }, changed])
        const check = async () => {
          expect(await store.count(c)).toBe(CORPUS.length)
          const hits = await store.search(c, { query: '门票价格', vector: fakeEmbed('门票价格'), mode: 'hybrid', topK: 10 })
          expect(new Set(ids(hits)).size).toBe(hits.length)
          const first = hits.find((h) => h.id === 'zh-1')
          expect(first?.text).toBe(changed.text)
          expect(first?.meta).toEqual({ version: 2 })
        }
        await check()
        await store.optimize(c)
        await check()
        await store.dropCollection(c)
      })

      it('takes concurrent writes to one collection without losing any', async () => {
        const c = 'concurrent_kb'
        await Promise.all([store.ensureCollection(c, { dim: FAKE_DIM }), store.ensureCollection(c, { dim: FAKE_DIM })])
        const docs = Array.from({ length: 6 }, (_, d) =>
          withVector(
            Array.from({ length: 10 }, (_, i) => ({ id: `d${d}-${i}`, docId: `doc-${d}`, kbId: 'k', text: `文档${d}第${i}段 document ${d} part ${i}` }))
          )
        )
        await Promise.all([...docs.map((rows) => store.upsert(c, rows)), store.deleteByDoc(c, 'doc-0')])
        await store.deleteByDoc(c, 'doc-1')
        await store.optimize(c)
        expect(await store.count(c)).toBe(
          4 * 10 + (await store.search(c, { query: '文档0', mode: 'fulltext', topK: 50, filter: { docIds: ['doc-0'] } })).length
        )
        expect(await store.search(c, { query: 'document', mode: 'fulltext', topK: 50, filter: { docIds: ['doc-1'] } })).toEqual([])
        await store.dropCollection(c)
      })

      it('inserts new rows while the index is being maintained, losing none', async () => {
        const c = 'insert_kb'
        await store.ensureCollection(c, { dim: FAKE_DIM })
        await store.insert(c, withVector(fillerRows(40)))
        const batches = Array.from({ length: 5 }, (_, b) =>
          withVector(Array.from({ length: 8 }, (_, i) => ({ id: `n${b}-${i}`, docId: `new-${b}`, kbId: 'k', text: `新文档${b}第${i}段 fresh ${b} part ${i}` })))
        )
        await Promise.all([store.optimize(c), ...batches.map((rows) => store.insert(c, rows))])
        const check = async () => {
          expect(await store.count(c)).toBe(40 + 5 * 8)
          const hits = await store.search(c, { query: 'fresh', mode: 'fulltext', topK: 100 })
          expect(new Set(ids(hits))).toEqual(new Set(batches.flat().map((r) => r.id)))
        }
        await check()
        await store.optimize(c)
        await check()
        expect((await rejection(store.insert(c, [{ ...batches[0][0], vector: [1] }]))).code).toBe('validation_failed')
        expect((await rejection(store.insert('missing_kb', batches[0]))).code).toBe('not_found')
        await store.dropCollection(c)
      })

      it('deleteByDoc removes a document everywhere at once and never returns its rows again', async () => {
        const c = 'delete_kb'
        await store.ensureCollection(c, { dim: FAKE_DIM })
        await store.upsert(c, withVector([...CORPUS, ...fillerRows(40)]))
        await store.optimize(c)
        await store.deleteByDoc(c, 'guide-zh')
        await store.deleteByDoc(c, 'no-such-doc')
        const check = async () => {
          expect(await store.count(c)).toBe(CORPUS.length + 40 - 3)
          for (const mode of ['fulltext', 'vector', 'hybrid'] as const) {
            const hits = await store.search(c, { query: '古镇门票价格 开放时间 停车场', vector: fakeEmbed(CORPUS[0].text), mode, topK: 50 })
            expect(hits.filter((h) => h.docId === 'guide-zh')).toEqual([])
          }
          expect(ids(await store.search(c, { query: '小吃', mode: 'fulltext', topK: 3 }))[0]).toBe('zh-4')
        }
        await check()
        await store.optimize(c)
        await check()
        // A changed document is written back under the same ids: found again, once.
        await store.upsert(c, withVector(CORPUS.slice(0, 3)))
        await store.optimize(c)
        expect(ids(await store.search(c, { query: '门票价格', mode: 'fulltext', topK: 5 }))[0]).toBe('zh-1')
        expect(await store.count(c)).toBe(CORPUS.length + 40)
        await store.dropCollection(c)
      })
    })
  })
}
