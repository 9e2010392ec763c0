import type { Kysely } from 'kysely'

/**
 * The ingestion queue takes queued documents oldest first. Without an index in that order, each
 * claim sorted every waiting document: a 10,000-file import spent ~5 ms per claim, quadratic in
 * the queue's length. With (status, queued_at, id) the claim reads the first few index entries.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('documents_claim').on('documents').columns(['status', 'queued_at', 'id']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('documents_claim').on('documents').ifExists().execute()
}
