import { z } from 'zod'
import { ErrorParams, says } from './messages'
import { Source } from './chat'

/**
 * Knowledge bases beyond their settings (those are in entities.ts): documents and their ingestion,
 * chunks, search, database and API sources, and how an agent uses a knowledge base.
 */

const id = z.string().min(1).max(64)
const timestamp = z.number().int()

// ---------- documents ----------
/** queued → parsing → chunking → embedding → indexing → ready, or failed (with `error`). */
export const DocumentStatus = z.enum(['queued', 'parsing', 'chunking', 'embedding', 'indexing', 'ready', 'failed'])
export type DocumentStatus = z.infer<typeof DocumentStatus>
export const activeDocumentStatuses = ['queued', 'parsing', 'chunking', 'embedding', 'indexing'] as const

export const DocumentSourceType = z.enum(['file', 'upload', 'database', 'api'])
export type DocumentSourceType = z.infer<typeof DocumentSourceType>

export const KbDocument = z.object({
  id,
  kbId: id,
  name: z.string(),
  sourceType: DocumentSourceType,
  /** The database or API source the document came from. */
  sourceId: z.string().nullable(),
  /** A file path, an upload's file name, or `<source name> #<row id>`. */
  location: z.string(),
  status: DocumentStatus,
  /** Why the last attempt failed (also kept while a retry waits). */
  error: z.string().nullable(),
  /** `error` as a message code and params (contract/messages.ts) that the studio says in the user's language; null from an older server. */
  errorReason: z.string().nullable().default(null),
  errorParams: ErrorParams.nullable().default(null),
  /** Found by search: a version of it is fully indexed (an older one may be served while a change is ingested). */
  searchable: z.boolean(),
  bytes: z.number().int(),
  chars: z.number().int(),
  chunks: z.number().int(),
  attempts: z.number().int(),
  createdAt: timestamp,
  updatedAt: timestamp,
  /** When the current or last ingestion started and finished. */
  startedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable()
})
export type KbDocument = z.infer<typeof KbDocument>

export const DocumentListInput = z.object({
  id,
  status: DocumentStatus.optional(),
  /** Part of the name. */
  q: z.string().max(200).optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50)
})
export const DocumentPage = z.object({
  items: z.array(KbDocument),
  /** Matching the filter. */
  total: z.number().int(),
  /** Every document of the knowledge base by status. */
  counts: z.object({ total: z.number().int(), byStatus: z.partialRecord(DocumentStatus, z.number().int()) })
})

export const ChunkView = z.object({
  id: z.string(),
  index: z.number().int(),
  text: z.string(),
  headingPath: z.array(z.string()),
  page: z.number().int().nullable(),
  charStart: z.number().int()
})
export type ChunkView = z.infer<typeof ChunkView>
export const ChunkListInput = z.object({
  id,
  docId: id,
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50)
})
export const ChunkPage = z.object({ items: z.array(ChunkView), total: z.number().int() })

export const AddPathsInput = z.object({
  id,
  /** Files and folders on the machine that runs the core; folders are read recursively. */
  paths: z.array(z.string().trim().min(1).max(4096)).min(1).max(1000)
})
export const AddResult = z.object({
  /** New documents queued. */
  added: z.number().int(),
  /** Known documents whose file changed (queued again; the old version is served until the new one is ready). */
  updated: z.number().int(),
  /** Known documents with the same content (nothing to do). */
  unchanged: z.number().int(),
  /** Files not taken, with why (unsupported type, too large, unreadable). At most 200 are listed. */
  skipped: z.array(
    z.object({
      path: z.string(),
      /** In English. */
      reason: z.string(),
      /** The same as a message code and params (contract/messages.ts), said in the studio's language; absent from an older server. */
      code: z.string().optional(),
      params: ErrorParams.optional()
    })
  ),
  skippedCount: z.number().int(),
  documents: z.array(z.object({ id, name: z.string(), status: DocumentStatus, duplicate: z.boolean() })).max(1000)
})
export type AddResult = z.infer<typeof AddResult>
/** What the multipart upload (`POST /api/knowledge-bases/:id/upload`, 201) answers: one entry per file sent. */
export const UploadAnswer = AddResult.pick({ documents: true })

