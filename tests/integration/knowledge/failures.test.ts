import { writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootRuntime, type BootedRuntime } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'
import { newDir, testKnowledgeOptions } from './helpers'

/** Failures that may pass are retried, then shown with their reason; a fixed cause and a re-index recover. Sources re-sync on their schedule. */
let b: BootedRuntime
let llm: FakeLlm

beforeAll(async () => {
  llm = await startFakeLlm()
  b = await bootRuntime({ knowledge: testKnowledgeOptions })
})
afterAll(async () => {
  await b?.close()
  await llm?.close()
})

async function deadPort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()))
  const port = (srv.address() as { port: number }).port
  await new Promise((r) => srv.close(r))
  return port
}

describe('ingestion failures', () => {
  it('retries an unreachable embedding server, fails with the reason, and recovers after a fix', async () => {
    const rt = b.runtime
    const provider = await rt.providers.create({ name: 'down', kind: 'custom', baseUrl: `http://127.0.0.1:${await deadPort()}/v1`, enabled: true })
    const model = await rt.providers.models.create({ providerId: provider.id, modelId: 'fake-embed', type: 'embedding' })
    const kb = await rt.knowledgeBases.create({ name: 'Down', description: '', embeddingModelId: model.id, chunkSize: 400, chunkOverlap: 0 })
    const dir = newDir('down')
    writeFileSync(join(dir, 'a.txt'), 'Boats leave the pier every half hour.')
    await rt.knowledge.documents.addPaths(kb.id, [dir])
    await rt.knowledge.queue.whenIdle()
    const [doc] = (await rt.knowledge.documents.list(kb.id, { offset: 0, limit: 10 })).items
    expect(doc).toMatchObject({ status: 'failed', attempts: 3, searchable: false })
    expect(doc.error).toMatch(/Cannot reach http:\/\/127\.0\.0\.1:\d+\/v1/)

    await rt.providers.update(provider.id, { baseUrl: llm.baseUrl })
    await rt.knowledge.documents.reindex(kb.id, doc.id)
    await rt.knowledge.queue.whenIdle()
    expect(await rt.knowledge.documents.get(kb.id, doc.id)).toMatchObject({ status: 'ready', error: null, attempts: 0, searchable: true })
    const r = await rt.knowledge.search({ id: kb.id, query: 'boats pier', mode: 'vector', topK: 1, scoreThreshold: 0, hybridWeight: 0.5, rerankModelId: null })
    expect(r.hits[0].docId).toBe(doc.id)
  })

  it('re-syncs a source on its cron schedule', async () => {
    const rt = b.runtime
    const kb = await rt.knowledgeBases.create({ name: 'Scheduled', description: '', embeddingModelId: null, chunkSize: 400, chunkOverlap: 0 })
    const Database = (await import('better-sqlite3')).default
    const file = join(newDir('cron'), 'a.db')
    const db = new Database(file)
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO t VALUES (1, 'Kayaks can be rented at the boathouse.')")
    db.close()
    const source = await rt.knowledge.sources.create(kb.id, {
      name: 'every second',
      config: {
        kind: 'database',
        connection: { type: 'sqlite', path: file },
        query: 'SELECT id, body FROM t',
        textColumns: ['body'],
        titleColumn: null,
        idColumn: 'id'
      },
      schedule: '* * * * * *',
      enabled: true
    })
    await expect.poll(async () => (await rt.knowledge.sources.list(kb.id))[0]).toMatchObject({ id: source.id, lastSyncStatus: 'ok', documentCount: 1 })
    await rt.knowledge.sources.update(kb.id, source.id, { enabled: false })
  })
})
