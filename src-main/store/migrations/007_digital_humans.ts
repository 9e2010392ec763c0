import type { Kysely } from 'kysely'
import { columnTypes } from './column-types'

/**
 * The digital humans registry (issue 13): built-in looks, uploaded GLB/VRM files and LiveTalking
 * avatars, each with its voice. Structured parts (the LiveTalking service, the voice, the file's
 * facts) are JSON text, as elsewhere. Agents name them in `agents.digital_human` (JSON), so there
 * is no foreign key: deleting one clears those references in the service.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db)
  await db.schema
    .createTable('digital_humans')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', t.short, (c) => c.notNull())
    .addColumn('kind', t.short, (c) => c.notNull())
    .addColumn('look', t.short, (c) => c.notNull())
    .addColumn('palette', t.short, (c) => c.notNull())
    .addColumn('live_talking', t.text)
    .addColumn('voice', t.text, (c) => c.notNull())
    .addColumn('model_file', t.text)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('digital_humans_name').unique().on('digital_humans').column('name').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('digital_humans').execute()
}