// ---------- search ----------
export const SearchMode = z.enum(['fulltext', 'vector', 'hybrid'])
export type SearchMode = z.infer<typeof SearchMode>

const retrievalFields = {
  /**
   * vector and hybrid need an embedding model; without one they fall back to fulltext (the result
   * says which mode ran).
   */
  mode: SearchMode,
  topK: z.number().int().min(1).max(50),
  /**
   * Hits scoring below are dropped. Scores are 0..1 in every mode: fulltext = BM25 relative to
   * the best hit, vector = cosine similarity, hybrid = fused rank score (1 = first in both lists),
   * reranked = the rerank model's relevance.
   */
  scoreThreshold: z.number().min(0).max(1),
  /** Hybrid: weight of the vector ranking (0 = text only, 1 = vector only). */
  hybridWeight: z.number().min(0).max(1),
  /** A model of type rerank; null = no rerank. */
  rerankModelId: id.nullable()
}

export const KbSearchInput = z.object({
  id,
  query: z.string().trim().min(1, 'query must not be empty').max(2000),
  mode: retrievalFields.mode.default('hybrid'),
  topK: retrievalFields.topK.default(5),
  scoreThreshold: retrievalFields.scoreThreshold.default(0),
  hybridWeight: retrievalFields.hybridWeight.default(0.5),
  rerankModelId: retrievalFields.rerankModelId.default(null)
})
export type KbSearchInput = z.infer<typeof KbSearchInput>
export const KbSearchResult = z.object({
  hits: z.array(Source),
  /** The mode that ran (vector and hybrid become fulltext without an embedding model). */
  mode: SearchMode,
  reranked: z.boolean(),
  tookMs: z.number()
})
export type KbSearchResult = z.infer<typeof KbSearchResult>

// ---------- agents ↔ knowledge bases ----------
export const BindingSettings = z.object({
  ...retrievalFields,
  mode: retrievalFields.mode.default('hybrid'),
  topK: retrievalFields.topK.default(5),
  scoreThreshold: retrievalFields.scoreThreshold.default(0),
  hybridWeight: retrievalFields.hybridWeight.default(0.5),
  rerankModelId: retrievalFields.rerankModelId.default(null),
  /**
   * context: searched with every user message, the passages go into the prompt.
   * tool: the model gets a search_knowledge tool and searches when it decides to.
   */
  use: z.enum(['context', 'tool']).default('context')
})
export type BindingSettings = z.infer<typeof BindingSettings>
export const AgentKnowledgeBinding = z.object({ kbId: id, settings: BindingSettings.default(BindingSettings.parse({})) })
export type AgentKnowledgeBinding = z.infer<typeof AgentKnowledgeBinding>

// ---------- database and API sources ----------
/** Five or six cron fields (node-cron syntax); null = only on demand. */
const schedule = z.string().trim().min(9).max(120).nullable()
const columnName = z.string().trim().min(1).max(200)

export const DatabaseConnection = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sqlite'), /** A SQLite file on the machine that runs the core; opened read-only. */ path: z.string().trim().min(1).max(4096) }),
  z.object({
    type: z.literal('mysql'),
    /** mysql://user:password@host:3306/db — stored encrypted; the password is shown masked. */
    url: z
      .string()
      .trim()
      .regex(/^mysql:\/\/.+/i, 'must be a URL like mysql://user:password@host:3306/db')
  })
])
export const DatabaseSourceConfig = z.object({
  kind: z.literal('database'),
  connection: DatabaseConnection,
  /** One SELECT, run read-only; each row becomes a document. */
  query: z.string().trim().min(1).max(20_000),
  /** Columns whose values make the document's text (one column: its value; more: `column: value` lines). */
  textColumns: z.array(columnName).min(1).max(50),
  titleColumn: columnName.nullable().default(null),
  /** Identifies a row across syncs, so a changed row replaces its document; null = rows are identified by content. */
  idColumn: columnName.nullable().default(null)
})
const fieldPath = z.string().trim().min(1).max(300)
export const ApiSourceConfig = z.object({
  kind: z.literal('api'),
  method: z.enum(['GET', 'POST', 'PUT']).default('GET'),
  url: z
    .string()
    .trim()
    .regex(/^https?:\/\/\S+$/i, says('http_url')),
  /** Stored encrypted (they often hold a key); values are shown masked. */
  headers: z.record(z.string(), z.string()).default({}),
  /** Sent as is (JSON text usually); only for POST and PUT. */
  body: z.string().max(100_000).nullable().default(null),
  /** Dot path to the array of items in the JSON response (`data.items`); empty = the response is the array. */
  itemsPath: z.string().trim().max(300).default(''),
  /** Dot paths inside an item whose values are indexed; one field: its value, more: `field: value` lines. */
  fields: z.array(fieldPath).min(1).max(50),
  titleField: fieldPath.nullable().default(null),
  idField: fieldPath.nullable().default(null)
})
export const SourceConfig = z.discriminatedUnion('kind', [DatabaseSourceConfig, ApiSourceConfig])
export type SourceConfig = z.infer<typeof SourceConfig>

