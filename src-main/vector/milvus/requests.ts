import type { HybridSearchReq, HybridSearchSingleReq, SearchSimpleReq } from '@zilliz/milvus2-sdk-node'
import { RRF_K } from '../fusion'
import type { Vector } from '../types'
import type { FilterExpr } from './filter'
import { FIELDS, OUTPUT_FIELDS } from './schema'
import { loadMilvusSdk } from './load'

/** The filter as a (sub-)request's expression and template values; nothing when it narrows nothing. */
function where(filter: FilterExpr): Pick<SearchSimpleReq, 'expr' | 'exprValues'> {
  return filter.expr ? { expr: filter.expr, exprValues: filter.values } : {}
}

const common = (collectionName: string, limit: number): Pick<SearchSimpleReq, 'collection_name' | 'limit' | 'output_fields' | 'consistency_level'> => ({
  collection_name: collectionName,
  limit,
  output_fields: [...OUTPUT_FIELDS],
  consistency_level: loadMilvusSdk().ConsistencyLevelEnum.Strong
})

/** BM25 over the analyzed `text`: Milvus analyzes the query with the field's own analyzer. */
export function fullTextRequest(collectionName: string, query: string, filter: FilterExpr, limit: number): SearchSimpleReq {
  return { ...common(collectionName, limit), data: query, anns_field: FIELDS.sparse, metric_type: 'BM25', ...where(filter) }
}

export function vectorRequest(collectionName: string, vector: Vector, filter: FilterExpr, limit: number): SearchSimpleReq {
  return { ...common(collectionName, limit), data: Array.from(vector), anns_field: FIELDS.vector, metric_type: 'COSINE', ...where(filter) }
}

/**
 * One round trip: Milvus runs the vector and the BM25 search, each `limit` deep and each with the
 * filter, and fuses them by reciprocal rank with our RRF_K. Its RRF has no weights, so this serves
 * the default, equal weighting only (score = 1/(K+rank_v) + 1/(K+rank_t), twice fusion.ts's at w = 0.5).
 */
export function hybridRequest(collectionName: string, query: string, vector: Vector, filter: FilterExpr, limit: number): HybridSearchReq {
  const { RRFRanker } = loadMilvusSdk()
  const byVector: HybridSearchSingleReq = { data: Array.from(vector), anns_field: FIELDS.vector, params: {}, ...where(filter) }
  const byText: HybridSearchSingleReq = { data: query, anns_field: FIELDS.sparse, params: {}, ...where(filter) }
  return { ...common(collectionName, limit), data: [byVector, byText], rerank: RRFRanker(RRF_K) }
}
