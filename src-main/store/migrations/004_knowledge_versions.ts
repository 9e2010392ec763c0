import { sql, type Kysely } from 'kysely'
import { columnTypes } from './column-types'

/**
 * A document version's chunks as one row: its text once, and each chunk as a slice of it (chunks
 * are verbatim slices, see the chunker). Row-per-chunk storage held the overlapping text twice
 * and cost one insert per chunk; this is one insert per document version.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db)
  // MySQL's MEDIUMTEXT stops at 16 MB; a long book as plain text can exceed it.
  const long = t.mysql ? sql`longtext` : sql`text`
  await db.schema
    .createTable('knowledge_versions')
    .addColumn('doc_id', t.id, (c) => c.notNull().references('documents.id').onDelete('cascade'))
    .addColumn('gen', t.int, (c) => c.notNull())
    .addColumn('kb_id', t.id, (c) => c.notNull())
    .addColumn('text', long, (c) => c.notNull())
    .addColumn('chunks', long, (c) => c.notNull())
    .addColumn('headings', t.text, (c) => c.notNull())
    .addPrimaryKeyConstraint('knowledge_versions_pk', ['doc_id', 'gen'])
    .execute()
  await db.schema.dropTable('knowledge_chunks').ifExists().execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db)
  await db.schema.dropTable('knowledge_versions').ifExists().execute()
  await db.schema
    .createTable('knowledge_chunks')
    .addColumn('id', t.short, (c) => c.primaryKey())
    .addColumn('kb_id', t.id, (c) => c.notNull())
    .addColumn('doc_id', t.id, (c) => c.notNull().references('documents.id').onDelete('cascade'))
    .addColumn('gen', t.int, (c) => c.notNull())
    .addColumn('idx', t.int, (c) => c.notNull())
    .addColumn('text', t.text, (c) => c.notNull())
    .addColumn('heading_path', t.text, (c) => c.notNull())
    .addColumn('page', t.int)
    .addColumn('char_start', t.int, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('knowledge_chunks_doc').on('knowledge_chunks').columns(['doc_id', 'gen', 'idx']).execute()
}