export const SyncStats = z.object({
  added: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  removed: z.number().int(),
  skipped: z.number().int()
})
export type SyncStats = z.infer<typeof SyncStats>

export const KnowledgeSource = z.object({
  id,
  kbId: id,
  name: z.string(),
  /** Secrets masked (MySQL password, header values). Send them back unchanged to keep them. */
  config: SourceConfig,
  schedule,
  enabled: z.boolean(),
  syncState: z.enum(['idle', 'queued', 'running']),
  lastSyncAt: timestamp.nullable(),
  lastSyncStatus: z.enum(['ok', 'failed']).nullable(),
  lastSyncError: z.string().nullable(),
  /** `lastSyncError` as a message code and params (contract/messages.ts); null from an older server or a sync that failed before it kept one. */
  lastSyncReason: z.string().nullable().default(null),
  lastSyncParams: ErrorParams.nullable().default(null),
  lastSyncStats: SyncStats.nullable(),
  documentCount: z.number().int(),
  createdAt: timestamp,
  updatedAt: timestamp
})
export type KnowledgeSource = z.infer<typeof KnowledgeSource>
export const KnowledgeSourceCreate = z.object({
  name: z.string().trim().min(1).max(64),
  config: SourceConfig,
  schedule: schedule.default(null),
  enabled: z.boolean().default(true)
})
export const KnowledgeSourceUpdate = z.object({
  name: z.string().trim().min(1).max(64).optional(),
  config: SourceConfig.optional(),
  schedule: schedule.optional(),
  enabled: z.boolean().optional()
})
export const SyncResult = z.object({ ok: z.boolean(), stats: SyncStats, error: z.string().nullable(), tookMs: z.number() })
export type SyncResult = z.infer<typeof SyncResult>

// ---------- ingestion state ----------
export const IngestionProgress = z.object({
  kbId: id,
  /** Documents queued or in progress remain; false = this run is over. */
  running: z.boolean(),
  documentsDone: z.number().int(),
  documentsTotal: z.number().int(),
  documentsFailed: z.number().int(),
  chunks: z.number().int(),
  bytesDone: z.number(),
  bytesTotal: z.number(),
  /** Estimated time left, from the throughput so far; null until known. */
  etaMs: z.number().nullable(),
  /** Re-embedding for a new embedding model (search keeps using the old one until it is done). */
  reembed: z.object({ done: z.number().int(), total: z.number().int(), modelId: z.string().nullable() }).nullable()
})
export type IngestionProgress = z.infer<typeof IngestionProgress>

export const KnowledgeBaseStatus = z.object({
  kbId: id,
  counts: DocumentPage.shape.counts,
  progress: IngestionProgress,
  /** The embedding model that search uses now (differs from the chosen one while re-embedding). */
  activeEmbeddingModelId: z.string().nullable(),
  /** Why the last re-embed for a new model failed (it is retried, 30 s doubling to 10 min). */
  reembedError: z.string().nullable(),
  /** `reembedError` as a message code and params; null from an older server. */
  reembedReason: z.string().nullable().default(null),
  reembedParams: ErrorParams.nullable().default(null),
  chunks: z.number().int()
})
export type KnowledgeBaseStatus = z.infer<typeof KnowledgeBaseStatus>

export const DocumentsChanged = z.object({ kbId: id, docIds: z.array(z.string()) })
export const SourceChanged = z.object({ kbId: id, id })
