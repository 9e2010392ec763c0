import { createHash } from 'node:crypto'
import { opendir, rename, rm, stat, mkdir } from 'node:fs/promises'
import { basename, extname, join, resolve } from 'node:path'
import { AppError } from '../../contract/errors'
import type { AddResult, ChunkView, DocumentStatus, KbDocument } from '../../contract/knowledge'
import type { ErrorParams, MessageCode } from '../../contract/messages'
import { documentsRepo, noError, toKbDocument, versionKey, type DocumentHead, type DocumentRow } from '../../store/repos/documents'
import { knowledgeChunksRepo, toChunkView } from '../../store/repos/knowledge-chunks'
import type { VectorStore } from '../../vector'
import { newId } from '../util/ids'
import type { Collections } from './ingest/collections'
import { mb } from './ingest/content'
import type { IngestionQueue } from './ingest/queue'
import type { ProgressTracker } from './ingest/progress'
import { detectFormat, supportedExtensions } from './parse'

// Rows written per statement when many documents are queued at once.
const INSERT_BATCH = 200
const MAX_LISTED = 1000
const MAX_SKIPS_LISTED = 200

export const sourceKey = (kind: string, id: string) => createHash('sha1').update(`${kind}:${id}`).digest('hex')

export function newDocumentRow(p: {
  kbId: string
  name: string
  location: string
  sourceType: DocumentRow['source_type']
  key: string
  bytes: number
  id?: string
  sourceId?: string | null
  mtimeMs?: number | null
  body?: string | null
  syncStamp?: string | null
}): DocumentRow {
  const now = Date.now()
  return {
    id: p.id ?? newId(),
    kb_id: p.kbId,
    name: p.name.slice(0, 255),
    source: p.location,
    content_hash: null,
    char_count: 0,
    chunk_count: 0,
    status: 'queued',
    ...noError,
    created_at: now,
    updated_at: now,
    source_type: p.sourceType,
    source_id: p.sourceId ?? null,
    source_key: p.key,
    bytes: p.bytes,
    mtime_ms: p.mtimeMs ?? null,
    body: p.body ?? null,
    work_hash: null,
    gen: 0,
    served_gen: null,
    stale_gen: null,
    chunks_done: 0,
    attempts: 0,
    next_attempt_at: 0,
    lease_owner: null,
    lease_until: null,
    queued_at: now,
    started_at: null,
    finished_at: null,
    sync_stamp: p.syncStamp ?? null,
    reembed_gen: null
  }
}

/** Back in the queue from the start; the served version (if any) stays searchable until the new one is ready. */
export const requeuePatch = (extra: Partial<DocumentRow> = {}): Partial<DocumentRow> => {
  const now = Date.now()
  return { status: 'queued', attempts: 0, ...noError, next_attempt_at: 0, queued_at: now, updated_at: now, lease_owner: null, lease_until: null, ...extra }
}

export type DocumentsService = ReturnType<typeof documentsService>

/**
 * Documents of a knowledge base: adding files (paths on this machine, folders recursively, and
 * uploads), listing, showing chunks, deleting and re-indexing. Adding only writes queue rows; the
 * ingestion queue does the work.
 */
