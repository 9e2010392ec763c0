// The knowledge area's stores against a real server (HTTP transport), as the browser studio uses them.
import Database from 'better-sqlite3'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import type { IngestionProgress } from '@contract/knowledge'
import { createApi, type Api } from '../../../src-renderer/src/api/client'
import { ApiError, apiErrorFrom } from '../../../src-renderer/src/api/errors'
import { httpTransport } from '../../../src-renderer/src/api/http'
import { UploadAnswer } from '../../../src-renderer/src/api/upload'
import { createKnowledgeStore, type Uploader } from '../../../src-renderer/src/stores/knowledge'
import { createKnowledgeSearchStore } from '../../../src-renderer/src/stores/knowledge-search'
import { createKnowledgeSourcesStore } from '../../../src-renderer/src/stores/knowledge-sources'
import { bootServer, tempDir as newTempDir, type BootedServer } from '../../utils/boot'

const GUIDE = '# Guide\n\n## Tickets\n\nAdults pay 60 yuan. Students pay 30 yuan.\n\n## Hours\n\nOpen 09:00 to 17:30, closed on Monday.\n'

let srv: BootedServer
let api: Api
const calls: string[] = []
const dirs: string[] = []
const tempDir = (prefix: string) => {
  const dir = newTempDir(prefix)
  dirs.push(dir)
  return dir
}

/** The browser's multipart upload, with fetch instead of XMLHttpRequest (Node has no XHR). */
const multipart: Uploader = {
  kind: 'multipart',
  async send(kbId, file, onProgress) {
    const form = new FormData()
    form.append('file', file, file.name)
    const res = await fetch(`${srv.url}/api/knowledge-bases/${kbId}/upload`, { method: 'POST', body: form, headers: { authorization: `Bearer ${srv.token}` } })
    const body = await res.json()
    if (!res.ok) throw apiErrorFrom(body, res.status)
    onProgress(file.size)
    return UploadAnswer.parse(body).documents
  }
}

async function newKb(name: string) {
  return (await api.call('knowledgeBases.create', { name, chunkSize: 100, chunkOverlap: 10 })).id
}

