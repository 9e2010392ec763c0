import type { Kysely } from 'kysely'
import { columnTypes } from './column-types'

/**
 * Per-provider timeouts for the model call (connect, first token, between chunks), in ms. Rows
 * that exist get the defaults of DEFAULT_PROVIDER_TIMEOUTS (contract/entities.ts), written out
 * here because a migration must not change when that constant does.
 */
const columns = [
  ['connect_timeout_ms', 15_000],
  ['first_token_timeout_ms', 120_000],
  ['idle_timeout_ms', 60_000]
] as const

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db)
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  for (const [name, ms] of columns) {
    await db.schema
      .alterTable('providers')
      .addColumn(name, t.int, (c) => c.notNull().defaultTo(ms))
      .execute()
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of columns) await db.schema.alterTable('providers').dropColumn(name).execute()
}
