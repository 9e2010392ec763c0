// One ingestion run in its own process (so its peak RSS is its own): boots a runtime on a fresh
// data folder, queues the corpus folder, waits until every document is ready, prints JSON.
import { createRuntime } from '../../src-main/core/runtime'
import { memBytes } from '../../tests/utils/proc'

const args = JSON.parse(process.argv[2]) as { dataDir: string; corpusDir: string; embedUrl?: string }
let peak = 0
const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100)
const rt = await createRuntime({ host: 'server', dataDir: args.dataDir })
let embeddingModelId: string | null = null
if (args.embedUrl) {
  const p = await rt.providers.create({ name: 'fake', kind: 'custom', baseUrl: args.embedUrl, enabled: true })
  embeddingModelId = (await rt.providers.models.create({ providerId: p.id, modelId: 'fake-embed', type: 'embedding' })).id
}
const kb = await rt.knowledgeBases.create({ name: 'bench', description: '', embeddingModelId, chunkSize: 800, chunkOverlap: 100 })
const started = performance.now()
const startedAt = Date.now()
const cpuStart = process.cpuUsage()
const added = await rt.knowledge.documents.addPaths(kb.id, [args.corpusDir])
const queuedMs = performance.now() - started
await rt.knowledge.queue.whenIdle()
const seconds = (performance.now() - started) / 1000
// Every document is served now; the store compacts the import's fragments after that (counted apart,
// and in the peak RSS).
const peakRssServed = Math.max(peak, memBytes('self', 'VmHWM'))
await rt.knowledge.vector.settled()
const settledSeconds = (performance.now() - started) / 1000
const status = await rt.knowledge.status(kb.id)
const stats = { ...rt.knowledge.queue.stats }
const cpu = process.cpuUsage(cpuStart)
clearInterval(sample)
const hwm = memBytes('self', 'VmHWM')
await rt.close()
process.stdout.write(
  JSON.stringify({
    docs: added.added,
    ready: status.counts.byStatus.ready ?? 0,
    failed: status.counts.byStatus.failed ?? 0,
    chunks: status.chunks,
    seconds,
    settledSeconds,
    queuedMs,
    // Until the last chunk row was written, and the time spent folding rows into the indexes.
    writtenSeconds: (stats.lastWriteAt - startedAt) / 1000,
    mergeSeconds: stats.mergeMs / 1000,
    merges: stats.merges,
    // CPU time of this process (all threads, LanceDB's included): what the run costs without other load.
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRss: Math.max(peak, hwm),
    peakRssServed
  }) + '\n'
)
process.exit(0)
