import type OpenAI from 'openai'
import type { Kysely } from 'kysely'
import type { Source } from '../../../contract/chat'
import { AppError } from '../../../contract/errors'
import type { KbSearchResult, SearchMode } from '../../../contract/knowledge'
import type { DB } from '../../../store/schema'
import { parseVersionKey, type DocumentsRepo } from '../../../store/repos/documents'
import { RRF_K, type SearchHit, type VectorStore } from '../../../vector'
import { describeProviderFault } from '../../providers/provider-errors'
import { resolveModel } from '../../providers/resolve-model'
import type { Embedder } from '../embedder'
import type { Collections } from '../ingest/collections'

export interface RetrievalRequest {
  query: string
  mode: SearchMode
  topK: number
  scoreThreshold: number
  hybridWeight: number
  rerankModelId: string | null
}

// A reranker sees this many candidates per wanted hit (at least 20, at most 50).
const RERANK_POOL = 4

/**
 * Search over one knowledge base. Every hit is checked against the store: only rows of a
 * document's served version come back (a version being ingested, replaced or deleted never
 * does), with the document's current name. Scores are put on a 0..1 scale per mode so that one
 * threshold means something in all of them.
 */
export class Retriever {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly docs: DocumentsRepo,
    private readonly collections: Collections,
    private readonly vector: VectorStore,
    private readonly embedder: Embedder,
    private readonly clientFor: (providerId: string, opts: { timeout: number; maxRetries: number }) => Promise<OpenAI>
  ) {}

  async search(kbId: string, req: RetrievalRequest, signal?: AbortSignal): Promise<KbSearchResult> {
    const started = performance.now()
    const kb = await this.collections.state(kbId)
    let mode: SearchMode = req.mode
    const canEmbed = kb.collection_dim !== null && kb.collection_model_id !== null
    if (mode !== 'fulltext' && !canEmbed) mode = 'fulltext'
    if (!kb.collection) return { hits: [], mode, reranked: false, tookMs: performance.now() - started }

    let vector: number[] | undefined
    if (mode !== 'fulltext') {
      try {
        vector = await this.embedder.embedQuery(kb.collection_model_id as string, req.query, signal)
      } catch (err) {
        // Hybrid degrades to full-text when the embedding server is down, so a chat still gets context.
        if (mode === 'vector') throw err
        mode = 'fulltext'
      }
    }

    const want = req.rerankModelId ? Math.min(50, Math.max(req.topK * RERANK_POOL, 20)) : req.topK
    // Rows of versions not (or no longer) served are rare (a changed document being ingested):
    // ask for exactly what is wanted, and look deeper only when some were dropped.
    let fetch = want
    let raw = await this.vector.search(kb.collection, { query: req.query, vector, mode, topK: fetch, hybridWeight: req.hybridWeight })
    let hits = await this.served(raw)
    if (hits.length < want && raw.length === fetch) {
      fetch = Math.min(1000, fetch * 4)
      raw = await this.vector.search(kb.collection, { query: req.query, vector, mode, topK: fetch, hybridWeight: req.hybridWeight })
      hits = await this.served(raw)
    }
    hits = hits.slice(0, want)
    normalize(hits, mode)

    let reranked = false
    if (req.rerankModelId && hits.length) {
      const scores = await this.rerank(
        req.rerankModelId,
        req.query,
        hits.map((h) => h.source.text),
        signal
      )
      hits.forEach((h, i) => (h.source.score = scores[i] ?? 0))
      hits.sort((a, b) => b.source.score - a.source.score)
      reranked = true
    }
    const out = hits
      .map((h) => h.source)
      .filter((s) => s.score >= req.scoreThreshold)
      .slice(0, req.topK)
      .map((s) => ({ ...s, kbId }))
    return { hits: out, mode, reranked, tookMs: Math.round((performance.now() - started) * 100) / 100 }
  }

  /** Keeps hits whose row belongs to its document's served version; attaches the document's name. */
  private async served(raw: SearchHit[]): Promise<Array<{ source: Source; raw: number }>> {
    const keys = raw.map((h) => ({ hit: h, v: parseVersionKey(h.docId) }))
    const ids = [...new Set(keys.flatMap((k) => (k.v ? [k.v.docId] : [])))]
    const docs = new Map((await this.docs.servedVersions(ids)).map((d) => [d.id, d]))
    const out: Array<{ source: Source; raw: number }> = []
    for (const { hit, v } of keys) {
      const d = v && docs.get(v.docId)
      if (!d || d.served_gen === null || Number(d.served_gen) !== v.gen) continue
      out.push({ source: toSource(hit, v.docId, d.name), raw: hit.score })
    }
    return out
  }

  /** POST {baseUrl}/rerank in the Jina / Cohere / SiliconFlow shape; one relevance score per document, in input order. */
  async rerank(modelRowId: string, query: string, documents: string[], signal?: AbortSignal): Promise<number[]> {
    const m = await resolveModel(this.db, modelRowId, 'rerank', 'rerankModelId')
    const client = await this.clientFor(m.providerId, { timeout: 30_000, maxRetries: 1 })
    let res: { results?: Array<{ index: number; relevance_score?: number; score?: number }> }
    try {
      res = await client.post('/rerank', { body: { model: m.modelId, query, documents, top_n: documents.length, return_documents: false }, signal })
    } catch (err) {
      const fault = describeProviderFault(err, client.baseURL)
      throw new AppError('upstream_error', `Rerank with ${m.modelId} failed: ${fault.message}`, { reason: fault.code })
    }
    if (!Array.isArray(res?.results)) throw new AppError('upstream_error', `Rerank with ${m.modelId} returned no results list`)
    const scores = new Array<number>(documents.length).fill(0)
    for (const r of res.results)
      if (Number.isInteger(r.index) && r.index >= 0 && r.index < documents.length) scores[r.index] = Number(r.relevance_score ?? r.score ?? 0)
    return scores
  }
}

function toSource(hit: SearchHit, docId: string, docName: string): Source {
  const meta = hit.meta as { h?: unknown; p?: unknown }
  const headingPath = Array.isArray(meta.h) ? meta.h.map(String) : []
  // Rows are indexed with their heading path in front (see indexedText); the passage is shown without it.
  const prefix = headingPath.length ? `${headingPath.join(' > ')}\n` : ''
  const text = prefix && hit.text.startsWith(prefix) ? hit.text.slice(prefix.length) : hit.text
  return {
    kbId: hit.kbId,
    docId,
    docName,
    chunkId: hit.id,
    text,
    score: hit.score,
    ...(typeof meta.p === 'number' ? { page: meta.p } : {}),
    ...(headingPath.length ? { headingPath } : {})
  }
}

/**
 * 0..1 in every mode: fulltext = BM25 over the best hit's (BM25 has no upper bound), vector =
 * cosine similarity (negative as 0), hybrid = fused score over the best possible (first in both lists).
 */
function normalize(hits: Array<{ source: Source; raw: number }>, mode: SearchMode): void {
  const best = Math.max(0, ...hits.map((h) => h.raw))
  for (const h of hits) {
    const s = mode === 'fulltext' ? (best > 0 ? h.raw / best : 0) : mode === 'hybrid' ? h.raw * (RRF_K + 1) : h.raw
    h.source.score = Math.round(Math.min(1, Math.max(0, s)) * 10_000) / 10_000
  }
}
