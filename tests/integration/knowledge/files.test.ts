import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootServer, type BootedServer } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'
import { fakeModels, HOURS_EN, newDir, testKnowledgeOptions, TICKETS_ZH, writeEveryType } from './helpers'

/** Files of every type through the REST API: add by path and by upload, dedupe, changes, failures, search in each mode. */
let s: BootedServer
let llm: FakeLlm
let kbId: string
let models: Awaited<ReturnType<typeof fakeModels>>
let files: Record<string, string>
const dir = newDir('files')
const events: Array<[string, any]> = []
const UPLOAD_LIMIT = 256 * 1024

beforeAll(async () => {
  llm = await startFakeLlm()
  s = await bootServer({ knowledge: { ...testKnowledgeOptions, maxUploadBytes: UPLOAD_LIMIT } })
  s.runtime.events.subscribe((name, payload) => events.push([name, payload]))
  models = await fakeModels(s.runtime, llm)
  const kb = await s.api('POST', '/api/knowledge-bases', { name: 'Scenic spot', embeddingModelId: models.embed.id, chunkSize: 300, chunkOverlap: 40 })
  expect(kb.status).toBe(201)
  kbId = kb.body.id
  files = await writeEveryType(dir)
})
afterAll(async () => {
  await s?.close()
  await llm?.close()
})

const idle = () => s.runtime.knowledge.queue.whenIdle()
const search = async (query: string, mode: 'fulltext' | 'vector' | 'hybrid', extra: Record<string, unknown> = {}) => {
  const r = await s.api('POST', `/api/knowledge-bases/${kbId}/search`, { query, mode, topK: 5, ...extra })
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return r.body as {
    hits: Array<{ docName: string; text: string; score: number; page?: number; headingPath?: string[]; docId: string; chunkId: string }>
    mode: string
    reranked: boolean
  }
}
const docs = async () => (await s.api('GET', `/api/knowledge-bases/${kbId}/documents?limit=100`)).body

