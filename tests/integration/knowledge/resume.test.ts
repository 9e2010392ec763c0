import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootRuntime, tempDir, type BootedRuntime } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'
import { testKnowledgeOptions } from './helpers'

/** kill -9 in the middle of ingesting 200 files, then a restart on the same data folder finishes them. */
let llm: FakeLlm
let b: BootedRuntime | undefined
const dataDir = tempDir('agenta-kb-resume-')
const folder = join(dataDir, 'corpus')
const FILES = 200

function fileText(i: number): string {
  const lines: string[] = [`# Document ${i}`, '', `Marker DOC${i}MARK for document number ${i}.`]
  for (let p = 0; p < 12; p++) {
    lines.push('', `Paragraph ${p} of file ${i}: the scenic area keeps its records in order, and visitors read them at the hall.`)
    lines.push(`第${p}段：第${i}号文件记录了景区第${p}个季度的游客数量和门票收入。`)
  }
  return lines.join('\n')
}

beforeAll(async () => {
  llm = await startFakeLlm()
  mkdirSync(folder, { recursive: true })
  for (let i = 0; i < FILES; i++) writeFileSync(join(folder, `doc-${String(i).padStart(3, '0')}.md`), fileText(i))
})
afterAll(async () => {
  await b?.close()
  await llm?.close()
})

describe('resumable ingestion', () => {
  it('finishes every document after a SIGKILL with no duplicate chunk', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, 'ingest-child.ts')], {
      cwd: resolve(__dirname, '../../..'),
      env: { ...process.env, KB_CHILD: JSON.stringify({ dataDir, folder, baseUrl: llm.baseUrl }) },
      stdio: ['ignore', 'pipe', 'inherit']
    })
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)))
    let kbId = ''
    let doneAtKill = -1
    const lines = createInterface({ input: child.stdout! })
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    for await (const line of lines) {
      const msg = JSON.parse(line)
      if (msg.kbId && msg.added !== undefined) kbId = msg.kbId
      if (msg.documentsDone >= 40 && doneAtKill < 0) {
        doneAtKill = msg.documentsDone
        child.kill('SIGKILL')
      }
    }
    clearTimeout(timer)
    expect(await exited).toBe('SIGKILL')
    expect(kbId).not.toBe('')
    expect(doneAtKill).toBeGreaterThanOrEqual(40)

    b = await bootRuntime({ dataDir, knowledge: testKnowledgeOptions })
    const rt = b.runtime
    const before = await rt.knowledge.documents.list(kbId, { offset: 0, limit: 1 })
    expect(before.counts.total).toBe(FILES)
    // The kill really was mid-way: some documents were still in the queue.
    expect(before.counts.byStatus.ready ?? 0).toBeLessThan(FILES)

    await rt.knowledge.queue.whenIdle()
    const after = await rt.knowledge.documents.list(kbId, { offset: 0, limit: 500 })
    expect(after.counts.byStatus).toEqual({ ready: FILES })
    const chunkSum = after.items.reduce((n, d) => n + d.chunks, 0)
    const kb = await rt.knowledge.collections.state(kbId)
    // Exactly one row per served chunk: nothing from the interrupted attempts survives.
    expect(await rt.knowledge.vector.count(kb.collection!)).toBe(chunkSum)
    // One stored version per document (the replaced and interrupted ones are gone), with all its chunks.
    const versions = await rt.store.db
      .selectFrom('knowledge_versions' as any)
      .select(['doc_id', 'chunks'] as any)
      .execute()
    expect(versions).toHaveLength(FILES)
    expect(versions.reduce((n: number, v: any) => n + JSON.parse(v.chunks).length, 0)).toBe(chunkSum)

    for (const i of [0, 57, 123, 199]) {
      const r = await rt.knowledge.search({
        id: kbId,
        query: `DOC${i}MARK`,
        mode: 'hybrid',
        topK: 5,
        scoreThreshold: 0,
        hybridWeight: 0.5,
        rerankModelId: null
      })
      expect(r.hits[0].docName).toBe(`doc-${String(i).padStart(3, '0')}.md`)
      expect(new Set(r.hits.map((h) => h.chunkId)).size).toBe(r.hits.length)
      expect(new Set(r.hits.map((h) => h.text)).size).toBe(r.hits.length)
    }
  })
})