beforeAll(async () => {
  srv = await bootServer()
  const base = createApi(httpTransport(srv.url, { token: srv.token }))
  // Counts the calls, to check that bursts of events are throttled.
  api = { ...base, call: (name, input) => (calls.push(name), base.call(name, input)) }
})
afterAll(async () => {
  await srv.close()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('knowledge store', () => {
  test('uploads files one by one with their outcome, then lists the documents as they become ready', async () => {
    const kbId = await newKb('Uploads')
    const store = createKnowledgeStore(api, multipart)
    await store.getState().open(kbId)
    expect(store.getState()).toMatchObject({ kbId, docs: [], total: 0, status: { kbId } })

    await store.getState().upload([new File([GUIDE], 'guide.md'), new File(['MZ binary'], 'setup.exe')])
    const [guide, exe] = store.getState().uploads
    expect(guide).toMatchObject({ name: 'guide.md', state: 'done', sent: guide.size })
    expect(exe).toMatchObject({ name: 'setup.exe', state: 'failed' })
    expect(exe.error).toMatch(/Unsupported file type: setup\.exe/)

    await expect
      .poll(async () => {
        await store.getState().loadDocuments()
        return store.getState().docs.map((d) => `${d.name}:${d.status}`)
      })
      .toEqual(['guide.md:ready'])
    expect(store.getState().counts).toMatchObject({ total: 1, byStatus: { ready: 1 } })

    // The same content again is a duplicate: nothing new is queued.
    await store.getState().upload([new File([GUIDE], 'guide.md')])
    expect(store.getState().uploads.at(-1)).toMatchObject({ state: 'done', duplicate: true })
    // Finished uploads are cleared; failed ones stay until cleared too.
    store.getState().clearUploads()
    expect(store.getState().uploads).toEqual([])
  })

  test('filters and pages documents, views chunks, re-indexes and deletes', async () => {
    const kbId = await newKb('Folder')
    const dir = tempDir('agenta-kb-files-')
    mkdirSync(join(dir, 'sub'))
    for (let i = 0; i < 3; i++) writeFileSync(join(dir, `note-${i}.txt`), `Note ${i}. `.repeat(40))
    writeFileSync(join(dir, 'sub', 'guide.md'), GUIDE)
    const store = createKnowledgeStore(api, multipart)
    await store.getState().open(kbId)
    const added = await store.getState().addPaths([dir])
    expect(added.added).toBe(4)
    await expect
      .poll(async () => {
        await store.getState().loadDocuments()
        return store.getState().counts.byStatus.ready
      })
      .toBe(4)

    await store.getState().loadDocuments({ pageSize: 2 })
    expect(store.getState()).toMatchObject({ total: 4, query: { page: 1, pageSize: 2 } })
    expect(store.getState().docs).toHaveLength(2)
    await store.getState().loadDocuments({ page: 2 })
    expect(store.getState().docs).toHaveLength(2)
    // A new filter starts again on page 1.
    await store.getState().loadDocuments({ q: 'guide' })
    expect(store.getState()).toMatchObject({ total: 1, query: { page: 1, q: 'guide' } })

    const guide = store.getState().docs[0]
    await store.getState().openChunks(guide)
    const chunks = store.getState().chunks!
    expect(chunks).toMatchObject({ loading: false, error: null, total: guide.chunks })
    expect(chunks.items.map((c) => c.headingPath.join(' › '))).toContain('Guide › Tickets')
    await store.getState().moreChunks() // everything is shown already: no call, no change
    expect(store.getState().chunks!.items).toHaveLength(chunks.total)
    store.getState().closeChunks()
    expect(store.getState().chunks).toBeNull()

    const again = await store.getState().reindexDocument(guide.id)
    expect(again.id).toBe(guide.id)
    await store.getState().removeDocument(guide.id)
    expect(store.getState().docs.find((d) => d.id === guide.id)).toBeUndefined()
    await expect(api.call('knowledgeBases.document', { id: kbId, docId: guide.id })).rejects.toMatchObject({ code: 'not_found' })
  })

  test('the desktop uploader sends paths; a file without a path says so', async () => {
    const kbId = await newKb('Desktop')
    const dir = tempDir('agenta-kb-desktop-')
    writeFileSync(join(dir, 'a.txt'), 'Alpha text for the desktop path test.')
    const known = new File(['x'], 'a.txt')
    const unknown = new File(['y'], 'b.txt')
    const store = createKnowledgeStore(api, { kind: 'paths', pathOf: (f) => (f === known ? join(dir, 'a.txt') : undefined) })
    await store.getState().open(kbId)
    await store.getState().upload([known, unknown])
    expect(store.getState().uploads.map((u) => [u.name, u.state, u.error])).toEqual([
      ['a.txt', 'done', undefined],
      ['b.txt', 'failed', 'no-path']
    ])
  })

  test('events: progress of this knowledge base only; document changes reload at most once per interval', async () => {
    const kbId = await newKb('Events')
    const store = createKnowledgeStore(api, multipart, { refreshMs: 30 })
    await store.getState().open(kbId)
    const progress = (over: Partial<IngestionProgress>): IngestionProgress => ({
      kbId,
      running: true,
      documentsDone: 1,
      documentsTotal: 4,
      documentsFailed: 0,
      chunks: 10,
      bytesDone: 100,
      bytesTotal: 400,
      etaMs: 3000,
      reembed: null,
      ...over
    })
    store.getState().onProgress(progress({ kbId: 'another' }))
    expect(store.getState().progress?.running).toBeFalsy()
    store.getState().onProgress(progress({}))
    expect(store.getState().progress).toMatchObject({ running: true, documentsDone: 1, etaMs: 3000 })

    // On a fake clock: many intervals go by, and a burst still reloads once.
    calls.length = 0
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      for (let i = 0; i < 10; i++) store.getState().onDocumentsChanged(kbId)
      store.getState().onDocumentsChanged('another')
      await vi.advanceTimersByTimeAsync(1_000)
    } finally {
      vi.useRealTimers()
    }
    expect(calls.filter((c) => c === 'knowledgeBases.documents')).toHaveLength(1)

    // The end of a run re-reads the status (its counts are final there).
    calls.length = 0
    store.getState().onProgress(progress({ running: false, documentsDone: 4, etaMs: null }))
    await expect.poll(() => calls.includes('knowledgeBases.status')).toBe(true)
    store.getState().close()
    expect(store.getState().kbId).toBeNull()
  })
})

describe('search and sources stores', () => {
  test("the playground searches with its parameters and keeps the server's error", async () => {
    const kbId = await newKb('Search')
    const docs = createKnowledgeStore(api, multipart)
    await docs.getState().open(kbId)
    await docs.getState().upload([new File([GUIDE], 'guide.md')])
    await expect.poll(async () => (await api.call('knowledgeBases.status', { id: kbId })).counts.byStatus.ready).toBe(1)

    const search = createKnowledgeSearchStore(api)
    search.getState().setParams({ query: 'students pay', mode: 'hybrid', topK: 3 })
    await search.getState().search(kbId)
    const { result, resultQuery, error } = search.getState()
    expect(error).toBeNull()
    expect(resultQuery).toBe('students pay')
    // No embedding model: hybrid runs as full text, and says so.
    expect(result).toMatchObject({ mode: 'fulltext' })
    expect(result!.hits[0]).toMatchObject({ docName: 'guide.md', headingPath: ['Guide', 'Tickets'] })
    expect(result!.hits[0].text).toContain('Students pay 30 yuan')

    await search.getState().search('no-such-kb')
    expect(search.getState().error).toBeInstanceOf(ApiError)
    expect(search.getState().error?.code).toBe('not_found')
    search.getState().reset()
    expect(search.getState()).toMatchObject({ result: null, params: { query: '', mode: 'hybrid' } })
  })

  test('a SQLite source is created, synced and removed; invalid input comes back with field issues', async () => {
    const kbId = await newKb('Sources')
    const file = join(tempDir('agenta-kb-db-'), 'shop.sqlite')
    const db = new Database(file)
    db.exec(
      "CREATE TABLE items (id INTEGER PRIMARY KEY, title TEXT, body TEXT); INSERT INTO items (title, body) VALUES ('Tea', 'Green tea 20 yuan'), ('Cake', 'Cheese cake 30 yuan')"
    )
    db.close()

    const store = createKnowledgeSourcesStore(api)
    await store.getState().load(kbId)
    expect(store.getState()).toMatchObject({ kbId, items: [], error: null })
    const bad = (await store
      .getState()
      .create({ name: 'Bad', config: { kind: 'api', url: 'ftp://x', fields: ['a'] } })
      .catch((e: unknown) => e)) as ApiError
    expect(bad.issues.map((i) => i.path)).toContain('config.url')

    const source = await store.getState().create({
      name: 'Shop',
      config: {
        kind: 'database',
        connection: { type: 'sqlite', path: file },
        query: 'SELECT * FROM items',
        textColumns: ['body'],
        titleColumn: 'title',
        idColumn: 'id'
      }
    })
    expect(store.getState().items.map((s) => s.name)).toEqual(['Shop'])
    const sync = store.getState().sync(source.id)
    expect(store.getState().syncing).toEqual([source.id])
    const result = await sync
    expect(result).toMatchObject({ ok: true, stats: { added: 2 } })
    expect(store.getState().syncing).toEqual([])
    await expect.poll(() => store.getState().items[0]?.lastSyncStatus).toBe('ok')

    await store.getState().update(source.id, { enabled: false })
    expect(store.getState().items[0].enabled).toBe(false)
    await store.getState().remove(source.id)
    expect(store.getState().items).toEqual([])
  })
})
