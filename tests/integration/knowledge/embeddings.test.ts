import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootRuntime, type BootedRuntime } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'
import { fakeModels, newDir, testKnowledgeOptions } from './helpers'

/**
 * Embedding servers as they are, not as the OpenAI API says: one that ignores `encoding_format`
 * and always sends numbers, and one whose vectors change length behind the same model name.
 */
let b: BootedRuntime
let llm: FakeLlm

beforeAll(async () => {
  llm = await startFakeLlm({ ignoreEncodingFormat: true })
  b = await bootRuntime({ knowledge: testKnowledgeOptions })
})
afterAll(async () => {
  await b?.close()
  await llm?.close()
})

const PASSAGES: Record<string, string> = {
  'boats.txt': 'Boats leave the pier every half hour from spring to autumn.',
  'tickets.txt': 'Tickets cost eighty eight yuan; students pay half price with a student card.',
  'parking.txt': 'The car park behind the north gate holds three hundred cars.',
  'garden.txt': 'The bamboo garden was restored last autumn and reopened in May.'
}

const search = (kbId: string, query: string) =>
  b.runtime.knowledge.search({ id: kbId, query, mode: 'vector', topK: 1, scoreThreshold: 0, hybridWeight: 0.5, rerankModelId: null })

describe('embeddings', () => {
  it('reads float arrays from a server that ignores encoding_format, so vector search finds the right passage', async () => {
    const rt = b.runtime
    const { embed } = await fakeModels(rt, llm, 'floats')
    const kb = await rt.knowledgeBases.create({ name: 'Floats', description: '', embeddingModelId: embed.id, chunkSize: 400, chunkOverlap: 0 })
    const dir = newDir('floats')
    for (const [name, text] of Object.entries(PASSAGES)) writeFileSync(join(dir, name), text)
    await rt.knowledge.documents.addPaths(kb.id, [dir])
    await rt.knowledge.queue.whenIdle()
    const docs = (await rt.knowledge.documents.list(kb.id, { offset: 0, limit: 10 })).items
    expect(docs.map((d) => d.status)).toEqual(['ready', 'ready', 'ready', 'ready'])
    const byName = new Map(docs.map((d) => [d.name, d.id]))
    for (const [query, name] of [
      ['when do boats leave the pier', 'boats.txt'],
      ['student ticket price', 'tickets.txt'],
      ['where can I park my car', 'parking.txt'],
      ['bamboo garden restored', 'garden.txt']
    ]) {
      const r = await search(kb.id, query)
      expect(r.hits[0]?.docId, query).toBe(byName.get(name))
    }
  })

  it('fails a document whose vectors differ in length from its collection, with the reason, and keeps serving the rest', async () => {
    const rt = b.runtime
    const { embed } = await fakeModels(rt, llm, 'resized')
    const kb = await rt.knowledgeBases.create({ name: 'Resized', description: '', embeddingModelId: embed.id, chunkSize: 400, chunkOverlap: 0 })
    const dir = newDir('resized')
    writeFileSync(join(dir, 'boats.txt'), PASSAGES['boats.txt'])
    await rt.knowledge.documents.addPaths(kb.id, [dir])
    await rt.knowledge.queue.whenIdle()

    llm.setEmbeddingDim(32)
    try {
      const later = newDir('resized-later')
      writeFileSync(join(later, 'tickets.txt'), PASSAGES['tickets.txt'])
      await rt.knowledge.documents.addPaths(kb.id, [later])
      await rt.knowledge.queue.whenIdle()
    } finally {
      llm.setEmbeddingDim(64)
    }
    const docs = (await rt.knowledge.documents.list(kb.id, { offset: 0, limit: 10 })).items
    const tickets = docs.find((d) => d.name === 'tickets.txt')!
    expect(tickets).toMatchObject({ status: 'failed', searchable: false })
    expect(tickets.error).toMatch(/returned a vector of 32 numbers, but this knowledge base's collection holds vectors of 64/)
    const boats = docs.find((d) => d.name === 'boats.txt')!
    expect(boats.status).toBe('ready')
    expect((await search(kb.id, 'boats pier')).hits[0]?.docId).toBe(boats.id)
  })
})
