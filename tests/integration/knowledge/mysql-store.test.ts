import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootRuntime, type BootedRuntime } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'
import { createTempMysqlDb } from '../../utils/mariadb'
import { fakeModels, newDir, testKnowledgeOptions, TICKETS_ZH } from './helpers'

/** The ingestion queue and search with the team-mode store (MariaDB) instead of SQLite. */
let b: BootedRuntime
let llm: FakeLlm
let db: Awaited<ReturnType<typeof createTempMysqlDb>>

beforeAll(async () => {
  llm = await startFakeLlm()
  db = await createTempMysqlDb()
  b = await bootRuntime({ store: { kind: 'mysql', url: db.url }, knowledge: testKnowledgeOptions })
})
afterAll(async () => {
  await b?.close()
  await db?.drop()
  await llm?.close()
})

describe('knowledge on MariaDB', () => {
  it('ingests, replaces, searches and deletes documents', async () => {
    const rt = b.runtime
    const m = await fakeModels(rt, llm)
    const kb = await rt.knowledgeBases.create({ name: 'Team', description: '', embeddingModelId: m.embed.id, chunkSize: 200, chunkOverlap: 20 })
    const dir = newDir('mysql')
    writeFileSync(join(dir, 'tickets.md'), `# 门票\n\n${TICKETS_ZH}`)
    writeFileSync(join(dir, 'long.txt'), Array.from({ length: 40 }, (_, i) => `Line ${i}: the shuttle bus number ${i} leaves from stop ${i}.`).join('\n'))
    expect((await rt.knowledge.documents.addPaths(kb.id, [dir])).added).toBe(2)
    await rt.knowledge.queue.whenIdle()
    const page = await rt.knowledge.documents.list(kb.id, { offset: 0, limit: 10 })
    expect(page.counts.byStatus).toEqual({ ready: 2 })
    const search = (query: string) =>
      rt.knowledge.search({ id: kb.id, query, mode: 'hybrid', topK: 3, scoreThreshold: 0, hybridWeight: 0.5, rerankModelId: null })
    expect((await search('门票价格')).hits[0].docName).toBe('tickets.md')

    writeFileSync(join(dir, 'tickets.md'), '# 门票\n\n门票价格调整为九十元。')
    expect((await rt.knowledge.documents.addPaths(kb.id, [dir])).updated).toBe(1)
    await rt.knowledge.queue.whenIdle()
    expect((await search('门票价格')).hits[0].text).toBe('门票价格调整为九十元。')
    const long = page.items.find((d) => d.name === 'long.txt')!
    expect((await rt.knowledge.documents.chunks(kb.id, long.id, 0, 500)).total).toBe(long.chunks)
    await rt.knowledge.documents.delete(kb.id, long.id)
    expect((await search('shuttle bus')).hits.map((h) => h.docName)).not.toContain('long.txt')
    const status = await rt.knowledge.status(kb.id)
    const state = await rt.knowledge.collections.state(kb.id)
    expect(await rt.knowledge.vector.count(state.collection!)).toBe(status.chunks)
  })
})
