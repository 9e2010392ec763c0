// The knowledge area's queries, mutations and uploads against a real server (HTTP transport), as the browser studio uses them.
import { InfiniteQueryObserver, QueryObserver } from '@tanstack/react-query'
import Database from 'better-sqlite3'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import type { IngestionProgress } from '@contract/knowledge'
import { createApi, type Api } from '../../../src-renderer/src/api/client'
import { ApiError, apiErrorFrom } from '../../../src-renderer/src/api/errors'
import { httpTransport } from '../../../src-renderer/src/api/http'
import { UploadAnswer } from '../../../src-renderer/src/api/upload'
import { apiQuery } from '../../../src-renderer/src/queries/api-query'
import { createQueryClient } from '../../../src-renderer/src/queries/client'
import { applyEvent } from '../../../src-renderer/src/queries/events'
import {
  addPaths,
  chunksQuery,
  documentsInput,
  firstQuery,
  nextQuery,
  removeDocument,
  reindexDocument,
  statusQuery,
  type DocumentQuery
} from '../../../src-renderer/src/queries/knowledge'
import { defaultSearchParams, searchInput, searchQuery } from '../../../src-renderer/src/queries/knowledge-search'
import { createSource, removeSource, syncSource, updateSource } from '../../../src-renderer/src/queries/knowledge-sources'
import { clearedUploads, uploadFiles, type UploadItem, type Uploader } from '../../../src-renderer/src/queries/knowledge-uploads'
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

const newServer = () => ({ connection: { api }, queries: createQueryClient() })
type Server = ReturnType<typeof newServer>

