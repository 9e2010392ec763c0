import { AppError } from '../contract/errors'
import type { CollectionSpec, SearchRequest, Vector, VectorRow } from './types'

export const MAX_TOP_K = 1000

// Safe as a LanceDB table name, a Milvus collection name and a file name on every OS.
const COLLECTION_NAME = /^[A-Za-z][A-Za-z0-9_]{0,254}$/

export function checkCollectionName(name: string): void {
  if (!COLLECTION_NAME.test(name)) {
    throw new AppError('validation_failed', `Invalid collection name "${name}": use a letter, then letters, digits or underscores`)
  }
}

export function checkSpec(name: string, spec: CollectionSpec): void {
  if (spec.dim !== null && (!Number.isInteger(spec.dim) || spec.dim < 1 || spec.dim > 65536)) {
    throw new AppError('validation_failed', `Invalid dim ${spec.dim} for collection "${name}": an integer from 1 to 65536, or null for full-text only`)
  }
}

/** Last write of an id wins, as it would row by row; duplicate ids in one batch would otherwise store twice. */
export function checkRows(collection: string, dim: number | null, rows: VectorRow[]): VectorRow[] {
  const byId = new Map<string, VectorRow>()
  for (const row of rows) {
    if (typeof row.id !== 'string' || !row.id) throw new AppError('validation_failed', `A row for "${collection}" has no id`)
    if (typeof row.docId !== 'string' || !row.docId || typeof row.kbId !== 'string' || !row.kbId) {
      throw new AppError('validation_failed', `Row ${row.id} for "${collection}" needs a docId and a kbId`)
    }
    if (typeof row.text !== 'string') throw new AppError('validation_failed', `Row ${row.id} for "${collection}" has no text`)
    if (dim === null) {
      if (row.vector !== undefined) {
        throw new AppError('validation_failed', `Row ${row.id}: collection "${collection}" is full-text only and takes no vectors`)
      }
    } else {
      checkVector(`Row ${row.id} for "${collection}"`, row.vector, dim)
    }
    byId.set(row.id, row)
  }
  return [...byId.values()]
}

export function checkVector(what: string, vector: Vector | undefined, dim: number): void {
  if (vector === undefined) throw new AppError('validation_failed', `${what}: a vector of ${dim} numbers is required`)
  // Mixed dimensions would make every distance meaningless, so a mismatch is refused, never padded.
  if (vector.length !== dim) throw new AppError('validation_failed', `${what}: the vector has ${vector.length} numbers, the collection has dim ${dim}`)
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(vector[i])) throw new AppError('validation_failed', `${what}: the vector holds a non-finite number at ${i}`)
  }
}

export interface CheckedRequest extends SearchRequest {
  hybridWeight: number
}

export function checkRequest(collection: string, dim: number | null, request: SearchRequest): CheckedRequest {
  const { mode, topK } = request
  if (mode !== 'fulltext' && mode !== 'vector' && mode !== 'hybrid') throw new AppError('validation_failed', `Unknown search mode "${String(mode)}"`)
  if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) {
    throw new AppError('validation_failed', `topK must be an integer from 1 to ${MAX_TOP_K} (got ${topK})`)
  }
  const hybridWeight = request.hybridWeight ?? 0.5
  if (!(hybridWeight >= 0 && hybridWeight <= 1)) throw new AppError('validation_failed', `hybridWeight must be between 0 and 1 (got ${hybridWeight})`)
  if (typeof request.query !== 'string') throw new AppError('validation_failed', 'query must be a string')
  if (mode !== 'fulltext') {
    if (dim === null) {
      throw new AppError('validation_failed', `Collection "${collection}" is full-text only (no embedding model): use mode "fulltext"`)
    }
    checkVector(`Query vector for "${collection}"`, request.vector, dim)
  }
  return { ...request, hybridWeight }
}
