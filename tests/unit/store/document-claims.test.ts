import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { openStore, type Store, type StoreConfig } from '../../../src-main/store/db'
import { documentsRepo } from '../../../src-main/store/repos/documents'
import { newDocumentRow } from '../../../src-main/core/knowledge/documents-service'
import { tempDir } from '../../utils/boot'
import { createTempMysqlDb } from '../../utils/mariadb'

const targets: Array<{ name: string; open(): Promise<{ config: StoreConfig; drop(): Promise<void> }> }> = [
  { name: 'sqlite', open: async () => ({ config: { kind: 'sqlite', file: join(tempDir(), 'claims.db') }, drop: async () => {} }) },
  {
    name: 'mariadb',
    open: async () => {
      const db = await createTempMysqlDb()
      return { config: { kind: 'mysql', url: db.url }, drop: db.drop }
    }
  }
]

for (const target of targets) {
  describe(`document claims on ${target.name}`, () => {
    let store: Store
    let drop: () => Promise<void>
    beforeAll(async () => {
      const t = await target.open()
      drop = t.drop
      store = await openStore(t.config)
      const now = Date.now()
      await store.db
        .insertInto('knowledge_bases')
        .values({ id: 'kb1', name: 'kb', description: '', embedding_model_id: null, chunk_size: 800, chunk_overlap: 100, created_at: now, updated_at: now })
        .execute()
    })
    afterAll(async () => {
      await store?.close()
      await drop?.()
    })

    it('offers work stopped midway first, then queued documents oldest first, and never a retry before it is due', async () => {
      const docs = documentsRepo(store.db)
      const now = Date.now()
      const row = (id: string, queuedAt: number, extra: Record<string, unknown> = {}) => ({
        ...newDocumentRow({ id, kbId: 'kb1', name: `${id}.txt`, location: `/x/${id}.txt`, sourceType: 'file', key: id, bytes: 1 }),
        queued_at: queuedAt,
        ...extra
      })
      await docs.insertMany([
        row('q-new', now - 10),
        row('q-old', now - 30),
        row('q-mid', now - 20),
        // A crashed worker's document: its lease ran out.
        row('crashed', now - 5, { status: 'embedding', lease_owner: 'gone', lease_until: now - 1 }),
        // A live worker's document and a retry that is not due yet.
        row('busy', now - 40, { status: 'parsing', lease_owner: 'alive', lease_until: now + 60_000 }),
        row('retry', now - 50, { status: 'parsing', next_attempt_at: now + 60_000 }),
        // Fully written, waiting for its batch end: not a candidate.
        row('written', now - 60, { status: 'indexing', chunk_count: 3, chunks_done: 3 })
      ])
      const ids = async (limit: number, exclude: string[] = [], started = true) => (await docs.claimable(now, limit, exclude, started)).map((r) => r.id)
      expect(await ids(10)).toEqual(['crashed', 'q-old', 'q-mid', 'q-new'])
      expect(await ids(2)).toEqual(['crashed', 'q-old'])
      expect(await ids(10, ['q-old'])).toEqual(['crashed', 'q-mid', 'q-new'])
      expect(await ids(10, [], false)).toEqual(['q-old', 'q-mid', 'q-new'])
      expect(await docs.claimable(now + 120_000, 10, [])).toHaveLength(6)
    })
  })
}
