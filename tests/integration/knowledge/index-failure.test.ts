import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Runtime } from '../../../src-main/core/runtime'
import { createLanceDbStore, type VectorStore } from '../../../src-main/vector'
import { bootRuntime, tempDir, type BootedRuntime } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'
import { fakeModels, newDir, testKnowledgeOptions } from './helpers'
import { until } from '../../utils/until'

/**
 * The batch end's index step can fail (seen at ~35k chunks: LanceDB's `KMeans cannot train 4
 * centroids with 0 vectors`). It is retried, then its documents fail with the reason; what was
 * ready stays searchable; nothing stays in `indexing`, also across a restart.
 */
const KMEANS = 'KMeans cannot train 4 centroids with 0 vectors'

/** The real LanceDB store whose index step throws while `failing` is set. */
function flakyIndexStore(dir: string) {
  const real = createLanceDbStore({ dir, maintenance: false })
  const state = { failing: false, optimizeCalls: 0, optimizeFailures: 0 }
  const store: VectorStore = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === 'optimize') {
        return async (collection: string) => {
          state.optimizeCalls++
          if (state.failing) {
            state.optimizeFailures++
            throw new Error(`lance error: Invalid user input: ${KMEANS}`)
          }
          return target.optimize(collection)
        }
      }
      const v = Reflect.get(target, prop, receiver)
      return typeof v === 'function' ? v.bind(target) : v
    }
  })
  return { store, state }
}

let llm: FakeLlm
let b: BootedRuntime | undefined
beforeAll(async () => {
  llm = await startFakeLlm()
})
afterEach(async () => {
  await b?.close()
  b = undefined
})
afterAll(async () => {
  await llm?.close()
})

async function docsOf(rt: Runtime, kbId: string) {
  return (await rt.knowledge.documents.list(kbId, { offset: 0, limit: 100 })).items
}
const search = (rt: Runtime, kbId: string, query: string, mode: 'fulltext' | 'vector') =>
  rt.knowledge.search({ id: kbId, query, mode, topK: 5, scoreThreshold: 0, hybridWeight: 0.5, rerankModelId: null })

describe('a failing index step', () => {
  it('is retried, then fails its documents with the reason; ready documents stay searchable', async () => {
    const dataDir = tempDir()
    const flaky = flakyIndexStore(join(dataDir, 'vectors'))
    b = await bootRuntime({ dataDir, vector: flaky.store, knowledge: testKnowledgeOptions })
    const rt = b.runtime
    const { embed } = await fakeModels(rt, llm)
    const kb = await rt.knowledgeBases.create({ name: 'Flaky', description: '', embeddingModelId: embed.id, chunkSize: 400, chunkOverlap: 0 })
    const dir = newDir('flaky')
    writeFileSync(join(dir, 'ferry.txt'), 'The ferry to the island leaves the harbour at nine every morning.')
    await rt.knowledge.documents.addPaths(kb.id, [join(dir, 'ferry.txt')])
    await rt.knowledge.queue.whenIdle()
    const [ferry] = await docsOf(rt, kb.id)
    expect(ferry).toMatchObject({ status: 'ready', searchable: true })

    flaky.state.failing = true
    const callsBefore = flaky.state.optimizeCalls
    writeFileSync(join(dir, 'museum.txt'), 'The museum of lacquer opens at ten and closes at five.')
    writeFileSync(join(dir, 'garden.txt'), 'The bamboo garden is behind the west gate of the museum.')
    await rt.knowledge.documents.addPaths(kb.id, [join(dir, 'museum.txt'), join(dir, 'garden.txt')])
    const ended = await until(async () => {
      const docs = (await docsOf(rt, kb.id)).filter((d) => d.id !== ferry.id)
      expect(docs.map((d) => d.status)).toEqual(['failed', 'failed'])
      return docs
    }, 'both documents to fail')
    for (const d of ended) {
      expect(d.error).toContain(KMEANS)
      expect(d.error).toMatch(/3 attempts/)
      expect(d.searchable).toBe(false)
    }
    // Tried three times, not once and not forever.
    expect(flaky.state.optimizeCalls - callsBefore).toBe(3)
    const status = await rt.knowledge.status(kb.id)
    expect(status.counts.byStatus).toEqual({ ready: 1, failed: 2 })

    // What was ready is still served, in both modes; the failed versions are not.
    for (const mode of ['fulltext', 'vector'] as const) {
      const r = await search(rt, kb.id, 'ferry harbour island', mode)
      expect(r.hits[0]?.docId, mode).toBe(ferry.id)
      expect(r.hits.every((h) => h.docId === ferry.id)).toBe(true)
    }

    // Once the index can be built again, a re-index brings a failed document in.
    flaky.state.failing = false
    await rt.knowledge.documents.reindex(kb.id, ended[0].id)
    await rt.knowledge.queue.whenIdle()
    expect(await rt.knowledge.documents.get(kb.id, ended[0].id)).toMatchObject({ status: 'ready', error: null, searchable: true })
  })

  it('leaves nothing in indexing after a restart when the index still fails', async () => {
    const dataDir = tempDir()
    const first = flakyIndexStore(join(dataDir, 'vectors'))
    first.state.failing = true
    // A long back-off: the shutdown comes while the document waits for its second try.
    b = await bootRuntime({
      dataDir,
      vector: first.store,
      knowledge: { ...testKnowledgeOptions, ingestion: { ...testKnowledgeOptions.ingestion, retryBaseMs: 600_000 } }
    })
    let rt = b.runtime
    const { embed } = await fakeModels(rt, llm)
    const kb = await rt.knowledgeBases.create({ name: 'Restart', description: '', embeddingModelId: embed.id, chunkSize: 400, chunkOverlap: 0 })
    const dir = newDir('restart')
    writeFileSync(join(dir, 'tram.txt'), 'The old tram runs along the lake shore in summer.')
    await rt.knowledge.documents.addPaths(kb.id, [join(dir, 'tram.txt')])
    await expect.poll(() => first.state.optimizeFailures).toBe(1)
    expect((await docsOf(rt, kb.id))[0].status).toBe('indexing')
    await b.close({ keepData: true })
    b = undefined

    const second = flakyIndexStore(join(dataDir, 'vectors'))
    second.state.failing = true
    b = await bootRuntime({ dataDir, vector: second.store, knowledge: testKnowledgeOptions })
    rt = b.runtime
    const [doc] = await until(async () => {
      const docs = await docsOf(rt, kb.id)
      expect(docs.map((d) => d.status)).toEqual(['failed'])
      return docs
    }, 'the document to fail after the restart')
    expect(doc.error).toContain(KMEANS)
    await rt.knowledge.queue.whenIdle()
    expect((await rt.knowledge.status(kb.id)).counts.byStatus).toEqual({ failed: 1 })
  })
})
