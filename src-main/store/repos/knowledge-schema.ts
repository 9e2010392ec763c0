import type { Kysely } from 'kysely'
import type { DB, DocumentsTable, KnowledgeBasesTable } from '../schema'

/**
 * Row types added by migrations 003 and 004 (knowledge ingestion). Kept next to the knowledge repositories
 * rather than in schema.ts so the knowledge store evolves without touching the shared schema file;
 * `knowledgeDb` widens a store handle to see them.
 */
type Bool = number
type Json = string

export interface KbDocumentsTable extends DocumentsTable {
  /** `error` as a message code (contract/messages.ts) and its params as JSON (migration 013). */
  error_reason: string | null
  error_params: Json | null
  /** file | upload | database | api */
  source_type: string
  source_id: string | null
  /** sha1 of what identifies the item (path, upload name, source + row id); unique per knowledge base. */
  source_key: string | null
  bytes: number
  mtime_ms: number | null
  /** The text of a database row or API item (files are read from `source`). */
  body: string | null
  /** Hash of the version being ingested; `content_hash` is the served version's. */
  work_hash: string | null
  /** Version being ingested; chunk ids and vector doc ids carry it. */
  gen: number
  /** Version that search returns; null = nothing served yet. */
  served_gen: number | null
  /** A replaced version whose rows still have to be deleted. */
  stale_gen: number | null
  /** Chunks of `gen` already written to the vector collection (resume point). */
  chunks_done: number
  attempts: number
  next_attempt_at: number
  lease_owner: string | null
  lease_until: number | null
  queued_at: number
  started_at: number | null
  finished_at: number | null
  sync_stamp: string | null
  /** The served version copied into the knowledge base's next collection (re-embedding). */
  reembed_gen: number | null
}

export interface KbKnowledgeBasesTable extends KnowledgeBasesTable {
  /** The vector collection search uses; null until the first document is indexed. */
  collection: string | null
  /** The embedding model that collection was built with (null = full-text only). */
  collection_model_id: string | null
  collection_dim: number | null
  /** Being built for a new embedding model; swapped in when complete. */
  next_collection: string | null
  next_model_id: string | null
  collection_seq: number
}

/** One document version's chunks (migration 004): the text once, the chunks as slices of it. */
export interface KnowledgeVersionsTable {
  doc_id: string
  gen: number
  kb_id: string
  text: string
  /** JSON [charStart, length, heading index, page | null][] in chunk order. */
  chunks: Json
  /** JSON string[][]: the distinct heading paths the chunks point into. */
  headings: Json
}

export interface KnowledgeSourcesTable {
  id: string
  kb_id: string
  name: string
  kind: string
  /** Sealed JSON (it holds passwords and API keys). */
  config: string
  schedule: string | null
  enabled: Bool
  sync_state: string
  last_sync_at: number | null
  last_sync_status: string | null
  last_sync_error: string | null
  /** `last_sync_error` as a message code and its params (JSON); null on rows from before migration 014. */
  last_sync_reason: string | null
  last_sync_params: string | null
  last_sync_stats: Json | null
  created_at: number
  updated_at: number
}

export type KnowledgeDB = Omit<DB, 'documents' | 'knowledge_bases'> & {
  documents: KbDocumentsTable
  knowledge_bases: KbKnowledgeBasesTable
  knowledge_versions: KnowledgeVersionsTable
  knowledge_sources: KnowledgeSourcesTable
}

export const knowledgeDb = (db: Kysely<DB>): Kysely<KnowledgeDB> => db as unknown as Kysely<KnowledgeDB>