describe('knowledge files', () => {
  it('ingests a folder of every file type, recursively, and reports progress', async () => {
    writeFileSync(join(dir, 'ignored.exe'), 'MZ')
    const added = await s.api('POST', `/api/knowledge-bases/${kbId}/add-paths`, { paths: [dir] })
    expect(added.status).toBe(200)
    expect(added.body).toMatchObject({ added: 8, updated: 0, unchanged: 0, skippedCount: 1 })
    expect(added.body.skipped[0]).toMatchObject({ reason: 'unsupported file type .exe' })
    await idle()
    const page = await docs()
    expect(page.counts).toEqual({ total: 8, byStatus: { ready: 8 } })
    for (const d of page.items) {
      expect(d, d.name).toMatchObject({ status: 'ready', searchable: true, error: null })
      expect(d.chunks).toBeGreaterThan(0)
      expect(d.bytes).toBeGreaterThan(0)
    }
    const progress = events.filter(([n]) => n === 'knowledge.progress').map(([, p]) => p)
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.at(-1)).toMatchObject({ kbId, running: false, documentsDone: 8, documentsTotal: 8, documentsFailed: 0, etaMs: 0 })
    expect(progress.at(-1).chunks).toBeGreaterThanOrEqual(8)
    expect(events.some(([n, p]) => n === 'knowledge.documents' && p.kbId === kbId)).toBe(true)
    const status = await s.api('GET', `/api/knowledge-bases/${kbId}/status`)
    expect(status.body).toMatchObject({ kbId, counts: { total: 8 }, activeEmbeddingModelId: models.embed.id })
  })

  it('finds Chinese and English passages in every mode, with page and heading', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['门票价格', 'guide.md', /八十八元/],
      ['古镇景点', 'guide.md', /学生证半价/],
      ['when does the museum open', 'guide.md', /8:00 to 17:30/],
      ['ERR_CONNECTION_RESET', 'notes.txt', /ERR_CONNECTION_RESET/],
      ['公交车', 'page.html', /K12/],
      ['bamboo garden', 'report.pdf', /bamboo garden/],
      ['Adult tickets', 'brochure.docx', /88 yuan/],
      ['Audio guide price', 'prices.xlsx', /Audio guide/],
      ['tour guide phone', 'staff.csv', /Li Na/],
      ['宠物', 'faq.json', /牵绳/]
    ]
    for (const mode of ['fulltext', 'vector', 'hybrid'] as const) {
      for (const [query, doc, text] of cases) {
        const r = await search(query, mode)
        expect(r.mode).toBe(mode)
        expect(r.hits[0]?.docName, `${mode}: ${query}`).toBe(doc)
        // The fake embedding is a bag of words: in vector mode the right passage need only be near the top.
        expect(
          r.hits.slice(0, mode === 'vector' ? 3 : 1).some((h) => text.test(h.text)),
          `${mode}: ${query}`
        ).toBe(true)
        for (const h of r.hits) expect(h.score).toBeGreaterThanOrEqual(0)
        for (const h of r.hits) expect(h.score).toBeLessThanOrEqual(1)
      }
    }
    const pdf = (await search('bamboo garden', 'hybrid')).hits[0]
    expect(pdf.page).toBe(2)
    const md = (await search('门票价格', 'fulltext')).hits[0]
    expect(md.headingPath).toEqual(['门票'])
    expect(md.text).toBe(TICKETS_ZH)
    // Script bodies are not text.
    expect((await search('secret', 'fulltext')).hits.map((h) => h.docName)).not.toContain('page.html')
  })

  it('reranks and applies the score threshold', async () => {
    const r = await search('opening hours last entry', 'hybrid', { rerankModelId: models.rerank.id, topK: 3 })
    expect(r.reranked).toBe(true)
    expect(r.hits[0].text).toContain(HOURS_EN)
    expect(r.hits.map((h) => h.score)).toEqual([...r.hits.map((h) => h.score)].sort((a, b) => b - a))
    expect(llm.requests.some((q) => q.path === '/v1/rerank' && q.body.query === 'opening hours last entry')).toBe(true)
    const strict = await search('opening hours last entry', 'hybrid', { rerankModelId: models.rerank.id, topK: 3, scoreThreshold: 0.99 })
    expect(strict.hits.every((h) => h.score >= 0.99)).toBe(true)
    expect(strict.hits.length).toBeLessThan(r.hits.length)
    const wrongType = await s.api('POST', `/api/knowledge-bases/${kbId}/search`, { query: 'x', rerankModelId: models.embed.id })
    expect(wrongType.status).toBe(422)
  })

  it('does nothing for the same files again, and replaces the chunks of a changed one', async () => {
    const again = await s.api('POST', `/api/knowledge-bases/${kbId}/add-paths`, { paths: [dir] })
    expect(again.body).toMatchObject({ added: 0, updated: 0, unchanged: 8 })
    const before = (await docs()).items.find((d: any) => d.name === 'notes.txt')
    const embedCalls = llm.requests.filter((r) => r.path === '/v1/embeddings').length
    await idle()
    expect(llm.requests.filter((r) => r.path === '/v1/embeddings').length).toBe(embedCalls)

    writeFileSync(files['notes.txt'], 'Parking\n\nThe new car park beside the lake holds 500 coaches and cars.')
    const changed = await s.api('POST', `/api/knowledge-bases/${kbId}/add-paths`, { paths: [files['notes.txt']] })
    expect(changed.body).toMatchObject({ added: 0, updated: 1 })
    // The old version stays served while the new one is ingested.
    await idle()
    const after = (await docs()).items.find((d: any) => d.name === 'notes.txt')
    expect(after.id).toBe(before.id)
    expect(after.status).toBe('ready')
    expect((await search('500 coaches', 'fulltext')).hits[0]?.docName).toBe('notes.txt')
    for (const mode of ['fulltext', 'hybrid'] as const)
      expect((await search('ERR_CONNECTION_RESET', mode)).hits.map((h) => h.text).join('\n')).not.toContain('ERR_CONNECTION_RESET')
    const chunks = await s.api('GET', `/api/knowledge-bases/${kbId}/documents/${after.id}/chunks`)
    expect(chunks.body.total).toBe(after.chunks)
    expect(chunks.body.items.map((c: any) => c.text).join(' ')).toContain('500 coaches')
    // Old rows are gone from the vector collection: it holds exactly the served chunks.
    const status = (await s.api('GET', `/api/knowledge-bases/${kbId}/status`)).body
    const kb = await s.runtime.knowledge.collections.state(kbId)
    expect(await s.runtime.knowledge.vector.count(kb.collection as string)).toBe(status.chunks)
  })

  it('takes a file named twice in one request (listed twice, or also inside a listed folder) as one document', async () => {
    const twice = newDir('twice')
    const file = join(twice, 'ferry.md')
    writeFileSync(file, '# Ferry\n\nThe night ferry leaves at 23:40 from pier 3.')
    const r = await s.api('POST', `/api/knowledge-bases/${kbId}/add-paths`, { paths: [file, '/nonexistent/x.txt', file, twice] })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ added: 1, skippedCount: 1 })
    await idle()
    expect((await docs()).items.filter((d: any) => d.name === 'ferry.md')).toHaveLength(1)
  })

  it('fails a corrupt PDF with a clear reason while the rest is ingested', async () => {
    const bad = newDir('bad')
    writeFileSync(join(bad, 'broken.pdf'), Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(3000, 0x41)]))
    writeFileSync(join(bad, 'fine.txt'), '竹林小径的长度是两公里。')
    const r = await s.api('POST', `/api/knowledge-bases/${kbId}/add-paths`, { paths: [bad] })
    expect(r.body.added).toBe(2)
    await idle()
    const all = (await docs()).items
    const broken = all.find((d: any) => d.name === 'broken.pdf')
    expect(broken).toMatchObject({ status: 'failed', searchable: false })
    expect(broken.error).toMatch(/^Cannot read broken\.pdf: /)
    expect(all.find((d: any) => d.name === 'fine.txt').status).toBe('ready')
    expect((await search('竹林小径', 'hybrid')).hits[0].docName).toBe('fine.txt')
    const failed = await s.api('GET', `/api/knowledge-bases/${kbId}/documents?status=failed`)
    expect(failed.body.items.map((d: any) => d.name)).toEqual(['broken.pdf'])
    // Re-indexing a corrupt file fails again, with the same reason.
    const again = await s.api('POST', `/api/knowledge-bases/${kbId}/documents/${broken.id}/reindex`)
    expect(again.body.status).toBe('queued')
    await idle()
    expect((await s.api('GET', `/api/knowledge-bases/${kbId}/documents/${broken.id}`)).body).toMatchObject({ status: 'failed', error: broken.error })
  })

  it('uploads files over REST as multipart (streamed), with duplicates and clear 413/415/422', async () => {
    const form = new FormData()
    form.append('file', new Blob(['# 索道\n\n缆车单程票价为六十元，往返一百元。']), '索道说明.md')
    form.append('file', new Blob(['Lockers near the east gate cost 5 yuan per day.']), 'lockers.txt')
    const up = await fetch(`${s.url}/api/knowledge-bases/${kbId}/upload`, { method: 'POST', headers: { authorization: `Bearer ${s.token}` }, body: form })
    const body = await up.json()
    expect(up.status, JSON.stringify(body)).toBe(201)
    expect(body.documents.map((d: any) => [d.name, d.duplicate])).toEqual([
      ['索道说明.md', false],
      ['lockers.txt', false]
    ])
    await idle()
    expect((await search('缆车票价', 'hybrid')).hits[0]).toMatchObject({ docName: '索道说明.md', headingPath: ['索道'] })

    const same = new FormData()
    same.append('file', new Blob(['Lockers near the east gate cost 5 yuan per day.']), 'copy-of-lockers.txt')
    const dup = await fetch(`${s.url}/api/knowledge-bases/${kbId}/upload`, { method: 'POST', headers: { authorization: `Bearer ${s.token}` }, body: same })
    expect(dup.status).toBe(201)
    expect((await dup.json()).documents[0]).toMatchObject({ name: 'lockers.txt', duplicate: true, status: 'ready' })

    const post = (f: FormData | string, headers: Record<string, string> = {}) =>
      fetch(`${s.url}/api/knowledge-bases/${kbId}/upload`, { method: 'POST', headers: { authorization: `Bearer ${s.token}`, ...headers }, body: f })
    const big = new FormData()
    big.append('file', new Blob([Buffer.alloc(UPLOAD_LIMIT + 10, 'a')]), 'big.txt')
    const tooBig = await post(big)
    expect(tooBig.status).toBe(413)
    expect((await tooBig.json()).error.message).toMatch(/big\.txt/)
    const exe = new FormData()
    exe.append('file', new Blob(['MZ']), 'setup.exe')
    const unsupported = await post(exe)
    expect(unsupported.status).toBe(415)
    const refused = await unsupported.json()
    expect(refused.error).toMatchObject({ code: 'unsupported_media_type', message: expect.stringMatching(/setup\.exe/) })
    const nothing = new FormData()
    nothing.append('note', 'no file here')
    expect((await post(nothing)).status).toBe(422)
    expect((await post('{}', { 'content-type': 'application/json' })).status).toBe(415)
    const noToken = await fetch(`${s.url}/api/knowledge-bases/${kbId}/upload`, { method: 'POST', body: form })
    expect(noToken.status).toBe(401)
    const missing = await fetch(`${s.url}/api/knowledge-bases/nope/upload`, { method: 'POST', headers: { authorization: `Bearer ${s.token}` }, body: form })
    expect(missing.status).toBe(404)
    // Rejected uploads leave nothing behind.
    expect((await docs()).items.map((d: any) => d.name)).not.toContain('big.txt')
  })

  it('deletes a document and its chunks, and never serves them again', async () => {
    const lockers = (await docs()).items.find((d: any) => d.name === 'lockers.txt')
    expect((await search('Lockers east gate', 'fulltext')).hits[0].docName).toBe('lockers.txt')
    expect((await s.api('DELETE', `/api/knowledge-bases/${kbId}/documents/${lockers.id}`)).status).toBe(200)
    expect((await search('Lockers east gate', 'hybrid')).hits.map((h) => h.docName)).not.toContain('lockers.txt')
    expect((await s.api('GET', `/api/knowledge-bases/${kbId}/documents/${lockers.id}`)).status).toBe(404)
  })

  it('searches a knowledge base without an embedding model in full-text mode, Chinese included', async () => {
    const kb = (await s.api('POST', '/api/knowledge-bases', { name: 'Text only' })).body
    const d = newDir('textonly')
    writeFileSync(join(d, 'a.txt'), TICKETS_ZH)
    await s.api('POST', `/api/knowledge-bases/${kb.id}/add-paths`, { paths: [d] })
    await idle()
    const r = await s.api('POST', `/api/knowledge-bases/${kb.id}/search`, { query: '门票多少钱', mode: 'hybrid' })
    expect(r.body.mode).toBe('fulltext')
    expect(r.body.hits[0].text).toBe(TICKETS_ZH)
    expect((await s.api('POST', `/api/knowledge-bases/${kb.id}/search`, { query: '门票', mode: 'vector' })).body.mode).toBe('fulltext')
    const collection = (await s.runtime.knowledge.collections.state(kb.id)).collection!
    expect(await s.runtime.knowledge.vector.hasCollection(collection)).toBe(true)
    expect((await s.api('DELETE', `/api/knowledge-bases/${kb.id}`)).status).toBe(200)
    // Deleting a knowledge base takes its vectors and its documents with it.
    expect(await s.runtime.knowledge.vector.hasCollection(collection)).toBe(false)
    expect((await s.api('GET', `/api/knowledge-bases/${kb.id}/documents`)).status).toBe(404)
  })
})
