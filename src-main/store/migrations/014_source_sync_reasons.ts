import type { Kysely } from 'kysely'
import { columnTypes } from './column-types'

/**
 * A knowledge source's last sync error as a message code and params beside its English
 * `last_sync_error` (as 013 did for documents): the studio says "cannot reach https://…" in the
 * user's language. Sources that failed before this migration keep only the message, shown as it is.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db)
  await db.schema.alterTable('knowledge_sources').addColumn('last_sync_reason', t.short).execute()
  await db.schema.alterTable('knowledge_sources').addColumn('last_sync_params', t.text).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const c of ['last_sync_params', 'last_sync_reason']) await db.schema.alterTable('knowledge_sources').dropColumn(c).execute()
}
