export type { CollectionSpec, SearchFilter, SearchHit, SearchMode, SearchRequest, Vector, VectorRow, VectorStore } from './types'
export { fuseRankings, RRF_K } from './fusion'
export { MAX_TOP_K } from './validate'
export { createLanceDbStore, type LanceDbStore, type LanceDbStoreOptions } from './lancedb/store'
