import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootRuntime, type BootedRuntime } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'
import { fakeModels, newDir, testKnowledgeOptions, TICKETS_ZH, HOURS_EN } from './helpers'

/** Changing a knowledge base's embedding model re-embeds it into a new collection; search never mixes dimensions. */
let b: BootedRuntime
let llm64: FakeLlm
let llm32: FakeLlm
let a: Awaited<ReturnType<typeof fakeModels>>
let c: Awaited<ReturnType<typeof fakeModels>>
const events: Array<[string, any]> = []

beforeAll(async () => {
  llm64 = await startFakeLlm({ embeddingDim: 64 })
  llm32 = await startFakeLlm({ embeddingDim: 32 })
  b = await bootRuntime({ knowledge: testKnowledgeOptions })
  b.runtime.events.subscribe((n, p) => events.push([n, p]))
  a = await fakeModels(b.runtime, llm64, 'dim64')
  c = await fakeModels(b.runtime, llm32, 'dim32')
})
afterAll(async () => {
  await b?.close()
  await llm64?.close()
  await llm32?.close()
})

describe('embedding model change', () => {
  it('re-embeds in the background into a new collection and swaps when done', async () => {
    const rt = b.runtime
    const kb = await rt.knowledgeBases.create({ name: 'Guide', description: '', embeddingModelId: a.embed.id, chunkSize: 200, chunkOverlap: 20 })
    const dir = newDir('reembed')
    for (let i = 0; i < 12; i++) writeFileSync(join(dir, `f${i}.md`), `# Part ${i}\n\n${i % 2 ? TICKETS_ZH : HOURS_EN} Section ${i}.`)
    await rt.knowledge.documents.addPaths(kb.id, [dir])
    await rt.knowledge.queue.whenIdle()
    const first = await rt.knowledge.collections.state(kb.id)
    expect(first.collection_dim).toBe(64)
    const search = (mode: 'vector' | 'hybrid' | 'fulltext', query = '门票价格') =>
      rt.knowledge.search({ id: kb.id, query, mode, topK: 3, scoreThreshold: 0, hybridWeight: 0.5, rerankModelId: null })
    expect((await search('vector')).hits[0].text).toContain('门票')

    llm32.reset()
    await rt.knowledgeBases.update(kb.id, { embeddingModelId: c.embed.id })
    // Until the swap, search uses the old collection with the old model.
    const during = await rt.knowledge.status(kb.id)
    expect(during.activeEmbeddingModelId).toBe(a.embed.id)
    expect((await search('vector')).mode).toBe('vector')
    // A document added meanwhile waits for the new model.
    writeFileSync(join(dir, 'late.txt'), 'The cable car runs every ten minutes in summer.')
    await rt.knowledge.documents.addPaths(kb.id, [join(dir, 'late.txt')])

    await rt.knowledge.queue.whenIdle()
    const after = await rt.knowledge.collections.state(kb.id)
    expect(after.collection).not.toBe(first.collection)
    expect(after.collection_dim).toBe(32)
    expect(after.collection_model_id).toBe(c.embed.id)
    expect(after.next_collection).toBeNull()
    expect(await rt.knowledge.vector.hasCollection(first.collection!)).toBe(false)
    expect((await rt.knowledge.status(kb.id)).activeEmbeddingModelId).toBe(c.embed.id)
    const chunks = (await rt.knowledge.status(kb.id)).chunks
    expect(await rt.knowledge.vector.count(after.collection!)).toBe(chunks)
    expect(llm32.requests.some((r) => r.path === '/v1/embeddings')).toBe(true)

    llm64.reset()
    const v = await search('vector')
    expect(v.hits[0].text).toContain('门票')
    expect(llm64.requests.filter((r) => r.path === '/v1/embeddings')).toHaveLength(0)
    expect((await search('hybrid', 'cable car every ten minutes')).hits[0].docName).toBe('late.txt')
    const reembeds = events.filter(([n, p]) => n === 'knowledge.progress' && p.kbId === kb.id && p.reembed).map(([, p]) => p.reembed)
    expect(reembeds.at(-1)).toMatchObject({ total: 12, modelId: c.embed.id })

    // No model at all: the knowledge base becomes full-text only and still answers.
    await rt.knowledgeBases.update(kb.id, { embeddingModelId: null })
    await rt.knowledge.queue.whenIdle()
    const textOnly = await rt.knowledge.collections.state(kb.id)
    expect(textOnly.collection_dim).toBeNull()
    const r = await search('hybrid')
    expect(r.mode).toBe('fulltext')
    expect(r.hits[0].text).toContain('门票')
    expect(await rt.knowledge.vector.count(textOnly.collection!)).toBe(chunks + 0)
  })
})
