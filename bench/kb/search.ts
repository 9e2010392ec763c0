// Search latency at N chunks, in its own process: our search (Retriever: served-version check,
// names, score scale) next to the same kind of query sent straight to LanceDB, in the same run,
// on the same table and the same query vectors.
import { join } from 'node:path'
import type { Table } from '@lancedb/lancedb'
import { createRuntime } from '../../src-main/core/runtime'
import { newDocumentRow, sourceKey } from '../../src-main/core/knowledge/documents-service'
import { versionKey } from '../../src-main/store/repos/documents'
import { loadLance } from '../../src-main/vector/lancedb/load'
import { searchTerms } from '../../src-main/vector/lancedb/search-terms'
import { embed } from '../../tests/utils/fake-llm'
import { makeVocabulary, paragraph, rng } from './corpus'
import { memBytes } from '../../tests/utils/proc'

const args = JSON.parse(process.argv[2]) as { dataDir: string; chunks: number; embedUrl: string; dim: number; queries: number; rounds: number }
const log = (...a: unknown[]) => console.error('[search]', ...a)
const TOP_K = 10
const CHUNKS_PER_DOC = 20
const BATCH = 10_000

const rt = await createRuntime({ host: 'server', dataDir: args.dataDir })
const provider = await rt.providers.create({ name: 'fake', kind: 'custom', baseUrl: args.embedUrl, enabled: true })
const model = await rt.providers.models.create({ providerId: provider.id, modelId: 'fake-embed', type: 'embedding' })
const kb = await rt.knowledgeBases.create({ name: 'bench', description: '', embeddingModelId: model.id, chunkSize: 800, chunkOverlap: 100 })
const live = await rt.knowledge.collections.live(kb.id)
if (live.dim !== args.dim) throw new Error(`fake server embeds with dim ${live.dim}, expected ${args.dim}`)

// ---- build: documents as the queue leaves them (ready, version 0 served) and their rows ----
const rand = rng(7)
const vocab = makeVocabulary(rand)
const pick = () => Math.min(vocab.length - 1, Math.floor(vocab.length ** rand()) - 1)
const queries: { en: string[]; zh: string[] } = { en: [], zh: [] }
let t0 = performance.now()
let written = 0
while (written < args.chunks) {
  const docs = []
  const rows = []
  for (let d = 0; d < BATCH / CHUNKS_PER_DOC && written < args.chunks; d++) {
    const doc = newDocumentRow({
      kbId: kb.id,
      name: `doc-${written / CHUNKS_PER_DOC}.md`,
      location: `/bench/doc-${written}`,
      sourceType: 'file',
      key: sourceKey('file', `/bench/${written}`),
      bytes: 0
    })
    Object.assign(doc, { status: 'ready', served_gen: 0, gen: 0, chunk_count: CHUNKS_PER_DOC, chunks_done: CHUNKS_PER_DOC, queued_at: 0 })
    docs.push(doc)
    for (let c = 0; c < CHUNKS_PER_DOC && written < args.chunks; c++, written++) {
      let text = ''
      while (text.length < 600) {
        const p = paragraph(rand, vocab, pick)
        text += `${p.en} ${p.zh} `
        if (queries.en.length < args.queries && rand() < 0.002) queries.en.push(p.en.split(' ').slice(1, 3).join(' '))
        if (queries.zh.length < args.queries && rand() < 0.002) queries.zh.push(p.zh.replace(/[，。]/g, '').slice(3, 7))
      }
      rows.push({ id: `${doc.id}:0:${c}`, docId: versionKey(doc.id, 0), kbId: kb.id, text: text.trim(), vector: embed(text, args.dim), meta: { i: c, h: [] } })
    }
  }
  await rt.knowledge.documents.docs.insertMany(docs)
  await rt.knowledge.vector.upsert(live.name, rows)
  if ((written / BATCH) % 10 === 0) log(`${written} rows, ${((performance.now() - t0) / 1000).toFixed(0)} s`)
}
const writeSeconds = (performance.now() - t0) / 1000
t0 = performance.now()
await rt.knowledge.vector.optimize(live.name)
const indexSeconds = (performance.now() - t0) / 1000
// The compaction the store starts after a first index build: searches below see what a user's
// collection looks like once it has settled.
await rt.knowledge.vector.settled()
const compactSeconds = (performance.now() - t0) / 1000 - indexSeconds
log(`built ${written} rows: write ${writeSeconds.toFixed(1)} s, indexes ${indexSeconds.toFixed(1)} s, compaction ${compactSeconds.toFixed(1)} s`)

