import type { Kysely } from 'kysely'
import type { DB } from '../schema'
import { isUniqueViolation } from '../errors'

/** A key/value table: each value JSON text, so new settings need no migration. */
export function settingsRepo(db: Kysely<DB>) {
  return {
    async get<T>(key: string): Promise<T | undefined> {
      const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst()
      return row ? (JSON.parse(row.value) as T) : undefined
    },
    async set(key: string, value: unknown): Promise<void> {
      const text = JSON.stringify(value)
      // Update-then-insert is portable where ON CONFLICT / ON DUPLICATE KEY are not.
      const res = await db.updateTable('settings').set({ value: text }).where('key', '=', key).executeTakeFirst()
      if (Number(res.numUpdatedRows) > 0) return
      try {
        await db.insertInto('settings').values({ key, value: text }).execute()
      } catch (err) {
        // Another writer inserted the key between our update and insert: ours is the newer value.
        if (!isUniqueViolation(err)) throw err
        await db.updateTable('settings').set({ value: text }).where('key', '=', key).execute()
      }
    }
  }
}
