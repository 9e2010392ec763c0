import type { FieldSchema, FieldType, FunctionObject } from '@zilliz/milvus2-sdk-node'
import type { VectorRow } from '../types'
import type { CreateCollectionRequest } from './api'
import { loadMilvusSdk } from './load'

/** Field names match the LanceDB store's columns, so filters and hits read the same in both. */
export const FIELDS = { id: 'id', docId: 'doc_id', kbId: 'kb_id', text: 'text', meta: 'meta', sparse: 'sparse', vector: 'vector' } as const
export const OUTPUT_FIELDS = [FIELDS.id, FIELDS.docId, FIELDS.kbId, FIELDS.text, FIELDS.meta]
export const BM25_FUNCTION = 'text_bm25'

/** Byte limits of the VarChar fields (Milvus counts UTF-8 bytes; a Chinese character is 3) and of a JSON value. */
export const MAX_BYTES = { id: 512, docId: 512, kbId: 256, text: 65_535, meta: 65_536 } as const
/** Milvus refuses FloatVector fields above this dim (proxy.maxDimension, default 32768). */
export const MAX_DIM = 32_768

/**
 * How `text` becomes BM25 terms, at write and at query time alike. jieba cuts Chinese into words
 * (门票价格 → 门票 价格) and keeps English words whole; `lowercase` makes English match
 * case-insensitively; `removepunct` drops the punctuation and space tokens jieba keeps
 * (Milvus 2.5.11+). Not the built-in `chinese` analyzer: its `cnalphanumonly` filter drops every
 * token holding another character, so "kb-town", "v2.5" or "e.g." would never be found, and it
 * does not lowercase.
 */
export const ANALYZER_PARAMS = { tokenizer: 'jieba', filter: ['lowercase', 'removepunct'] } as const

/**
 * One Milvus collection per store collection (= per knowledge base and embedding dimension), the
 * knowledge base id as partition key: a search filtered to some knowledge bases only visits their
 * partitions, and Milvus applies filters inside the nearest-neighbour search, never after it (the
 * trap of Open WebUI #30135, where small knowledge bases lost most of their hits).
 */
export function collectionRequest(collectionName: string, dim: number | null): CreateCollectionRequest {
  const { DataType, FunctionType } = loadMilvusSdk()
  const fields: FieldType[] = [
    { name: FIELDS.id, data_type: DataType.VarChar, is_primary_key: true, autoID: false, max_length: MAX_BYTES.id },
    { name: FIELDS.docId, data_type: DataType.VarChar, max_length: MAX_BYTES.docId },
    { name: FIELDS.kbId, data_type: DataType.VarChar, max_length: MAX_BYTES.kbId, is_partition_key: true },
    {
      name: FIELDS.text,
      data_type: DataType.VarChar,
      max_length: MAX_BYTES.text,
      enable_analyzer: true,
      analyzer_params: { ...ANALYZER_PARAMS, filter: [...ANALYZER_PARAMS.filter] }
    },
    // Free-form per row, returned as written; a JSON field can also be filtered on later.
    { name: FIELDS.meta, data_type: DataType.JSON },
    // Written by Milvus from `text` (the BM25 function below), never by us.
    { name: FIELDS.sparse, data_type: DataType.SparseFloatVector }
  ]
  if (dim !== null) fields.push({ name: FIELDS.vector, data_type: DataType.FloatVector, dim })
  const functions: FunctionObject[] = [
    { name: BM25_FUNCTION, type: FunctionType.BM25, input_field_names: [FIELDS.text], output_field_names: [FIELDS.sparse], params: {} }
  ]
  const index_params: CreateCollectionRequest['index_params'] = [
    { field_name: FIELDS.sparse, index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'BM25' },
    // deleteByDoc and document filters look rows up by doc_id.
    { field_name: FIELDS.docId, index_type: 'INVERTED' },
    // Several knowledge bases share a partition once there are more of them than partitions.
    { field_name: FIELDS.kbId, index_type: 'INVERTED' }
  ]
  // Cosine, as the LanceDB store: the score is the cosine similarity, higher is better.
  // AUTOINDEX is HNSW on Milvus and whatever Zilliz Cloud picks there.
  if (dim !== null) index_params.push({ field_name: FIELDS.vector, index_type: 'AUTOINDEX', metric_type: 'COSINE' })
  return {
    collection_name: collectionName,
    fields,
    functions,
    index_params,
    enable_dynamic_field: false,
    // Reads see every write acknowledged before them (a deleted document never comes back, a count
    // is exact). The Node SDK tracks no session timestamps, so "Session" would not give that.
    consistency_level: 'Strong'
  }
}

export type StoredLayout = { ok: true; dim: number | null } | { ok: false; reason: string }

/** The dim an existing collection was created with, or why it is not one of this store's collections. */
export function layoutOf(fields: FieldSchema[]): StoredLayout {
  const byName = new Map(fields.map((f) => [f.name, f]))
  for (const name of [FIELDS.id, FIELDS.docId, FIELDS.kbId, FIELDS.text, FIELDS.sparse]) {
    if (!byName.has(name)) return { ok: false, reason: `it has no field "${name}"` }
  }
  const vector = byName.get(FIELDS.vector)
  if (!vector) return { ok: true, dim: null }
  const raw = vector.dim ?? vector.type_params?.find((p) => p.key === 'dim')?.value
  const dim = Number(raw)
  return Number.isInteger(dim) && dim > 0 ? { ok: true, dim } : { ok: false, reason: `its vector field has no readable dim (${String(raw)})` }
}

export function toEntity(row: VectorRow, dim: number | null): Record<string, string | number[] | Record<string, unknown>> {
  const entity: Record<string, string | number[] | Record<string, unknown>> = {
    [FIELDS.id]: row.id,
    [FIELDS.docId]: row.docId,
    [FIELDS.kbId]: row.kbId,
    [FIELDS.text]: row.text,
    [FIELDS.meta]: row.meta ?? {}
  }
  if (dim !== null && row.vector) entity[FIELDS.vector] = Array.from(row.vector)
  return entity
}
