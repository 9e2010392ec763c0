import type { Kysely } from 'kysely'
import { columnTypes } from './column-types'

/**
 * Each person's own language and theme (accounts on): a member may change these without
 * touching the studio's settings, which stay the default for whoever has chosen nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db)
  await db.schema
    .createTable('user_preferences')
    .addColumn('user_id', t.id, (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('language', t.id)
    .addColumn('theme', t.id)
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('user_preferences').ifExists().execute()
}