// ---- the raw side: a second connection to the same table ----
const { lancedb } = loadLance()
const conn = await lancedb.connect(join(args.dataDir, 'vectors'))
const table: Table = await conn.openTable(live.name)
const vectorIndex = (await table.listIndices()).find((i) => i.columns.includes('vector'))?.indexType ?? null
const indexed = vectorIndex !== null
const rrf = await lancedb.rerankers.RRFReranker.create()
const COLUMNS = ['id', 'doc_id', 'kb_id', 'text', 'meta']
// The full-text index reads the `terms` column (words, and Chinese cut into character pairs).
const match = (q: string, operator: (typeof lancedb.Operator)[keyof typeof lancedb.Operator]) => new lancedb.MatchQuery(searchTerms(q), 'terms', { operator })
const ftsTopK = (q: string, operator: (typeof lancedb.Operator)[keyof typeof lancedb.Operator]) =>
  table
    .query()
    .fullTextSearch(match(q, operator), { columns: 'terms' })
    .select([...COLUMNS, '_score'])
    .limit(TOP_K)
    .toArray()
const vectorQuery = (v: number[], columns = [...COLUMNS, '_distance']) => {
  let b = table.query().nearestTo(Float32Array.from(v)).distanceType('cosine').select(columns).limit(TOP_K)
  if (indexed) b = b.nprobes(50).refineFactor(10)
  return b
}
const raw = {
  // The same two match queries the store sends (Or and And, in parallel), without its merging.
  fulltext: async (q: string) => (await Promise.all([ftsTopK(q, lancedb.Operator.Or), ftsTopK(q, lancedb.Operator.And)])).flat(),
  vector: (_q: string, v: number[]) => vectorQuery(v).toArray(),
  // LanceDB's own hybrid (one query, fused by its RRF reranker) with the Or match query, both lists
  // as deep as the store asks them (3 × topK), the fused top 10 kept.
  hybrid: async (q: string, v: number[]) =>
    (
      await vectorQuery(v, COLUMNS)
        .fullTextSearch(match(q, lancedb.Operator.Or), { columns: 'terms' })
        .rerank(rrf)
        .limit(3 * TOP_K)
        .toArray()
    ).slice(0, TOP_K)
}

