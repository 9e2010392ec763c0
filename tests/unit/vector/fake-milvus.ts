import type { FieldSchema, FieldType, ResStatus, SearchResultData } from '@zilliz/milvus2-sdk-node'
import type { CreateCollectionRequest, MilvusApi } from '../../../src-main/vector/milvus/api'

export type Call = { [M in keyof MilvusApi]: { method: M; req: Parameters<MilvusApi[M]>[0] } }[keyof MilvusApi]

export const OK: ResStatus = { error_code: 'Success', reason: '', code: 0, extra_info: {}, retriable: false, detail: '' }
export const refused = (reason: string): ResStatus => ({ ...OK, error_code: 'UnexpectedError', code: 65535, reason })

/**
 * A recording stand-in for the SDK's MilvusClient: it keeps which collections exist (with the
 * fields they were created with), answers writes with their row counts, and answers searches
 * with whatever the test queued. It never ranks or filters: what the store asks Milvus for is
 * what the tests check, in `calls`.
 */
export class FakeMilvus implements MilvusApi {
  readonly calls: Call[] = []
  readonly collections = new Map<string, FieldType[]>()
  version = 'v2.5.14'
  rowCount = 0
  /** Answers to the next search calls, in order; an empty list when none is queued. */
  readonly searchResults: SearchResultData[][] = []
  /** Makes the next call of that method answer with this status. */
  readonly refuse = new Map<keyof MilvusApi, ResStatus>()

  of<M extends keyof MilvusApi>(method: M): Parameters<MilvusApi[M]>[0][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.req as Parameters<MilvusApi[M]>[0])
  }

  private record<M extends keyof MilvusApi>(method: M, req: Parameters<MilvusApi[M]>[0]): ResStatus {
    this.calls.push({ method, req } as Call)
    const status = this.refuse.get(method)
    this.refuse.delete(method)
    return status ?? OK
  }

  async getVersion() {
    this.record('getVersion', undefined as never)
    return { version: this.version }
  }
  async hasCollection(req: { collection_name: string }) {
    return { status: this.record('hasCollection', req), value: this.collections.has(req.collection_name) }
  }
  async describeCollection(req: { collection_name: string }) {
    const fields = (this.collections.get(req.collection_name) ?? []).map(
      // What the SDK's describeCollection returns carries the type params flattened onto the field.
      (f) => ({ name: f.name, dim: f.dim, type_params: [], is_primary_key: !!f.is_primary_key }) as unknown as FieldSchema
    )
    return { status: this.record('describeCollection', req), schema: { fields } }
  }
  async createCollection(req: CreateCollectionRequest) {
    const status = this.record('createCollection', req)
    if (status === OK) this.collections.set(req.collection_name, 'fields' in req ? req.fields : req.schema)
    return status
  }
  async loadCollection(req: { collection_name: string }) {
    return this.record('loadCollection', req)
  }
  async dropCollection(req: { collection_name: string }) {
    this.collections.delete(req.collection_name)
    return this.record('dropCollection', req)
  }
  async upsert(req: Parameters<MilvusApi['upsert']>[0]) {
    return { status: this.record('upsert', req), upsert_cnt: String(req.data?.length ?? 0) }
  }
  async insert(req: Parameters<MilvusApi['insert']>[0]) {
    return { status: this.record('insert', req), insert_cnt: String(req.data?.length ?? 0) }
  }
  async delete(req: Parameters<MilvusApi['delete']>[0]) {
    return { status: this.record('delete', req), delete_cnt: '0' }
  }
  async query(req: Parameters<MilvusApi['query']>[0]) {
    return { status: this.record('query', req), data: [{ 'count(*)': String(this.rowCount) }] }
  }
  async search(req: Parameters<MilvusApi['search']>[0]) {
    return { status: this.record('search', req), results: this.searchResults.shift() ?? [] }
  }
  async closeConnection() {
    this.record('closeConnection', undefined as never)
  }
}
