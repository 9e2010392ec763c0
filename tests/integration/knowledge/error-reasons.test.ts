// A document that fails to ingest says why as a message code and params beside its English
// message (issue 15, defect 7), so the studio can say it in the user's language: files that cannot
// be read, and an embedding provider that refuses, over REST.
import { rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootServer, type BootedServer } from '../../utils/boot'
import { newDir, testKnowledgeOptions } from './helpers'

let s: BootedServer
let refusing: Server

beforeAll(async () => {
  // An embedding server that refuses every key.
  refusing = createServer((_req, res) => {
    res
      .writeHead(401, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }))
  })
  await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r))
  s = await bootServer({ knowledge: { ...testKnowledgeOptions, ingestion: { ...testKnowledgeOptions.ingestion, maxFileBytes: 2_000 } } })
})
afterAll(async () => {
  await s?.close()
  refusing?.close()
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