const all = [...queries.en, ...queries.zh]
const vectors = new Map<string, number[]>()
const embedMs: number[] = []
for (const q of all) {
  // Uncached: what a first-time question costs at the (fake) embedding server over HTTP.
  const t = performance.now()
  vectors.set(q, await rt.knowledge.embedder.embedQuery(model.id, q))
  embedMs.push(performance.now() - t)
}
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]
}
const stats = (xs: number[]) => ({ p50: +pct(xs, 50).toFixed(2), p99: +pct(xs, 99).toFixed(2), mean: +(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(2) })

// The store layer alone (VectorStore.search, no served-version check), to tell which layer costs what.
const storeSearch = (q: string, mode: 'fulltext' | 'vector' | 'hybrid') =>
  rt.knowledge.vector.search(live.name, { query: q, vector: mode === 'fulltext' ? undefined : vectors.get(q), mode, topK: TOP_K, hybridWeight: 0.5 })

// Search quality next to the speed, against the exact top 10 (a flat scan of every vector that
// bypasses the index): recall@10, and the similarity kept (mean cosine of the 10 returned over the
// mean of the exact 10), which still means something when many rows are near-ties for a place.
const exactTop = new Map<string, { ids: Set<string>; meanSim: number }>()
for (const q of all) {
  const rows = await table
    .query()
    .nearestTo(Float32Array.from(vectors.get(q)!))
    .distanceType('cosine')
    .bypassVectorIndex()
    .select(['id'])
    .limit(TOP_K)
    .toArray()
  const meanSim = rows.reduce((sum, r) => sum + 1 - Number(r._distance), 0) / Math.max(1, rows.length)
  exactTop.set(q, { ids: new Set(rows.map((r) => String(r.id))), meanSim })
}
const quality = async (search: (q: string) => Promise<{ id: string; sim: number }[]>) => {
  let recall = 0
  let kept = 0
  for (const q of all) {
    const exact = exactTop.get(q)!
    const hits = (await search(q)).slice(0, TOP_K)
    recall += hits.filter((h) => exact.ids.has(h.id)).length / Math.max(1, exact.ids.size)
    kept += hits.reduce((sum, h) => sum + h.sim, 0) / Math.max(1, hits.length) / exact.meanSim
  }
  return { recallAt10: +(recall / all.length).toFixed(3), similarityKept: +(kept / all.length).toFixed(3) }
}
const vectorQuality = {
  store: await quality(async (q) => (await storeSearch(q, 'vector')).map((h) => ({ id: h.id, sim: h.score }))),
  raw: await quality(async (q) => (await raw.vector(q, vectors.get(q)!)).map((r) => ({ id: String(r.id), sim: 1 - Number(r._distance) })))
}
log('vector quality', JSON.stringify(vectorQuality))

const results: Record<string, unknown> = {}
for (const mode of ['fulltext', 'vector', 'hybrid'] as const) {
  const ours: number[] = []
  const theirs: number[] = []
  const store: number[] = []
  let oursHits = 0
  let rawHits = 0
  // Warm both paths (file caches, index pages), then alternate which goes first per query.
  for (const q of all.slice(0, 20)) {
    await rt.knowledge.retriever.search(kb.id, { query: q, mode, topK: TOP_K, scoreThreshold: 0, hybridWeight: 0.5, rerankModelId: null })
    await raw[mode](q, vectors.get(q)!)
  }
  for (let r = 0; r < args.rounds; r++) {
    for (const [i, q] of all.entries()) {
      const v = vectors.get(q)!
      const runOurs = async () => {
        const t = performance.now()
        const res = await rt.knowledge.retriever.search(kb.id, { query: q, mode, topK: TOP_K, scoreThreshold: 0, hybridWeight: 0.5, rerankModelId: null })
        ours.push(performance.now() - t)
        oursHits += res.hits.length
      }
      const runRaw = async () => {
        const t = performance.now()
        const res = await raw[mode](q, v)
        theirs.push(performance.now() - t)
        rawHits += res.length
      }
      const runStore = async () => {
        const t = performance.now()
        await storeSearch(q, mode)
        store.push(performance.now() - t)
      }
      // Rotating the order, so no side always runs on warmer caches.
      const order = [runOurs, runRaw, runStore]
      for (let k = 0; k < order.length; k++) await order[(i + r + k) % order.length]()
    }
  }
  const o = stats(ours)
  const t = stats(theirs)
  const st = stats(store)
  results[mode] = {
    ours: o,
    store: st,
    raw: t,
    overheadP50: +(o.p50 / t.p50 - 1).toFixed(3),
    retrieverOverheadP50: +(o.p50 / st.p50 - 1).toFixed(3),
    hitsPerQuery: { ours: +(oursHits / ours.length).toFixed(1), raw: +(rawHits / theirs.length).toFixed(1) }
  }
  log(mode, JSON.stringify(results[mode]))
}
// Where full-text time goes: each of the store's two match queries alone.
const variants = { 'MatchQuery Or': lancedb.Operator.Or, 'MatchQuery And': lancedb.Operator.And }
const ftsVariants: Record<string, unknown> = {}
for (const [label, operator] of Object.entries(variants)) {
  const ms: number[] = []
  for (const q of all) {
    const t = performance.now()
    await table.query().fullTextSearch(match(q, operator), { columns: 'terms' }).select(['id', '_score']).limit(TOP_K).toArray()
    ms.push(performance.now() - t)
  }
  ftsVariants[label] = stats(ms)
}
log('full-text variants', JSON.stringify(ftsVariants))

const hwm = memBytes('self', 'VmHWM')
process.stdout.write(
  JSON.stringify({
    chunks: written,
    dim: args.dim,
    vectorIndex,
    writeSeconds,
    indexSeconds,
    compactSeconds,
    queries: all.length,
    rounds: args.rounds,
    queryEmbeddingMs: stats(embedMs),
    results,
    vectorQuality,
    ftsVariants,
    peakRss: hwm
  }) + '\n'
)
table.close()
conn.close()
await rt.close()
process.exit(0)
