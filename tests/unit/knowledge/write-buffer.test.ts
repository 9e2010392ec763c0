import { describe, expect, it } from 'vitest'
import { WriteBuffer, type DocMark } from '../../../src-main/core/knowledge/ingest/write-buffer'
import type { VectorRow, VectorStore } from '../../../src-main/vector'

function fakeStore(delayMs = 5) {
  const writes: VectorRow[][] = []
  const kinds: string[] = []
  let running = 0
  let maxRunning = 0
  const write = (kind: string) => async (_c: string, rows: VectorRow[]) => {
    running++
    maxRunning = Math.max(maxRunning, running)
    await new Promise((r) => setTimeout(r, delayMs))
    writes.push(rows)
    kinds.push(kind)
    running--
  }
  const store = { upsert: write('upsert'), insert: write('insert') } as unknown as VectorStore
  return { store, writes, kinds, maxRunning: () => maxRunning }
}
const rows = (doc: string, n: number, from = 0): VectorRow[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${doc}:0:${from + i}`, docId: `${doc}:0`, kbId: 'k', text: 't', meta: {} }))
const mark = (doc: string, upto: number, complete: boolean, n: number, fresh = true): DocMark => ({
  docId: doc,
  kbId: 'k',
  gen: 0,
  upto,
  complete,
  rows: n,
  fresh
})

describe('write buffer', () => {
  it('writes in batches, one at a time, and reports each document once per write with its furthest point', async () => {
    const { store, writes, maxRunning } = fakeStore()
    const flushed: DocMark[][] = []
    const buf = new WriteBuffer(store, { flushed: async (_c, m) => void flushed.push(m), failed: async () => undefined }, { maxRows: 10, idleMs: 1000 })
    await buf.add('c', rows('a', 4), mark('a', 4, false, 4))
    await buf.add('c', rows('a', 4, 4), mark('a', 8, true, 4))
    await buf.add('c', rows('b', 6), mark('b', 6, true, 6)) // 14 > 10: the first 8 rows go
    await buf.add('c', rows('c', 3), mark('c', 3, true, 3))
    await buf.flush('c')
    expect(writes.map((w) => w.length)).toEqual([8, 9])
    expect(flushed[0]).toEqual([mark('a', 8, true, 8)])
    expect(flushed[1].map((m) => m.docId)).toEqual(['b', 'c'])
    expect(maxRunning()).toBe(1)
    expect(buf.isEmpty()).toBe(true)
  })

  it('inserts batches of fresh documents only; a batch with resumed work is upserted', async () => {
    const { store, kinds } = fakeStore()
    const buf = new WriteBuffer(store, { flushed: async () => undefined, failed: async () => undefined }, { maxRows: 100, idleMs: 1000 })
    await buf.add('c', rows('a', 2), mark('a', 2, true, 2))
    await buf.flush('c')
    await buf.add('c', rows('b', 2), mark('b', 2, true, 2))
    // Resumed after a crash: its rows may already be in the store.
    await buf.add('c', rows('r', 2, 4), mark('r', 6, true, 2, false))
    await buf.flush('c')
    expect(kinds).toEqual(['insert', 'upsert'])
  })

  it('drops the rows of a deleted document before they are written', async () => {
    const { store, writes } = fakeStore()
    const buf = new WriteBuffer(store, { flushed: async () => undefined, failed: async () => undefined }, { maxRows: 100, idleMs: 1000 })
    await buf.add('c', rows('a', 3), mark('a', 3, true, 3))
    await buf.add('c', rows('b', 2), mark('b', 2, true, 2))
    buf.drop('a')
    await buf.flush('c')
    expect(writes.flat().map((r) => r.docId)).toEqual(['b:0', 'b:0'])
  })

  it('hands a failed write to the failure hook with its documents', async () => {
    const failedMarks: string[] = []
    const store = { insert: async () => Promise.reject(new Error('disk full')) } as unknown as VectorStore
    const buf = new WriteBuffer(
      store,
      { flushed: async () => undefined, failed: async (_c, m, e) => void failedMarks.push(...m.map((x) => `${x.docId}:${(e as Error).message}`)) },
      { maxRows: 100, idleMs: 1000 }
    )
    await buf.add('c', rows('a', 1), mark('a', 1, true, 1))
    await buf.flush('c')
    expect(failedMarks).toEqual(['a:disk full'])
  })
})
