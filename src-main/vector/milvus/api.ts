import type {
  CreateCollectionReq,
  CreateIndexSimpleReq,
  DeleteReq,
  FieldSchema,
  FunctionObject,
  HybridSearchReq,
  InsertReq,
  QueryReq,
  ResStatus,
  SearchResultData,
  SearchSimpleReq,
  UpsertReq
} from '@zilliz/milvus2-sdk-node'

/** What creating one of this store's collections takes: schema, BM25 function and indexes at once. */
export type CreateCollectionRequest = CreateCollectionReq & { index_params: Omit<CreateIndexSimpleReq, 'collection_name'>[] }

export interface MutationResponse {
  status: ResStatus
  insert_cnt?: string | number
  upsert_cnt?: string | number
}

/**
 * The part of the SDK's MilvusClient this store uses. Narrow on purpose: unit tests pass a small
 * recording double of it (tests/unit/vector/milvus-store.test.ts), and the real client is checked
 * against it at compile time below, so an SDK upgrade that changes a call breaks tsc, not a user.
 */
export interface MilvusApi {
  getVersion(): Promise<{ version: string }>
  /** value: the SDK types it as the wrapper `Boolean`; read it with Boolean(). */
  hasCollection(req: { collection_name: string }): Promise<{ status: ResStatus; value: unknown }>
  describeCollection(req: { collection_name: string }): Promise<{ status: ResStatus; schema: { fields: FieldSchema[]; functions?: FunctionObject[] } }>
  createCollection(req: CreateCollectionRequest): Promise<ResStatus>
  loadCollection(req: { collection_name: string }): Promise<ResStatus>
  dropCollection(req: { collection_name: string }): Promise<ResStatus>
  upsert(req: UpsertReq): Promise<MutationResponse>
  insert(req: InsertReq): Promise<MutationResponse>
  delete(req: DeleteReq): Promise<MutationResponse & { delete_cnt?: string | number }>
  query(req: QueryReq): Promise<{ status: ResStatus; data: Record<string, unknown>[] }>
  search(req: SearchSimpleReq | HybridSearchReq): Promise<{ status: ResStatus; results: SearchResultData[] | SearchResultData[][] }>
  closeConnection(): Promise<unknown>
}
