/** The usual RRF constant: it damps the gap between rank 1 and rank 2 so no single list dominates. */
export const RRF_K = 60

/**
 * Weighted reciprocal rank fusion: score(d) = w / (K + rank_vector(d)) + (1 - w) / (K + rank_text(d)),
 * ranks 1-based, a list that misses d adds nothing. Ranks, not raw scores, are fused because BM25
 * and cosine similarity live on unrelated scales. Done here rather than with LanceDB's built-in
 * RRFReranker because that one has no weight, and so every store fuses identically.
 */
export function fuseRankings<T extends { id: string }>(
  vectorHits: readonly T[],
  textHits: readonly T[],
  vectorWeight: number,
  topK: number
): (T & { score: number })[] {
  const fused = new Map<string, { hit: T; score: number }>()
  const add = (hits: readonly T[], weight: number) => {
    hits.forEach((hit, i) => {
      const entry = fused.get(hit.id) ?? { hit, score: 0 }
      entry.score += weight / (RRF_K + i + 1)
      fused.set(hit.id, entry)
    })
  }
  add(vectorHits, vectorWeight)
  add(textHits, 1 - vectorWeight)
  return [...fused.values()]
    .filter((e) => e.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, topK)
    .map((e) => ({ ...e.hit, score: e.score }))
}
