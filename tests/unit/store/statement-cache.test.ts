import Database from 'better-sqlite3'
import { sql, type Kysely } from 'kysely'
import { join } from 'node:path'
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type Store, type StoreConfig } from '../../../src-main/store/db'
import { cachingDatabase } from '../../../src-main/store/statement-cache'
import { tempDir } from '../../utils/boot'
import { createTempMysqlDb } from '../../utils/mariadb'

describe('cachingDatabase', () => {
  it('hands out one statement per SQL text and keeps only the most recently used', () => {
    const raw = new Database(':memory:')
    const db = cachingDatabase(raw, 2)
    const a = db.prepare('select 1 as x')
    expect(db.prepare('select 1 as x')).toBe(a)
    db.prepare('select 2 as x')
    db.prepare('select 1 as x') // touched: now the most recent
    db.prepare('select 3 as x') // pushes out "select 2"
    expect(db.cached).toBe(2)
    expect(db.prepare('select 1 as x')).toBe(a)
    db.close()
    expect(raw.open).toBe(false)
  })

  it('gives a query that is still being iterated a fresh statement instead of the busy one', () => {
    const db = cachingDatabase(new Database(':memory:'))
    const first = db.prepare('select 1 as x union all select 2')
    const rows = first.iterate([])
    rows.next()
    const second = db.prepare('select 1 as x union all select 2')
    expect(second).not.toBe(first)
    expect(second.all([])).toEqual([{ x: 1 }, { x: 2 }])
    rows.return?.()
    expect(db.prepare('select 1 as x union all select 2')).toBe(first)
    db.close()
  })
})

/** The same behaviour through openStore, on SQLite (cached statements) and MariaDB (untouched driver). */
const targets: { name: string; setup(): Promise<{ config: StoreConfig; teardown(): Promise<void> }> }[] = [
  {
    name: 'sqlite',
    async setup() {
      const dir = tempDir()
      return { config: { kind: 'sqlite', file: join(dir, 'agenta.db') }, teardown: async () => rmSync(dir, { recursive: true, force: true }) }
    }
  },
  {
    name: 'mariadb',
    async setup() {
      const db = await createTempMysqlDb()
      return { config: { kind: 'mysql', url: db.url }, teardown: db.drop }
    }
  }
]

for (const target of targets) {
  describe(`prepared statements on ${target.name}`, () => {
    let store: Store
    let teardown: () => Promise<void>
    // A scratch table outside the app's schema, so the test can change it freely.
    const db = () => store.db as unknown as Kysely<{ scratch: { id: number; a: string; b?: string } }>
    const rows = () => db().selectFrom('scratch').selectAll().orderBy('id').execute()

    beforeAll(async () => {
      const t = await target.setup()
      teardown = t.teardown
      store = await openStore(t.config)
      await sql`create table scratch (id integer primary key, a varchar(20) not null)`.execute(store.db)
    })
    afterAll(async () => {
      await store?.close()
      await teardown?.()
    })

    it('sees columns added after the query first ran, and fails like a fresh query once the table is gone', async () => {
      await db().insertInto('scratch').values({ id: 1, a: 'one' }).execute()
      expect(await rows()).toEqual([{ id: 1, a: 'one' }])
      await sql`alter table scratch add column b varchar(20) default 'bee'`.execute(store.db)
      expect(await rows()).toEqual([{ id: 1, a: 'one', b: 'bee' }])
      await sql`drop table scratch`.execute(store.db)
      await expect(rows()).rejects.toThrow(/scratch/)
      await sql`create table scratch (id integer primary key, a varchar(20) not null)`.execute(store.db)
      await db().insertInto('scratch').values({ id: 2, a: 'two' }).execute()
      expect(await rows()).toEqual([{ id: 2, a: 'two' }])
    })

    it('commits and rolls back transactions whose statements were prepared before', async () => {
      await db().deleteFrom('scratch').execute()
      await db()
        .transaction()
        .execute((trx) => trx.insertInto('scratch').values({ id: 10, a: 'kept' }).execute())
      await expect(
        db()
          .transaction()
          .execute(async (trx) => {
            await trx.insertInto('scratch').values({ id: 11, a: 'dropped' }).execute()
            throw new Error('changed my mind')
          })
      ).rejects.toThrow('changed my mind')
      await db()
        .transaction()
        .execute((trx) => trx.insertInto('scratch').values({ id: 12, a: 'kept too' }).execute())
      expect((await rows()).map((r) => r.id)).toEqual([10, 12])
    })

    it('streams a query and runs it again afterwards', async () => {
      const seen: number[] = []
      for await (const r of db().selectFrom('scratch').select('id').orderBy('id').stream()) seen.push(r.id)
      expect(seen).toEqual([10, 12])
      expect((await rows()).map((r) => r.id)).toEqual([10, 12])
    })

    it('leaves the schema of a reopened database up to date (migrations run through the cache)', async () => {
      const tables = await store.db.introspection.getTables()
      expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['agents', 'messages', 'chat_sessions', 'run_steps']))
    })
  })
}
