// Knowledge-base benchmark: ingestion throughput and peak RSS (full-text only, and with the fake
// embedding server), then search latency in each mode at N chunks next to raw LanceDB queries.
//
//   npx tsx bench/kb/run.ts [--mb 100] [--chunks 100000] [--embed-mb 100] [--dim 384] [--queries 100] [--rounds 2]
//                           [--skip-ingest] [--skip-search] [--keep]
//
// Each measured step runs in its own process, so each peak RSS is that step's alone. The fake
// model server runs in another process too (it would otherwise take CPU from the measured one).
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { writeCorpus, type Corpus } from './corpus'
import { MALLOC_ENV } from '../../bin/malloc-env.js'

const root = resolve(import.meta.dirname, '../..')
const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '100' },
    'embed-mb': { type: 'string' },
    chunks: { type: 'string', default: '100000' },
    dim: { type: 'string', default: '384' },
    queries: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '2' },
    'skip-ingest': { type: 'boolean', default: false },
    'skip-search': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    out: { type: 'string' }
  }
})
const MB = Number(values.mb)
const EMBED_MB = Number(values['embed-mb'] ?? values.mb)
const CHUNKS = Number(values.chunks)
const DIM = Number(values.dim)

const work = mkdtempSync(join(tmpdir(), 'agenta-bench-kb-'))
const children: ChildProcess[] = []
const cleanup = () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM')
  if (!values.keep) rmSync(work, { recursive: true, force: true })
}
process.on('exit', cleanup)
process.on('SIGINT', () => process.exit(130))

function run(script: string, args: unknown, env: Record<string, string> = {}): Promise<any> {
  return new Promise((resolvePromise, reject) => {
    // LANCEDB_LOG: k-means on the fake server's hashed vectors warns about near-duplicates once per
    // partition, and hybrid queries warn about a coming change of projected columns once per query.
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/kb', script), JSON.stringify(args)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { LANCEDB_LOG: 'error', ...process.env, ...env }
    })
    children.push(child)
    let out = ''
    child.stdout!.on('data', (d) => (out += d))
    child.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? ''
      if (code === 0 && last.startsWith('{')) resolvePromise(JSON.parse(last))
      else reject(new Error(`${script} exited with ${code}: ${out.slice(-500)}`))
    })
  })
}

async function fakeLlm(): Promise<string> {
  const port = 20000 + Math.floor(Math.random() * 20000)
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'tests/utils/fake-llm-cli.ts'), '--port', String(port), '--embedding-dim', String(DIM)],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] }
  )
  children.push(child)
  return new Promise((resolvePromise, reject) => {
    child.stdout!.once('data', (d) => resolvePromise(String(d).trim()))
    child.once('exit', (code) => reject(new Error(`fake LLM exited with ${code}`)))
  })
}

function corpus(mb: number): { dir: string; info: Corpus } {
  // Generated once per size and kept between runs (writing 1 GB takes a while).
  const dir = join(tmpdir(), `agenta-bench-kb-corpus-${mb}mb`)
  const meta = join(dir, '.corpus.json')
  if (existsSync(meta)) return { dir, info: JSON.parse(readFileSync(meta, 'utf8')) }
  console.error(`[bench] writing a ${mb} MB corpus to ${dir}`)
  const info = writeCorpus(dir, mb)
  writeFileSync(meta, JSON.stringify(info))
  return { dir, info }
}

const mbOf = (bytes: number) => bytes / 1_048_576
const fmt = (n: number, d = 1) => n.toFixed(d)

const report: Record<string, unknown> = {
  machine: { cpus: availableParallelism(), model: cpus()[0]?.model, memGb: +(totalmem() / 2 ** 30).toFixed(1), node: process.version },
  at: new Date().toISOString()
}
const embedUrl = await fakeLlm()
const lines: string[] = []

