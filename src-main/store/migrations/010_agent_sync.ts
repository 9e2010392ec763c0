import type { Kysely } from 'kysely'
import { columnTypes } from './column-types'

/**
 * Where each agent stands with each team server it was pushed to or pulled from
 * (core/team-link): the fingerprints of its definition on both sides right after the last sync, so
 * a later push or pull can tell "changed there since" (a conflict) from "unchanged" (safe to update).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db)
  await db.schema
    .createTable('agent_sync')
    .addColumn('agent_id', t.id, (c) => c.notNull().references('agents.id').onDelete('cascade'))
    /** The team server's URL. */
    .addColumn('remote', t.short, (c) => c.notNull())
    .addColumn('remote_agent_id', t.id, (c) => c.notNull())
    .addColumn('local_fingerprint', t.id, (c) => c.notNull())
    .addColumn('remote_fingerprint', t.id, (c) => c.notNull())
    .addColumn('synced_at', t.time, (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_sync_pk', ['agent_id', 'remote'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('agent_sync').execute()
}
