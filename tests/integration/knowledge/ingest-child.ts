// Run by resume.test.ts as a separate process (node --import tsx) so that it can be killed with
// SIGKILL in the middle of an ingestion: boots a runtime, queues a folder, reports progress.
import { createRuntime } from '../../../src-main/core/runtime'

const { dataDir, folder, baseUrl } = JSON.parse(process.env.KB_CHILD ?? '{}') as { dataDir: string; folder: string; baseUrl: string }

const rt = await createRuntime({
  host: 'server',
  dataDir,
  knowledge: { ingestion: { flushIdleMs: 50, batchMaxMs: 1_000, batchMaxDocs: 20, leaseMs: 1_500, flushRows: 500 }, progressIntervalMs: 50 }
})
rt.events.subscribe((name, payload) => {
  if (name === 'knowledge.progress') process.stdout.write(`${JSON.stringify(payload)}\n`)
})
const provider = await rt.providers.create({ name: 'fake', kind: 'custom', baseUrl, enabled: true })
const model = await rt.providers.models.create({ providerId: provider.id, modelId: 'fake-embed', type: 'embedding' })
const kb = await rt.knowledgeBases.create({ name: 'bulk', description: '', embeddingModelId: model.id, chunkSize: 200, chunkOverlap: 20 })
const added = await rt.knowledge.documents.addPaths(kb.id, [folder])
process.stdout.write(`${JSON.stringify({ kbId: kb.id, added: added.added })}\n`)
// Runs until killed.
setInterval(() => undefined, 60_000)