/** The documents panel without React: its page and filter, its documents query (observed, as on screen) and its upload rows. */
function openKb(server: Server, kbId: string, uploader: Uploader = multipart) {
  let query: DocumentQuery = firstQuery
  let uploads: UploadItem[] = []
  const docs = new QueryObserver(server.queries, apiQuery(api, 'knowledgeBases.documents', documentsInput(kbId, query)))
  const status = new QueryObserver(server.queries, statusQuery(api, kbId))
  const unsubscribe = [docs.subscribe(() => undefined), status.subscribe(() => undefined)]
  return {
    docs: () => docs.getCurrentResult().data!,
    status: () => status.getCurrentResult().data,
    query: () => query,
    uploads: () => uploads,
    /** The table's next page or filter, read afresh (as the table's refresh button does). */
    async load(patch: Partial<DocumentQuery> = {}) {
      query = nextQuery(query, patch)
      docs.setOptions(apiQuery(api, 'knowledgeBases.documents', documentsInput(kbId, query)))
      await docs.refetch()
    },
    loaded: () => Promise.all([docs.refetch(), status.refetch()]),
    upload: (files: File[]) => uploadFiles(server, uploader, kbId, files, (change) => (uploads = change(uploads))),
    clearUploads: () => (uploads = clearedUploads(uploads)),
    close: () => unsubscribe.forEach((u) => u())
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

describe('knowledge queries', () => {
  test('uploads files one by one with their outcome, then lists the documents as they become ready', async () => {
    const kbId = await newKb('Uploads')
    const kb = openKb(newServer(), kbId)
    await kb.loaded()
    expect(kb.docs()).toMatchObject({ items: [], total: 0 })
    expect(kb.status()).toMatchObject({ kbId })

    await kb.upload([new File([GUIDE], 'guide.md'), new File(['MZ binary'], 'setup.exe')])
    const [guide, exe] = kb.uploads()
    expect(guide).toMatchObject({ name: 'guide.md', state: 'done', sent: guide.size })
    expect(exe).toMatchObject({ name: 'setup.exe', state: 'failed' })
    expect(exe.error).toMatch(/Unsupported file type: setup\.exe/)

    await expect
      .poll(async () => {
        await kb.load()
        return kb.docs().items.map((d) => `${d.name}:${d.status}`)
      })
      .toEqual(['guide.md:ready'])
    expect(kb.docs().counts).toMatchObject({ total: 1, byStatus: { ready: 1 } })

    // The same content again is a duplicate: nothing new is queued.
    await kb.upload([new File([GUIDE], 'guide.md')])
    expect(kb.uploads().at(-1)).toMatchObject({ state: 'done', duplicate: true })
    // Finished uploads are cleared; failed ones stay until cleared too.
    kb.clearUploads()
    expect(kb.uploads()).toEqual([])
    kb.close()
  })

  test('filters and pages documents, views chunks, re-indexes and deletes', async () => {
    const kbId = await newKb('Folder')
    const dir = tempDir('agenta-kb-files-')
    mkdirSync(join(dir, 'sub'))
    for (let i = 0; i < 3; i++) writeFileSync(join(dir, `note-${i}.txt`), `Note ${i}. `.repeat(40))
    writeFileSync(join(dir, 'sub', 'guide.md'), GUIDE)
    const server = newServer()
    const kb = openKb(server, kbId)
    await kb.loaded()
    const added = await addPaths(server, kbId, [dir])
    expect(added.added).toBe(4)
    await expect
      .poll(async () => {
        await kb.load()
        return kb.docs().counts.byStatus.ready
      })
      .toBe(4)

    await kb.load({ pageSize: 2 })
    expect(kb.docs().total).toBe(4)
    expect(kb.query()).toMatchObject({ page: 1, pageSize: 2 })
    expect(kb.docs().items).toHaveLength(2)
    await kb.load({ page: 2 })
    expect(kb.docs().items).toHaveLength(2)
    // A new filter starts again on page 1.
    await kb.load({ q: 'guide' })
    expect(kb.docs().total).toBe(1)
    expect(kb.query()).toMatchObject({ page: 1, q: 'guide' })

    const guide = kb.docs().items[0]
    const chunks = new InfiniteQueryObserver(server.queries, chunksQuery(api, kbId, guide.id))
    const stop = chunks.subscribe(() => undefined)
    await expect.poll(() => chunks.getCurrentResult().isSuccess).toBe(true)
    const shown = chunks.getCurrentResult()
    expect(shown).toMatchObject({ isFetching: false, error: null, data: { total: guide.chunks } })
    expect(shown.data!.items.map((c) => c.headingPath.join(' › '))).toContain('Guide › Tickets')
    // Everything is shown already: no more to ask for.
    expect(shown.hasNextPage).toBe(false)
    expect(shown.data!.items).toHaveLength(shown.data!.total)
    stop()

    const again = await reindexDocument(server, kbId, guide.id)
    expect(again.id).toBe(guide.id)
    await removeDocument(server, kbId, guide.id)
    expect(kb.docs().items.find((d) => d.id === guide.id)).toBeUndefined()
    await expect(api.call('knowledgeBases.document', { id: kbId, docId: guide.id })).rejects.toMatchObject({ code: 'not_found' })
    kb.close()
  })

  test('the desktop uploader sends paths; a file without a path says so', async () => {
    const kbId = await newKb('Desktop')
    const dir = tempDir('agenta-kb-desktop-')
    writeFileSync(join(dir, 'a.txt'), 'Alpha text for the desktop path test.')
    const known = new File(['x'], 'a.txt')
    const unknown = new File(['y'], 'b.txt')
    const kb = openKb(newServer(), kbId, { kind: 'paths', pathOf: (f) => (f === known ? join(dir, 'a.txt') : undefined) })
    await kb.upload([known, unknown])
    expect(kb.uploads().map((u) => [u.name, u.state, u.error])).toEqual([
      ['a.txt', 'done', undefined],
      ['b.txt', 'failed', 'no-path']
    ])
    kb.close()
  })

  test('events: progress of this knowledge base only; document changes reload at most once per interval', async () => {
    const kbId = await newKb('Events')
    const server = newServer()
    const kb = openKb(server, kbId)
    await kb.loaded()
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
    applyEvent(server.queries, 'knowledge.progress', progress({ kbId: 'another' }))
    expect(kb.status()?.progress.running).toBeFalsy()
    applyEvent(server.queries, 'knowledge.progress', progress({}))
    expect(kb.status()?.progress).toMatchObject({ running: true, documentsDone: 1, etaMs: 3000 })

    // A status read that was on its way when an event came answers with older progress: the event's stays.
    let release = () => {}
    const held = new Promise<void>((r) => (release = r))
    const slow: Api = { ...api, call: async (name, input) => (name === 'knowledgeBases.status' && (await held), api.call(name, input)) }
    const reading = server.queries.fetchQuery({ ...statusQuery(slow, kbId), staleTime: 0 })
    applyEvent(server.queries, 'knowledge.progress', progress({ documentsDone: 2 }))
    release()
    expect((await reading).progress).toMatchObject({ running: true, documentsDone: 2 })

    // The end of a run re-reads the status (its counts are final there).
    calls.length = 0
    applyEvent(server.queries, 'knowledge.progress', progress({ running: false, documentsDone: 4, etaMs: null }))
    await expect.poll(() => calls.includes('knowledgeBases.status')).toBe(true)

    // On a fake clock: many intervals go by, and a burst still reloads once.
    calls.length = 0
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      for (let i = 0; i < 10; i++) applyEvent(server.queries, 'knowledge.documents', { kbId, docIds: [] })
      applyEvent(server.queries, 'knowledge.documents', { kbId: 'another', docIds: [] })
      await vi.advanceTimersByTimeAsync(1_000)
    } finally {
      vi.useRealTimers()
    }
    await expect.poll(() => calls.includes('knowledgeBases.documents')).toBe(true)
    expect(calls.filter((c) => c === 'knowledgeBases.documents')).toHaveLength(1)

    kb.close()
  })
})

describe('search and sources queries', () => {
  test("the playground searches with its parameters and keeps the server's error", async () => {
    const kbId = await newKb('Search')
    const server = newServer()
    const kb = openKb(server, kbId)
    await kb.upload([new File([GUIDE], 'guide.md')])
    await expect.poll(async () => (await api.call('knowledgeBases.status', { id: kbId })).counts.byStatus.ready).toBe(1)
    kb.close()

    const input = searchInput(kbId, { ...defaultSearchParams, query: ' students pay ', mode: 'hybrid', topK: 3 })!
    const { result, query } = await server.queries.fetchQuery(searchQuery(api, input))
    expect(query).toBe('students pay')
    // No embedding model: hybrid runs as full text, and says so.
    expect(result).toMatchObject({ mode: 'fulltext' })
    expect(result.hits[0]).toMatchObject({ docName: 'guide.md', headingPath: ['Guide', 'Tickets'] })
    expect(result.hits[0].text).toContain('Students pay 30 yuan')

    const error = await server.queries.fetchQuery(searchQuery(api, { ...input, id: 'no-such-kb' })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).code).toBe('not_found')
    // A blank query asks nothing.
    expect(searchInput(kbId, { ...defaultSearchParams, query: '  ' })).toBeNull()
  })

  test('a SQLite source is created, synced and removed; invalid input comes back with field issues', async () => {
    const kbId = await newKb('Sources')
    const file = join(tempDir('agenta-kb-db-'), 'shop.sqlite')
    const db = new Database(file)
    db.exec(
      "CREATE TABLE items (id INTEGER PRIMARY KEY, title TEXT, body TEXT); INSERT INTO items (title, body) VALUES ('Tea', 'Green tea 20 yuan'), ('Cake', 'Cheese cake 30 yuan')"
    )
    db.close()

    const server = newServer()
    const list = new QueryObserver(server.queries, apiQuery(api, 'knowledgeBases.sources', { id: kbId }))
    const stop = list.subscribe(() => undefined)
    const items = () => list.getCurrentResult().data ?? []
    await expect.poll(() => list.getCurrentResult().isSuccess).toBe(true)
    expect(list.getCurrentResult()).toMatchObject({ data: [], error: null })
    const bad = (await createSource(server, kbId, { name: 'Bad', config: { kind: 'api', url: 'ftp://x', fields: ['a'] } }).catch((e: unknown) => e)) as ApiError
    expect(bad.issues.map((i) => i.path)).toContain('config.url')

    const source = await createSource(server, kbId, {
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
    expect(items().map((s) => s.name)).toEqual(['Shop'])
    const result = await syncSource(server, kbId, source.id)
    expect(result).toMatchObject({ ok: true, stats: { added: 2 } })
    // The list is read again after a sync, whatever its events did.
    await expect.poll(() => items()[0]?.lastSyncStatus).toBe('ok')

    await updateSource(server, kbId, source.id, { enabled: false })
    expect(items()[0].enabled).toBe(false)
    await removeSource(server, kbId, source.id)
    expect(items()).toEqual([])
    stop()
  })
})
