// A document that fails to ingest says why as a message code and params beside its English
// message (issue 15, defect 7), so the studio can say it in the user's language: files that cannot
// be read, and an embedding provider that refuses, over REST. So do the other knowledge failures:
// a source's last sync, a failed re-embed, and the files "add paths" did not take.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootServer, type BootedServer } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'
import { fakeModels, newDir, testKnowledgeOptions } from './helpers'

let s: BootedServer
let refusing: Server
let llm: FakeLlm

beforeAll(async () => {
  // An embedding server that refuses every key.
  refusing = createServer((_req, res) => {
    res
      .writeHead(401, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }))
  })
  await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r))
  llm = await startFakeLlm()
  s = await bootServer({ knowledge: { ...testKnowledgeOptions, ingestion: { ...testKnowledgeOptions.ingestion, maxFileBytes: 2_000 } } })
})
afterAll(async () => {
  await s?.close()
  refusing?.close()
  await llm?.close()
})

const idle = () => s.runtime.knowledge.queue.whenIdle()
const documents = async (kbId: string) => (await s.api('GET', `/api/knowledge-bases/${kbId}/documents?limit=100`)).body.items as any[]

describe('a failed document carries its reason and params', () => {
  it('files that cannot be read: corrupt, without text, not what their type says, grown too large, gone', async () => {
    const kb = (await s.api('POST', '/api/knowledge-bases', { name: 'Broken files', chunkSize: 400, chunkOverlap: 0 })).body
    const dir = newDir('reasons')
    const files: Record<string, string | Buffer> = {
      'broken.pdf': Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(1500, 0x41)]),
      'blank.md': '   \n\n   ',
      'letter.docx': 'plain text, not a Word file',
      'data.json': '{ "open": ',
      'fine.txt': 'The ferry leaves at nine.'
    }
    for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body)
    expect((await s.api('POST', `/api/knowledge-bases/${kb.id}/add-paths`, { paths: [dir] })).body.added).toBe(5)
    await idle()
    const byName = Object.fromEntries((await documents(kb.id)).map((d) => [d.name, d]))
    expect(byName['fine.txt']).toMatchObject({ status: 'ready', error: null, errorReason: null, errorParams: null })
    expect(byName['broken.pdf']).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^Cannot read broken\.pdf: not a valid PDF/),
      errorReason: 'doc_corrupt',
      errorParams: { name: 'broken.pdf', format: 'PDF', detail: expect.any(String) }
    })
    expect(byName['blank.md']).toMatchObject({ status: 'failed', errorReason: 'doc_no_text', errorParams: { name: 'blank.md' } })
    expect(byName['letter.docx']).toMatchObject({ status: 'failed', errorReason: 'doc_not_zip', errorParams: { name: 'letter.docx', format: 'DOCX' } })
    expect(byName['data.json']).toMatchObject({ status: 'failed', errorReason: 'doc_corrupt', errorParams: { name: 'data.json', format: 'JSON' } })
    // One document by id says the same.
    const one = (await s.api('GET', `/api/knowledge-bases/${kb.id}/documents/${byName['broken.pdf'].id}`)).body
    expect(one).toMatchObject({ errorReason: 'doc_corrupt', errorParams: byName['broken.pdf'].errorParams })

    // A file that grew over the limit per file, then one that is gone, when indexed again.
    const fine = byName['fine.txt'].id
    const reindexed = async () => {
      await s.api('POST', `/api/knowledge-bases/${kb.id}/documents/${fine}/reindex`)
      await idle()
      return (await s.api('GET', `/api/knowledge-bases/${kb.id}/documents/${fine}`)).body
    }
    writeFileSync(join(dir, 'fine.txt'), 'x'.repeat(3_000))
    expect(await reindexed()).toMatchObject({
      status: 'failed',
      errorReason: 'doc_too_large',
      errorParams: { name: 'fine.txt', size: '0.0 MB', limit: '0.0 MB' }
    })
    rmSync(join(dir, 'fine.txt'))
    expect(await reindexed()).toMatchObject({ status: 'failed', errorReason: 'doc_gone', errorParams: { name: 'fine.txt' } })
    // Fixed: the reason goes with the message.
    writeFileSync(join(dir, 'fine.txt'), 'The ferry leaves at ten.')
    expect(await reindexed()).toMatchObject({ status: 'ready', error: null, errorReason: null, errorParams: null })
  })

  it('an embedding provider that refuses the key: the provider’s code with its status and the model', async () => {
    const baseUrl = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/v1`
    const provider = (await s.api('POST', '/api/providers', { name: 'refusing', kind: 'custom', baseUrl, apiKey: 'sk-wrong', enabled: true })).body
    const model = (await s.api('POST', '/api/models', { providerId: provider.id, modelId: 'locked-embed', type: 'embedding' })).body
    expect(model.id).toBeTruthy()
    const kb = (await s.api('POST', '/api/knowledge-bases', { name: 'Refused', embeddingModelId: model.id, chunkSize: 400, chunkOverlap: 0 })).body
    const dir = newDir('refused')
    writeFileSync(join(dir, 'hours.txt'), 'The museum opens at nine.')
    await s.api('POST', `/api/knowledge-bases/${kb.id}/add-paths`, { paths: [dir] })
    await idle()
    const [doc] = await documents(kb.id)
    expect(doc).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^Embedding with locked-embed failed: The provider rejected the API key \(401\)/),
      errorReason: 'provider_unauthorized',
      errorParams: { status: 401, detail: expect.stringContaining('Incorrect API key'), model: 'locked-embed' }
    })
  })
})

describe('the other knowledge failures carry their reason and params', () => {
  const refusingUrl = () => `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`

  it('"add paths": each file or folder not taken says why as a code', async () => {
    const kb = (await s.api('POST', '/api/knowledge-bases', { name: 'Skips', chunkSize: 400, chunkOverlap: 0 })).body
    const dir = newDir('skips')
    writeFileSync(join(dir, 'setup.exe'), 'MZ')
    writeFileSync(join(dir, 'empty.txt'), '')
    writeFileSync(join(dir, 'huge.txt'), 'x'.repeat(3_000))
    mkdirSync(join(dir, 'sub'))
    const gone = join(dir, 'nowhere')
    const r = await s.api('POST', `/api/knowledge-bases/${kb.id}/add-paths`, { paths: [dir, gone, '/dev/null'] })
    expect(r.status).toBe(200)
    const byPath = Object.fromEntries((r.body.skipped as any[]).map((x) => [x.path, x]))
    expect(byPath[join(dir, 'setup.exe')]).toMatchObject({
      reason: 'unsupported file type .exe',
      code: 'doc_unsupported',
      params: { name: 'setup.exe', ext: 'exe', supported: expect.stringContaining('.pdf') }
    })
    expect(byPath[join(dir, 'empty.txt')]).toMatchObject({ code: 'doc_empty', params: { name: 'empty.txt' } })
    expect(byPath[join(dir, 'huge.txt')]).toMatchObject({ code: 'doc_too_large', params: { name: 'huge.txt', size: '0.0 MB', limit: '0.0 MB' } })
    expect(byPath[gone]).toMatchObject({ reason: 'not found', code: 'path_not_found', params: { path: gone } })
    expect(byPath['/dev/null']).toMatchObject({ reason: 'not a file or folder', code: 'path_not_file_or_folder', params: { path: '/dev/null' } })
    expect(r.body.skippedCount).toBe(5)
  })

  it("a source's last sync error: an API that refuses, one that is not there", async () => {
    const kb = (await s.api('POST', '/api/knowledge-bases', { name: 'Sources', chunkSize: 400, chunkOverlap: 0 })).body
    const create = async (name: string, url: string) =>
      (await s.api('POST', `/api/knowledge-bases/${kb.id}/sources`, { name, config: { kind: 'api', url, fields: ['answer'] } })).body.id as string
    const refused = await create('Refused', `${refusingUrl()}/faq`)
    // A port nobody listens on: the refusing server's, closed for this.
    const spare = createServer()
    await new Promise<void>((r) => spare.listen(0, '127.0.0.1', r))
    const deadUrl = `http://127.0.0.1:${(spare.address() as AddressInfo).port}/faq`
    await new Promise<void>((r) => spare.close(() => r()))
    const dead = await create('Gone', deadUrl)

    for (const id of [refused, dead]) expect((await s.api('POST', `/api/knowledge-bases/${kb.id}/sources/${id}/sync`)).body).toMatchObject({ ok: false })
    const byId = Object.fromEntries(((await s.api('GET', `/api/knowledge-bases/${kb.id}/sources`)).body as any[]).map((x) => [x.id, x]))
    expect(byId[refused]).toMatchObject({
      lastSyncStatus: 'failed',
      lastSyncError: expect.stringMatching(/^GET .*\/faq answered 401/),
      lastSyncReason: 'source_api_status',
      lastSyncParams: { method: 'GET', url: `${refusingUrl()}/faq`, status: 401, detail: expect.stringContaining('Incorrect API key') }
    })
    expect(byId[dead]).toMatchObject({
      lastSyncError: expect.stringMatching(/^Cannot reach /),
      lastSyncReason: 'source_api_unreachable',
      lastSyncParams: { url: deadUrl, detail: expect.any(String) }
    })
  })

  it('a re-embed for a new model that the provider refuses', async () => {
    const working = await fakeModels(s.runtime, llm, 'working')
    const kb = (await s.api('POST', '/api/knowledge-bases', { name: 'Re-embed', embeddingModelId: working.embed.id, chunkSize: 400, chunkOverlap: 0 })).body
    const dir = newDir('reembed-refused')
    writeFileSync(join(dir, 'hours.txt'), 'The museum opens at nine.')
    await s.api('POST', `/api/knowledge-bases/${kb.id}/add-paths`, { paths: [dir] })
    await idle()
    const provider = (await s.api('POST', '/api/providers', { name: 'refusing too', kind: 'custom', baseUrl: `${refusingUrl()}/v1`, apiKey: 'sk-wrong' })).body
    const locked = (await s.api('POST', '/api/models', { providerId: provider.id, modelId: 'locked-embed-2', type: 'embedding' })).body
    expect((await s.api('PUT', `/api/knowledge-bases/${kb.id}`, { embeddingModelId: locked.id })).status).toBe(200)
    s.runtime.knowledge.queue.kick()
    const status = async () => (await s.api('GET', `/api/knowledge-bases/${kb.id}/status`)).body
    await expect.poll(async () => (await status()).reembedReason, { timeout: 30_000 }).toBe('provider_unauthorized')
    expect(await status()).toMatchObject({
      reembedError: expect.stringContaining('rejected the API key'),
      reembedParams: { status: 401, detail: expect.stringContaining('Incorrect API key') }
    })
  })
})
