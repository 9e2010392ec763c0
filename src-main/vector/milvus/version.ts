import { AppError } from '../../contract/errors'

/** BM25 full-text search came with Milvus 2.5.0; the analyzer's `removepunct` filter with 2.5.11. */
export const MIN_MILVUS = [2, 5, 11] as const

/**
 * Refuses a server too old for this store's collections, with a message that says what to do,
 * instead of the "unknown function type" Milvus would answer the first createCollection with.
 * A version string with no numbers (some managed services) is let through: the server then
 * answers for itself. A missing patch number ("compatible with Milvus 2.5") counts as new enough.
 */
export function checkMilvusVersion(address: string, version: string): void {
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(version)
  if (!match) return
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), match[3] === undefined ? Infinity : Number(match[3])]
  const have = [major, minor, patch]
  for (let i = 0; i < MIN_MILVUS.length; i++) {
    if (have[i] > MIN_MILVUS[i]) return
    if (have[i] < MIN_MILVUS[i]) {
      throw new AppError(
        'upstream_error',
        `Milvus at ${address} is version ${version}; this vector store needs ${MIN_MILVUS.join('.')} or later (built-in BM25 full-text search and its analyzers). Upgrade Milvus or use the built-in LanceDB store.`
      )
    }
  }
}