export function documentsService(deps: {
  db: Parameters<typeof documentsRepo>[0]
  vector: VectorStore
  collections: Collections
  queue: IngestionQueue
  progress: ProgressTracker
  uploadsDir: string
  maxFileBytes: number
  kbExists(kbId: string): Promise<void>
}) {
  const docs = documentsRepo(deps.db)
  const chunks = knowledgeChunksRepo(deps.db)

  async function docOf(kbId: string, docId: string): Promise<DocumentHead> {
    const d = await docs.find(docId)
    if (!d || d.kb_id !== kbId) throw new AppError('not_found', `No document ${docId} in this knowledge base`)
    return d
  }

  /** Removes documents with every version of their rows and their uploaded file. */
  async function remove(kbId: string, ids: string[]): Promise<void> {
    if (!ids.length) return
    const kb = await deps.collections.state(kbId).catch(() => null)
    for (const id of ids) {
      deps.queue.cancel(id)
      const d = await docs.find(id)
      if (!d) continue
      await docs.delete(id)
      const gens = new Set([d.gen, d.served_gen, d.stale_gen, d.reembed_gen].filter((g): g is number => g !== null).map(Number))
      for (const collection of [kb?.collection, kb?.next_collection]) {
        if (!collection) continue
        for (const g of gens) await deps.vector.deleteByDoc(collection, versionKey(id, g))
      }
      if (d.source_type === 'upload') await rm(d.source, { force: true })
    }
    deps.progress.touch(kbId, ids)
  }

  /** Queues files, deduplicated by path: unchanged files (same size and time) are left alone. */
  async function queueFiles(kbId: string, files: Array<{ path: string; bytes: number; mtimeMs: number }>, result: AddResult): Promise<void> {
    const keys = files.map((f) => sourceKey('file', f.path))
    const existing = new Map((await docs.findByKeys(kbId, keys)).map((d) => [d.source_key, d]))
    const fresh: DocumentRow[] = []
    for (const [i, f] of files.entries()) {
      const known = existing.get(keys[i])
      if (!known) {
        const row = newDocumentRow({ kbId, name: basename(f.path), location: f.path, sourceType: 'file', key: keys[i], bytes: f.bytes, mtimeMs: f.mtimeMs })
        fresh.push(row)
        result.added++
        if (result.documents.length < MAX_LISTED) result.documents.push({ id: row.id, name: row.name, status: 'queued', duplicate: false })
        continue
      }
      const same = Number(known.bytes) === f.bytes && known.mtime_ms !== null && Number(known.mtime_ms) === f.mtimeMs
      if (same && known.status !== 'failed') {
        result.unchanged++
        if (result.documents.length < MAX_LISTED)
          result.documents.push({ id: known.id, name: known.name, status: known.status as DocumentStatus, duplicate: true })
        continue
      }
      // Changed on disk (or failed before): read it again. An identical hash then ends as "ready" with nothing rewritten.
      deps.queue.cancel(known.id)
      await docs.update(known.id, requeuePatch({ bytes: f.bytes }))
      result.updated++
      if (result.documents.length < MAX_LISTED) result.documents.push({ id: known.id, name: known.name, status: 'queued', duplicate: false })
    }
    for (let i = 0; i < fresh.length; i += INSERT_BATCH) await docs.insertMany(fresh.slice(i, i + INSERT_BATCH))
  }

  /** A file or folder not taken: why, in English and as a message code with params (the studio says it in the user's language). */
  function skip(result: AddResult, path: string, reason: string, code: MessageCode, params: ErrorParams) {
    result.skippedCount++
    if (result.skipped.length < MAX_SKIPS_LISTED) result.skipped.push({ path, reason, code, params })
  }

  function accept(result: AddResult, path: string, size: number): boolean {
    if (!detectFormat(basename(path))) {
      skip(result, path, `unsupported file type${extname(path) ? ` ${extname(path)}` : ''}`, 'doc_unsupported', {
        name: basename(path),
        ext: extname(path).slice(1),
        supported: supportedExtensions.join(' ')
      })
      return false
    }
    if (size > deps.maxFileBytes) {
      skip(result, path, `${mb(size)} is over the ${mb(deps.maxFileBytes)} limit per file`, 'doc_too_large', {
        name: basename(path),
        size: mb(size),
        limit: mb(deps.maxFileBytes)
      })
      return false
    }
    if (size === 0) {
      skip(result, path, 'the file is empty', 'doc_empty', { name: basename(path) })
      return false
    }
    return true
  }

  return {
    docs,
    remove,

    async list(kbId: string, f: { status?: DocumentStatus; q?: string; offset: number; limit: number }) {
      await deps.kbExists(kbId)
      const [page, counts] = await Promise.all([docs.page(kbId, f), docs.countsByStatus(kbId)])
      const byStatus: Partial<Record<DocumentStatus, number>> = {}
      let total = 0
      for (const c of counts) {
        byStatus[c.status as DocumentStatus] = c.n
        total += c.n
      }
      return { items: page.items.map(toKbDocument), total: page.total, counts: { total, byStatus } }
    },

    get: async (kbId: string, docId: string): Promise<KbDocument> => toKbDocument(await docOf(kbId, docId)),

    /** The served version's chunks; before the first one is ready, those of the version being ingested. */
    async chunks(kbId: string, docId: string, offset: number, limit: number): Promise<{ items: ChunkView[]; total: number }> {
      const d = await docOf(kbId, docId)
      const gen = Number(d.served_gen ?? d.gen)
      const all = (await chunks.loadVersion(docId, gen)) ?? []
      return { items: all.slice(offset, offset + limit).map((c) => toChunkView(docId, gen, c)), total: all.length }
    },

    async delete(kbId: string, docId: string) {
      await docOf(kbId, docId)
      await remove(kbId, [docId])
      deps.queue.kick()
      return { ok: true as const }
    },

    async reindex(kbId: string, docId: string): Promise<KbDocument> {
      const d = await docOf(kbId, docId)
      deps.queue.cancel(docId)
      // No content hash: the same content is chunked and indexed again (e.g. after a chunk size change).
      await docs.update(d.id, requeuePatch({ content_hash: null }))
      deps.progress.touch(kbId, [docId])
      deps.queue.kick()
      return toKbDocument((await docs.find(docId)) as DocumentHead)
    },

    async reindexAll(kbId: string): Promise<{ queued: number }> {
      await deps.kbExists(kbId)
      let queued = 0
      for (let after = ''; ;) {
        const page = await docs.idsOfKb(kbId, after, 500)
        if (!page.length) break
        after = page[page.length - 1].id
        for (const p of page) deps.queue.cancel(p.id)
        await docs.updateMany(
          page.map((p) => p.id),
          requeuePatch({ content_hash: null })
        )
        queued += page.length
      }
      deps.progress.touch(kbId)
      deps.queue.kick()
      return { queued }
    },

    /** Files and folders (recursively; hidden entries skipped) on this machine. Memory stays flat for any folder size. */
    async addPaths(kbId: string, paths: string[]): Promise<AddResult> {
      await deps.kbExists(kbId)
      const result: AddResult = { added: 0, updated: 0, unchanged: 0, skipped: [], skippedCount: 0, documents: [] }
      let batch: Array<{ path: string; bytes: number; mtimeMs: number }> = []
      // A file named twice (listed twice, or inside a folder also listed) must be one document: a
      // batch is inserted at once, so a repeat within it would break the (kb, source) key; a repeat
      // in a later batch finds the row and is "unchanged".
      let inBatch = new Set<string>()
      const flush = async () => {
        if (!batch.length) return
        const b = batch
        batch = []
        inBatch = new Set()
        await queueFiles(kbId, b, result)
        deps.queue.kick()
      }
      const addFile = async (path: string, info: { size: number; mtimeMs: number }) => {
        if (inBatch.has(path) || !accept(result, path, info.size)) return
        inBatch.add(path)
        batch.push({ path, bytes: info.size, mtimeMs: Math.floor(info.mtimeMs) })
        if (batch.length >= INSERT_BATCH) await flush()
      }
      for (const raw of paths) {
        const root = resolve(raw)
        let info
        try {
          info = await stat(root)
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') skip(result, root, 'not found', 'path_not_found', { path: root })
          else skip(result, root, (err as Error).message, 'path_unreadable', { path: root, detail: (err as Error).message })
          continue
        }
        if (info.isFile()) {
          await addFile(root, info)
          continue
        }
        if (!info.isDirectory()) {
          skip(result, root, 'not a file or folder', 'path_not_file_or_folder', { path: root })
          continue
        }
        // Iterative walk: deep trees cannot overflow the stack, and only one directory handle is open.
        const stack = [root]
        while (stack.length) {
          const dir = stack.pop() as string
          let handle
          try {
            handle = await opendir(dir)
          } catch (err) {
            skip(result, dir, `cannot open folder: ${(err as Error).message}`, 'folder_unreadable', { path: dir, detail: (err as Error).message })
            continue
          }
          const subdirs: string[] = []
          for await (const entry of handle) {
            if (entry.name.startsWith('.')) continue
            const full = join(dir, entry.name)
            // Symbolic links to folders are not followed (they can loop); links to files are taken.
            if (entry.isDirectory()) subdirs.push(full)
            else if (entry.isFile() || entry.isSymbolicLink()) {
              const s = await stat(full).catch(() => null)
              if (s?.isFile()) await addFile(full, s)
            }
          }
          stack.push(...subdirs.sort().reverse())
        }
      }
      await flush()
      deps.progress.touch(kbId)
      return result
    },

    /**
     * An uploaded file already streamed to `tempPath` (in the uploads folder). The same content
     * in the knowledge base again is a duplicate (nothing happens); the same name with other
     * content replaces that document's content; else it is a new document.
     */
    async addUpload(kbId: string, u: { fileName: string; tempPath: string; hash: string; bytes: number }): Promise<AddResult['documents'][number]> {
      await deps.kbExists(kbId)
      const same = await docs.findByHash(kbId, u.hash)
      if (same) {
        await rm(u.tempPath, { force: true })
        return { id: same.id, name: same.name, status: same.status as DocumentStatus, duplicate: true }
      }
      const key = sourceKey('upload', u.fileName)
      const known = await docs.findByKey(kbId, key)
      if (known) {
        deps.queue.cancel(known.id)
        await rename(u.tempPath, known.source)
        await docs.update(known.id, requeuePatch({ bytes: u.bytes }))
        deps.progress.touch(kbId, [known.id])
        deps.queue.kick()
        return { id: known.id, name: known.name, status: 'queued', duplicate: false }
      }
      const id = newId()
      const dir = join(deps.uploadsDir, kbId)
      await mkdir(dir, { recursive: true })
      const path = join(
        dir,
        `${id}${extname(u.fileName)
          .toLowerCase()
          .replace(/[^.a-z0-9]/g, '')}`
      )
      await rename(u.tempPath, path)
      const row = newDocumentRow({ id, kbId, name: u.fileName, location: path, sourceType: 'upload', key, bytes: u.bytes })
      await docs.insertMany([row])
      deps.progress.touch(kbId, [id])
      deps.queue.kick()
      return { id, name: row.name, status: 'queued', duplicate: false }
    },

    /** Where uploads are streamed before they are registered (same disk, so the final move is a rename). */
    incomingDir: () => join(deps.uploadsDir, '.incoming'),

    async removeUploadsOf(kbId: string) {
      await rm(join(deps.uploadsDir, kbId), { recursive: true, force: true })
    }
  }
}
