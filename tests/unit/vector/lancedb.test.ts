import { describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Table } from '@lancedb/lancedb'
import { createLanceDbStore, type LanceDbStore, type LanceDbStoreOptions } from '../../../src-main/vector'
import { loadLance } from '../../../src-main/vector/lancedb/load'
import { searchTerms } from '../../../src-main/vector/lancedb/search-terms'
import { runVectorStoreContract } from './contract'

const tempDir = () => mkdtempSync(join(tmpdir(), 'agenta-lancedb-'))

/** A store in a fresh folder (no automatic maintenance unless asked), closed and removed after the test. */
async function withStore(opts: Partial<LanceDbStoreOptions>, test: (store: LanceDbStore, dir: string) => Promise<void>): Promise<void> {
  const dir = tempDir()
  const store = createLanceDbStore({ dir, maintenance: false, ...opts })
  try {
    await store.open()
    await test(store, dir)
  } finally {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Reads a table as LanceDB itself sees it, through a connection of its own. */
async function readRaw<T>(dir: string, table: string, read: (t: Table) => Promise<T>): Promise<T> {
  const { lancedb } = loadLance()
  const conn = await lancedb.connect(dir)
  try {
    return await read(await conn.openTable(table))
  } finally {
    conn.close()
  }
}

runVectorStoreContract('LanceDB', async () => {
  const dir = tempDir()
  const store = createLanceDbStore({ dir, maintenance: false })
  await store.open()
  return {
    store,
    async cleanup() {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
})

describe('LanceDB store specifics', () => {
  it('folds new rows into the index on its own once writes go quiet', () =>
    withStore({ maintenance: { idleMs: 50, maxWaitMs: 1_000 } }, async (store) => {
      await store.ensureCollection('auto_kb', { dim: null })
      // Rows not yet in the index are searched by a slower path that, in LanceDB 0.31, can miss
      // every row of a query whose term repeats in a row (measured). Maintenance must fix that soon.
      const rows = Array.from({ length: 40 }, (_, i) => ({
        id: `r${i}`,
        docId: `d${i % 4}`,
        kbId: 'k',
        text: i % 2 ? '门票门票门票，价格另议。' : `别的内容 ${i}`,
        meta: {}
      }))
      await store.upsert('auto_kb', rows)
      expect(store.pendingRows('auto_kb')).toBe(40)
      const deadline = Date.now() + 10_000
      while (store.pendingRows('auto_kb') > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
      expect(store.pendingRows('auto_kb')).toBe(0)
      const hits = await store.search('auto_kb', { query: '门票', mode: 'fulltext', topK: 50 })
      expect(hits).toHaveLength(20)
    }))

  it("compacts a first import's many writes into one fragment after indexing them, without losing a row", () =>
    withStore({}, async (store, dir) => {
      await store.ensureCollection('frag_kb', { dim: null })
      for (let w = 0; w < 5; w++) {
        const rows = Array.from({ length: 20 }, (_, i) => ({ id: `w${w}r${i}`, docId: `d${w}`, kbId: 'k', text: `门票 ticket ${w}-${i}`, meta: {} }))
        await store.insert('frag_kb', rows)
      }
      await store.optimize('frag_kb')
      await store.settled()
      const stats = await readRaw(dir, 'frag_kb', (t) => t.stats())
      expect(stats.fragmentStats.numFragments).toBe(1)
      expect(await store.search('frag_kb', { query: '门票', mode: 'fulltext', topK: 200 })).toHaveLength(100)
      expect(await store.search('frag_kb', { query: 'tickets', mode: 'fulltext', topK: 200 })).toHaveLength(100)
    }))

  it('keeps collections across a reopen and builds a vector index once big enough', async () => {
    const dir = tempDir()
    try {
      const first = createLanceDbStore({ dir, maintenance: false, vectorIndexMinRows: 300 })
      await first.open()
      await first.ensureCollection('big_kb', { dim: 16 })
      const rows = Array.from({ length: 320 }, (_, i) => ({
        id: `r${i}`,
        docId: `d${i % 10}`,
        kbId: 'k',
        text: `row ${i}`,
        vector: Array.from({ length: 16 }, (_, j) => Math.sin(i * 7 + j * 13)),
        meta: { i }
      }))
      await first.upsert('big_kb', rows)
      await first.optimize('big_kb')
      await first.close()
      await expect(first.count('big_kb')).rejects.toThrow(/closed/)

      const second = createLanceDbStore({ dir, maintenance: false })
      await second.open()
      expect(await second.count('big_kb')).toBe(320)
      const hits = await second.search('big_kb', { query: '', vector: rows[42].vector, mode: 'vector', topK: 1 })
      expect(hits[0].id).toBe('r42')
      expect(hits[0].meta).toEqual({ i: 42 })
      await expect(second.ensureCollection('big_kb', { dim: 8 })).rejects.toThrow(/has dim 16/)
      await second.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  // Small vectors get IVF_PQ; embedding-sized ones IVF_RQ, whose one bit per dimension would
  // be too coarse at 16. Either way the nearest row is found, also one added after the build.
  for (const [dim, indexType] of [
    [16, 'IVF_PQ'],
    [384, 'IVF_RQ']
  ] as const) {
    it(`indexes dim ${dim} vectors with ${indexType} and finds rows written before and after the build`, () => {
      const row = (i: number) => ({
        id: `r${i}`,
        docId: `d${i % 10}`,
        kbId: 'k',
        text: `row ${i}`,
        vector: Array.from({ length: dim }, (_, j) => Math.sin(i * 7 + j * 13)),
        meta: { i }
      })
      return withStore({ vectorIndexMinRows: 300 }, async (store, dir) => {
        await store.ensureCollection('vec_kb', { dim })
        await store.upsert(
          'vec_kb',
          Array.from({ length: 320 }, (_, i) => row(i))
        )
        await store.optimize('vec_kb')
        await store.insert(
          'vec_kb',
          Array.from({ length: 40 }, (_, i) => row(320 + i))
        )
        await store.optimize('vec_kb')
        const stats = await readRaw(dir, 'vec_kb', (t) => t.indexStats('vector_idx'))
        expect(stats).toMatchObject({ indexType, numUnindexedRows: 0 })
        for (const i of [42, 200, 345]) {
          const hits = await store.search('vec_kb', { query: '', vector: row(i).vector, mode: 'vector', topK: 3 })
          expect(hits[0]).toMatchObject({ id: `r${i}` })
          expect(hits[0].score).toBeCloseTo(1, 4)
        }
      })
    })
  }

  it('finds English by whole words and their forms, not inside other words', () =>
    withStore({}, async (store) => {
      await store.ensureCollection('words_kb', { dim: null })
      await store.upsert('words_kb', [
        { id: 'a', docId: 'd', kbId: 'k', text: 'Ticket prices rise in summer.', meta: {} },
        { id: 'b', docId: 'd', kbId: 'k', text: 'Start the party early.', meta: {} },
        { id: 'c', docId: 'd', kbId: 'k', text: 'AI模型的门票价格', meta: {} }
      ])
      await store.optimize('words_kb')
      const ids = async (query: string) => (await store.search('words_kb', { query, mode: 'fulltext', topK: 10 })).map((h) => h.id).sort()
      expect(await ids('price')).toEqual(['a'])
      expect(await ids('art')).toEqual([])
      expect(await ids('ai')).toEqual(['c'])
      expect(await ids('门票')).toEqual(['c'])
    }))

  it('still searches a collection written before the terms column existed', async () => {
    const dir = tempDir()
    try {
      // The first layout, as an earlier version wrote it: no terms column, character pairs on text.
      const { lancedb, arrow } = loadLance()
      const conn = await lancedb.connect(dir)
      const utf8 = (name: string) => new arrow.Field(name, new arrow.Utf8(), false)
      const schema = new arrow.Schema(['id', 'doc_id', 'kb_id', 'text', 'meta'].map(utf8))
      const table = await conn.createEmptyTable('old_kb', schema)
      await table.add(lancedb.makeArrowTable([{ id: 'r1', doc_id: 'd', kb_id: 'k', text: '古镇景点的门票价格是八十八元', meta: '{}' }], { schema }))
      await table.createIndex('text', {
        config: lancedb.Index.fts({ baseTokenizer: 'ngram', ngramMinLength: 2, ngramMaxLength: 2, stem: false, removeStopWords: false })
      })
      table.close()
      conn.close()

      const store = createLanceDbStore({ dir, maintenance: false })
      await store.open()
      await store.ensureCollection('old_kb', { dim: null })
      await store.upsert('old_kb', [{ id: 'r2', docId: 'd', kbId: 'k', text: '门票在东门购买', meta: {} }])
      await store.optimize('old_kb')
      const hits = await store.search('old_kb', { query: '门票', mode: 'fulltext', topK: 10 })
      expect(hits.map((h) => h.id).sort()).toEqual(['r1', 'r2'])
      await store.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('searchTerms', () => {
  it('cuts runs of Chinese, Japanese and Korean into overlapping pairs and leaves other text alone', () => {
    expect(searchTerms('古镇景点').trim().split(/\s+/)).toEqual(['古镇', '镇景', '景点'])
    expect(searchTerms('AI模型 v2').split(/\s+/).filter(Boolean)).toEqual(['AI', '模型', 'v2'])
    expect(searchTerms('水').trim()).toBe('水')
    expect(searchTerms('Hello, world!')).toBe('Hello, world!')
    expect(searchTerms('すしを食べる').trim().split(/\s+/)).toHaveLength(5)
  })
})
