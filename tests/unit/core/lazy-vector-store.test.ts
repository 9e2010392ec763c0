import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bootRuntime } from '../../utils/boot'
import { lazyVectorStore } from '../../../src-main/core/lazy-vector-store'
import type { VectorStore } from '../../../src-main/vector'

/** A stand-in store that records what was done to it. */
function fakeStore(log: string[], opts: { failOpens?: number } = {}): VectorStore {
  let fails = opts.failOpens ?? 0
  return {
    kind: 'fake',
    open: async () => {
      log.push('open')
      if (fails-- > 0) throw new Error('disk not ready')
    },
    close: async () => void log.push('close'),
    ensureCollection: async () => void log.push('ensure'),
    hasCollection: async () => (log.push('has'), true),
    upsert: async () => void log.push('upsert'),
    insert: async () => void log.push('insert'),
    deleteByDoc: async () => void log.push('delete'),
    search: async () => (log.push('search'), []),
    count: async () => (log.push('count'), 0),
    dropCollection: async () => void log.push('drop'),
    optimize: async () => void log.push('optimize'),
    settled: async () => void log.push('settled')
  }
}

describe('lazyVectorStore', () => {
  it('creates and opens the store on the first real call, once for calls that come together', async () => {
    const log: string[] = []
    let created = 0
    const store = lazyVectorStore('fake', () => (created++, fakeStore(log)))
    await store.open()
    expect(created).toBe(0)
    expect(store.opened).toBe(false)
    await Promise.all([store.count('a'), store.hasCollection('a'), store.search('a', { query: 'x', mode: 'fulltext', topK: 1 })])
    expect(created).toBe(1)
    expect(log.filter((l) => l === 'open')).toEqual(['open'])
    expect(log).toEqual(expect.arrayContaining(['count', 'has', 'search']))
    await store.close()
    expect(log.at(-1)).toBe('close')
  })

  it('tries to open again after a failed opening', async () => {
    const log: string[] = []
    const store = lazyVectorStore('fake', () => fakeStore(log, { failOpens: 1 }))
    await expect(store.count('a')).rejects.toThrow('disk not ready')
    await expect(store.count('a')).resolves.toBe(0)
    expect(log).toEqual(['open', 'open', 'count'])
  })

  it('never creates a store that was not used before it was closed', async () => {
    let created = 0
    const store = lazyVectorStore('fake', () => (created++, fakeStore([])))
    await store.close()
    expect(created).toBe(0)
  })

  it('is what a runtime starts with: no LanceDB folder or connection until knowledge is used', async () => {
    const b = await bootRuntime()
    try {
      expect((b.runtime.knowledge.vector as unknown as { opened: boolean }).opened).toBe(false)
      expect(existsSync(join(b.dataDir, 'vectors'))).toBe(false)
    } finally {
      await b.close()
    }
  })
})
