import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bootRuntime, tempDir } from '../utils/boot'
import { createTempMysqlDb } from '../utils/mariadb'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'
import { fakeModels, testKnowledgeOptions } from './knowledge/helpers'
import { migrateData } from '../../src-main/migrate-data'
import { dispatchSafe } from '../../src-main/core/dispatch'
import { ownerContext } from '../../src-main/core/context'
import type { Runtime } from '../../src-main/core/runtime'
import { until } from '../utils/until'

/** Through the one door, so inputs get the contract's defaults. */
async function call(rt: Runtime, name: string, input: unknown): Promise<any> {
  const r = await dispatchSafe(rt, name, input, ownerContext())
  if (!r.ok) throw r.error
  return r.data
}

/**
 * `agenta migrate-data`: a desktop workspace (SQLite + LanceDB) moved to MariaDB and a team data
 * folder, cut half-way and resumed, counts checked; then opened there as a team server opens it.
 */
let llm: FakeLlm
const desktop = tempDir('agenta-desktop-')
let kbId = ''
let agentId = ''
const dbs: Array<{ drop(): Promise<void> }> = []

beforeAll(async () => {
  llm = await startFakeLlm()
  const b = await bootRuntime({ dataDir: desktop, knowledge: testKnowledgeOptions })
  const rt = b.runtime
  const { provider, embed } = await fakeModels(rt, llm)
  await rt.providers.update(provider.id, { apiKey: 'sk-desktop-secret-1234' })
  agentId = (await call(rt, 'agents.create', { name: 'Guide', providerId: provider.id, model: 'fake-chat' })).id
  const kb = await call(rt, 'knowledgeBases.create', { name: 'Town', embeddingModelId: embed.id })
  kbId = kb.id
  const folder = join(desktop, 'corpus')
  mkdirSync(folder)
  for (let i = 0; i < 6; i++) writeFileSync(join(folder, `d${i}.md`), `# Doc ${i}\n\nMarker DOC${i}MARK: the town hall keeps record ${i}.`)
  await rt.knowledge.documents.addPaths(kbId, [folder])
  await rt.knowledge.queue.whenIdle()
  const session = await rt.chat.sessions.create({ agentId, userId: 'me', title: 'Hello' })
  const turn = await rt.chat.startTurn({ sessionId: session.id, message: 'hi' })
  for await (const _ of turn.events) void _
  await turn.done
  await b.close({ keepData: true })
}, 120_000)
afterAll(async () => {
  await llm?.close()
  await Promise.all(dbs.map((d) => d.drop()))
})

async function target() {
  const db = await createTempMysqlDb()
  dbs.push(db)
  return db
}

describe('agenta migrate-data', () => {
  it('copies every table, resumes after a cut with no duplicate, checks the counts, and the team server reads it all', async () => {
    const db = await target()
    const toData = tempDir('agenta-team-data-')
    const cut = await migrateData({ from: desktop, to: db.url, toData, batchRows: 2, maxBatches: 3 })
    expect(cut.complete).toBe(false)
    const lines: string[] = []
    const done = await migrateData({ from: desktop, to: db.url, toData, batchRows: 2, out: (l) => lines.push(l) })
    expect(done.complete).toBe(true)
    expect(done.vectors).toBe('copied')
    for (const t of done.tables) expect(t.target, t.table).toBe(t.source)
    expect(done.tables.find((t) => t.table === 'messages')!.source).toBeGreaterThanOrEqual(2)
    expect(done.tables.find((t) => t.table === 'documents')!.source).toBe(6)
    // A third run finds everything done and changes nothing.
    const again = await migrateData({ from: desktop, to: db.url, toData })
    expect(again.tables).toEqual(done.tables)

    const team = await bootRuntime({ dataDir: toData, store: { kind: 'mysql', url: db.url }, knowledge: testKnowledgeOptions })
    try {
      const rt = team.runtime
      expect((await rt.agents.get(agentId)).name).toBe('Guide')
      // The key file came along: the sealed provider key still opens.
      const provider = (await rt.providers.list())[0]
      expect((await rt.providers.client(provider.id, { timeout: 1000, maxRetries: 0 })).apiKey).toBe('sk-desktop-secret-1234')
      const hits = await call(rt, 'knowledgeBases.search', { id: kbId, query: 'DOC3MARK', mode: 'fulltext' })
      expect(hits.hits[0].text).toMatch(/DOC3MARK/)
    } finally {
      await team.close({ keepData: true })
    }
  }, 120_000)

  it('with --vector, leaves the indexes to the team server, which rebuilds them from the stored chunks', async () => {
    const db = await target()
    const toData = tempDir('agenta-team-data-')
    const done = await migrateData({ from: desktop, to: db.url, toData, vector: 'milvus://127.0.0.1:19530' })
    expect(done).toMatchObject({ complete: true, vectors: 'rebuild' })
    // No Milvus here: the server's own store (LanceDB in the new, empty folder) stands in for it.
    const team = await bootRuntime({ dataDir: toData, store: { kind: 'mysql', url: db.url }, knowledge: testKnowledgeOptions })
    try {
      const rt = team.runtime
      // Until the rebuild swaps the new collection in, search has nothing to search.
      const found = async () =>
        (await call(rt, 'knowledgeBases.search', { id: kbId, query: 'DOC5MARK', mode: 'hybrid' }).catch(() => ({ hits: [] }))).hits[0]?.text ?? ''
      await until(
        async () => {
          rt.knowledge.queue.kick()
          return /DOC5MARK/.test(await found())
        },
        'the knowledge base to be rebuilt',
        { timeoutMs: 60_000, everyMs: 300 }
      )
      expect(llm.requests.some((r) => r.path.endsWith('/embeddings'))).toBe(true)
    } finally {
      await team.close({ keepData: true })
    }
  }, 120_000)

  it('refuses a target database that already holds a workspace', async () => {
    const db = await target()
    const other = await bootRuntime({ store: { kind: 'mysql', url: db.url } })
    await call(other.runtime, 'agents.create', { name: 'Already here' })
    await other.close()
    await expect(migrateData({ from: desktop, to: db.url, toData: tempDir() })).rejects.toThrow(/not empty \(agents has 1 rows\)/)
  })
})
