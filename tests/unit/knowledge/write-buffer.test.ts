import { describe, expect, it } from 'vitest'
import { WriteBuffer, type DocMark } from '../../../src-main/core/knowledge/ingest/write-buffer'
import type { VectorRow, VectorStore } from '../../../src-main/vector'

function fakeStore(delayMs = 5) {
  const writes: VectorRow[][] = []
  let running = 0
  let maxRunning = 0
  const store = {
    async upsert(_c: string, rows: VectorRow[]) {
      running++
      maxRunning = Math.max(maxRunning, running)
      await new Promise((r) => setTimeout(r, delayMs))
      writes.push(rows)
      running--
    }
  } as unknown as VectorStore
  return { store, writes, maxRunning: () => maxRunning }
}
const rows = (doc: string, n: number, from = 0): VectorRow[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${doc}:0:${from + i}`, docId: `${doc}:0`, kbId: 'k', text: 't', meta: {} }))
const mark = (doc: string, upto: number, complete: boolean, n: number): DocMark => ({ docId: doc, kbId: 'k', gen: 0, upto, complete, rows: n })

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
    const store = { upsert: async () => Promise.reject(new Error('disk full')) } as unknown as VectorStore
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