if (!values['skip-ingest']) {
  for (const [label, mb, withEmbeddings] of [
    ['full-text only', MB, false],
    [`with embeddings (fake server, dim ${DIM})`, EMBED_MB, true]
  ] as const) {
    if (mb === 0) continue
    const { dir, info } = corpus(mb)
    console.error(`[bench] ingest ${label}: ${info.files} files, ${fmt(mbOf(info.bytes))} MB`)
    // With the allocator setting the `agenta` command gives the server (bin/malloc-env.js).
    const r = await run(
      'ingest.ts',
      { dataDir: join(work, `ingest-${withEmbeddings ? 'embed' : 'fts'}`), corpusDir: dir, ...(withEmbeddings ? { embedUrl } : {}) },
      MALLOC_ENV
    )
    const mbps = mbOf(info.bytes) / r.seconds
    report[`ingest ${label}`] = { ...r, files: info.files, bytes: info.bytes, mbPerSecond: +mbps.toFixed(2) }
    lines.push(
      `| ingest ${label} | ${info.files} files, ${fmt(mbOf(info.bytes))} MB → ${r.chunks} chunks | ${fmt(r.seconds)} s (rows written at ${fmt(r.writtenSeconds)} s; ${r.merges} index merges, ${fmt(r.mergeSeconds)} s; compacted at ${fmt(r.settledSeconds)} s) | **${fmt(mbps, 2)} MB/s** | peak RSS ${fmt(r.peakRss / 2 ** 20, 0)} MB (${fmt(r.peakRssServed / 2 ** 20, 0)} MB until served), CPU ${fmt(r.cpuSeconds)} s |`
    )
    if (r.failed || r.ready !== info.files) lines.push(`|  ⚠ ${r.failed} failed, ${r.ready} ready of ${info.files} | | | | |`)
    if (withEmbeddings) continue
    // The baseline: the same rows straight into LanceDB (raw-ingest.ts), in the same run.
    const rowsDir = `${dir}-rows`
    if (!existsSync(join(rowsDir, '.done'))) {
      console.error(`[bench] preparing the raw baseline's rows in ${rowsDir}`)
      rmSync(rowsDir, { recursive: true, force: true })
      await run('raw-ingest.ts', { phase: 'prep', corpusDir: dir, rowsDir, dataDir: '' })
      writeFileSync(join(rowsDir, '.done'), '')
    }
    const raw = await run('raw-ingest.ts', { phase: 'load', corpusDir: dir, rowsDir, dataDir: join(work, 'ingest-raw') }, MALLOC_ENV)
    const rawMbps = mbOf(info.bytes) / raw.seconds
    report[`ingest ${label}, raw LanceDB`] = { ...raw, mbPerSecond: +rawMbps.toFixed(2), oursOverRawTime: +(r.seconds / raw.seconds).toFixed(2) }
    lines.push(
      `| raw LanceDB: the same ${raw.rows} rows from Arrow files, same indexes | ${fmt(mbOf(info.bytes))} MB of source | ${fmt(raw.seconds)} s (rows written at ${fmt(raw.writtenSeconds)} s; indexes ${fmt(raw.indexSeconds)} s) | **${fmt(rawMbps, 2)} MB/s**; ours takes **${fmt(r.seconds / raw.seconds, 2)} ×** its time | peak RSS ${fmt(raw.peakRss / 2 ** 20, 0)} MB, CPU ${fmt(raw.cpuSeconds)} s |`
    )
  }
}

if (!values['skip-search']) {
  console.error(`[bench] search at ${CHUNKS} chunks`)
  const r = await run('search.ts', {
    dataDir: join(work, 'search'),
    chunks: CHUNKS,
    embedUrl,
    dim: DIM,
    queries: Number(values.queries),
    rounds: Number(values.rounds)
  })
  report[`search ${CHUNKS}`] = r
  lines.push(
    `| build ${r.chunks} chunks (dim ${r.dim}) | write ${fmt(r.writeSeconds)} s | indexes ${fmt(r.indexSeconds)} s (vector index: ${r.vectorIndex ?? 'none'}), then compaction ${fmt(r.compactSeconds)} s | | peak RSS ${fmt(r.peakRss / 2 ** 20, 0)} MB |`
  )
  for (const mode of ['fulltext', 'vector', 'hybrid']) {
    const m = r.results[mode]
    lines.push(
      `| search ${mode} @ ${r.chunks} | ours p50 **${m.ours.p50} ms**, p99 ${m.ours.p99} ms | raw LanceDB p50 ${m.raw.p50} ms, p99 ${m.raw.p99} ms; VectorStore alone p50 ${m.store.p50} ms | overhead p50 **${fmt(m.overheadP50 * 100, 0)}%** vs raw, ${fmt(m.retrieverOverheadP50 * 100, 0)}% vs VectorStore | ${r.queries} queries × ${r.rounds} |`
    )
  }
  const vq = r.vectorQuality
  lines.push(
    `| vector quality @ ${r.chunks} | VectorStore recall@10 ${vq.store.recallAt10}, similarity kept ${vq.store.similarityKept} | raw LanceDB ${vq.raw.recallAt10}, ${vq.raw.similarityKept} | against a flat scan of every vector | |`
  )
  for (const [label, v] of Object.entries(r.ftsVariants as Record<string, { p50: number; p99: number }>)) {
    lines.push(`| raw full-text ${label} @ ${r.chunks} | p50 ${v.p50} ms, p99 ${v.p99} ms | | | |`)
  }
  lines.push(`| query embedding (fake server, HTTP) | p50 ${r.queryEmbeddingMs.p50} ms, p99 ${r.queryEmbeddingMs.p99} ms | cached after the first ask | | |`)
}

console.log(`\n${report.machine ? `${(report.machine as any).cpus} cores, ${(report.machine as any).memGb} GB, ${(report.machine as any).node}` : ''}\n`)
console.log('| step | size | time | result | notes |\n|---|---|---|---|---|')
console.log(lines.join('\n'))
if (values.out) writeFileSync(values.out, JSON.stringify(report, null, 2))
process.exit(0)
