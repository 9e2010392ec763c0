import type { Kysely } from 'kysely'
import { columnTypes } from './column-types'

/**
 * Knowledge-base ingestion: the documents table becomes the persistent job queue (stage, attempts,
 * lease, versions), chunks are kept in the store (to show them and to re-embed without the
 * source files), knowledge bases remember which vector collection and model serve them, and
 * database/API sources get their own table.
 */
type ColumnType = ReturnType<typeof columnTypes>['id' | 'short' | 'text' | 'time' | 'int']

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db)

  const docColumns: Array<[string, ColumnType, 'zero' | 'file' | null]> = [
    ['source_type', t.short, 'file'],
    ['source_id', t.id, null],
    ['source_key', t.short, null],
    ['bytes', t.time, 'zero'],
    ['mtime_ms', t.time, null],
    ['body', t.text, null],
    ['work_hash', t.short, null],
    ['gen', t.int, 'zero'],
    ['served_gen', t.int, null],
    ['stale_gen', t.int, null],
    ['chunks_done', t.int, 'zero'],
    ['attempts', t.int, 'zero'],
    ['next_attempt_at', t.time, 'zero'],
    ['lease_owner', t.short, null],
    ['lease_until', t.time, null],
    ['queued_at', t.time, 'zero'],
    ['started_at', t.time, null],
    ['finished_at', t.time, null],
    ['sync_stamp', t.short, null],
    ['reembed_gen', t.int, null]
  ]
  for (const [name, type, dflt] of docColumns) {
    await db.schema
      .alterTable('documents')
      .addColumn(name, type, (c) => (dflt === 'zero' ? c.notNull().defaultTo(0) : dflt === 'file' ? c.notNull().defaultTo('file') : c))
      .execute()
  }
  await db.schema.createIndex('documents_source_key').unique().on('documents').columns(['kb_id', 'source_key']).execute()
  await db.schema.createIndex('documents_queue').on('documents').columns(['status', 'next_attempt_at']).execute()
  await db.schema.createIndex('documents_kb_status').on('documents').columns(['kb_id', 'status']).execute()
  await db.schema.createIndex('documents_source').on('documents').columns(['source_id', 'sync_stamp']).execute()

  for (const [name, type, zero] of [
    ['collection', t.short, false],
    ['collection_model_id', t.id, false],
    ['collection_dim', t.int, false],
    ['next_collection', t.short, false],
    ['next_model_id', t.id, false],
    ['collection_seq', t.int, true]
  ] as const) {
    await db.schema
      .alterTable('knowledge_bases')
      .addColumn(name, type, (c) => (zero ? c.notNull().defaultTo(0) : c))
      .execute()
  }

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

  await db.schema
    .createTable('knowledge_sources')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('kb_id', t.id, (c) => c.notNull().references('knowledge_bases.id').onDelete('cascade'))
    .addColumn('name', t.short, (c) => c.notNull())
    .addColumn('kind', t.short, (c) => c.notNull())
    .addColumn('config', t.text, (c) => c.notNull())
    .addColumn('schedule', t.short)
    .addColumn('enabled', t.bool, (c) => c.notNull())
    .addColumn('sync_state', t.short, (c) => c.notNull())
    .addColumn('last_sync_at', t.time)
    .addColumn('last_sync_status', t.short)
    .addColumn('last_sync_error', t.text)
    .addColumn('last_sync_stats', t.text)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('knowledge_sources_name').unique().on('knowledge_sources').columns(['kb_id', 'name']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('knowledge_sources').ifExists().execute()
  await db.schema.dropTable('knowledge_chunks').ifExists().execute()
  for (const index of ['documents_source_key', 'documents_queue', 'documents_kb_status', 'documents_source']) {
    await db.schema.dropIndex(index).on('documents').ifExists().execute()
  }
  for (const column of ['collection', 'collection_model_id', 'collection_dim', 'next_collection', 'next_model_id', 'collection_seq']) {
    await db.schema.alterTable('knowledge_bases').dropColumn(column).execute()
  }
  for (const column of [
    'source_type',
    'source_id',
    'source_key',
    'bytes',
    'mtime_ms',
    'body',
    'work_hash',
    'gen',
    'served_gen',
    'stale_gen',
    'chunks_done',
    'attempts',
    'next_attempt_at',
    'lease_owner',
    'lease_until',
    'queued_at',
    'started_at',
    'finished_at',
    'sync_stamp',
    'reembed_gen'
  ]) {
    await db.schema.alterTable('documents').dropColumn(column).execute()
  }
}
