import type { Kysely } from 'kysely'
import { columnTypes } from './column-types'

/**
 * A document's failure as a message code and params beside its English `error` (issue 15, defect
 * 7): the studio says "cannot read broken.pdf: not a valid PDF" in the user's language. Rows
 * failed before this migration keep only the message, which the studio shows as it is.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db)
  await db.schema.alterTable('documents').addColumn('error_reason', t.short).execute()
  await db.schema.alterTable('documents').addColumn('error_params', t.text).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const c of ['error_params', 'error_reason']) await db.schema.alterTable('documents').dropColumn(c).execute()
}
