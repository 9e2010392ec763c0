import { createStore, type StoreApi } from 'zustand/vanilla'
import type { AddResult, ChunkView, DocumentStatus, IngestionProgress, KbDocument, KnowledgeBaseStatus } from '@contract/knowledge'
import type { Api } from '../api/client'
import { toApiError, translateError, translateMessage, type ApiError } from '../api/errors'
import type { UploadedDocument } from '../api/upload'

export interface UploadItem {
  uid: string
  name: string
  size: number
  sent: number
  state: 'waiting' | 'uploading' | 'done' | 'failed'
  error?: string
  /** The knowledge base already held this content: nothing new was queued. */
  duplicate?: boolean
}

/** How files reach the core: one multipart request per file (browser), or paths on disk (Electron). */
export type Uploader =
  | { kind: 'multipart'; send(kbId: string, file: File, onProgress: (sent: number) => void): Promise<UploadedDocument[]> }
  | { kind: 'paths'; pathOf(file: File): string | undefined }

export interface DocumentQuery {
  page: number
  pageSize: number
  q: string
  status: DocumentStatus | null
}

export interface ChunkState {
  doc: KbDocument
  items: ChunkView[]
  total: number
  loading: boolean
  error: ApiError | null
}

export interface KnowledgeState {
  kbId: string | null
  docs: KbDocument[]
  /** Documents matching the filter. */
  total: number
  counts: KnowledgeBaseStatus['counts']
  query: DocumentQuery
  docsLoading: boolean
  docsError: ApiError | null
  status: KnowledgeBaseStatus | null
  /** The latest `knowledge.progress` of this knowledge base (newer than `status.progress`). */
  progress: IngestionProgress | null
  uploads: UploadItem[]
  chunks: ChunkState | null
  open(kbId: string): Promise<void>
  close(): void
  loadDocuments(patch?: Partial<DocumentQuery>): Promise<void>
  refreshStatus(): Promise<void>
  removeDocument(docId: string): Promise<void>
  reindexDocument(docId: string): Promise<KbDocument>
  reindexAll(): Promise<number>
  addPaths(paths: string[]): Promise<AddResult>
  /** Queues files for upload; each gets its own progress entry. Resolves when all have ended. */
  upload(files: File[]): Promise<void>
  clearUploads(): void
  openChunks(doc: KbDocument): Promise<void>
  moreChunks(): Promise<void>
  closeChunks(): void
  /** Studio events. */
  onProgress(progress: IngestionProgress): void
  onDocumentsChanged(kbId: string): void
}

export type KnowledgeStore = StoreApi<KnowledgeState>

const emptyCounts = { total: 0, byStatus: {} }
const firstQuery: DocumentQuery = { page: 1, pageSize: 20, q: '', status: null }
const CHUNK_PAGE = 50
const UPLOAD_CONCURRENCY = 3
// addPaths takes at most this many paths per call (contract).
const PATH_BATCH = 1000

export interface KnowledgeStoreOptions {
  /** Rows changed by events are re-read at most this often: ingestion reports in bursts. */
  refreshMs?: number
}

let uidSeq = 0
const nextUid = () => `u${++uidSeq}`

/** One open knowledge base: its documents, live ingestion progress, uploads and chunk viewer. */
export function createKnowledgeStore(api: Api, uploader: Uploader, opts: KnowledgeStoreOptions = {}): KnowledgeStore {
  const refreshMs = opts.refreshMs ?? 400
  let docsSeq = 0
  let refreshTimer: ReturnType<typeof setTimeout> | undefined

  return createStore<KnowledgeState>()((set, get) => {
    const patchUpload = (uid: string, patch: Partial<UploadItem>) => set((s) => ({ uploads: s.uploads.map((u) => (u.uid === uid ? { ...u, ...patch } : u)) }))

    const afterIngestChange = () => {
      void get().loadDocuments()
      void get().refreshStatus()
    }

    async function sendMultipart(kbId: string, items: { item: UploadItem; file: File }[], send: Extract<Uploader, { kind: 'multipart' }>['send']) {
      const queue = items.slice()
      const worker = async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const { item, file } = next
          patchUpload(item.uid, { state: 'uploading' })
          try {
            const docs = await send(kbId, file, (sent) => patchUpload(item.uid, { sent }))
            patchUpload(item.uid, { state: 'done', sent: item.size, duplicate: docs.every((d) => d.duplicate) })
          } catch (err) {
            patchUpload(item.uid, { state: 'failed', error: translateError(err) })
          }
        }
      }
      await Promise.all(Array.from({ length: Math.min(UPLOAD_CONCURRENCY, queue.length) }, worker))
    }

    async function sendPaths(kbId: string, items: { item: UploadItem; file: File }[], pathOf: (f: File) => string | undefined) {
      const withPath = items.map((x) => ({ ...x, path: pathOf(x.file) }))
      for (const x of withPath) if (!x.path) patchUpload(x.item.uid, { state: 'failed', error: 'no-path' })
      const known = withPath.filter((x): x is typeof x & { path: string } => !!x.path)
      for (let i = 0; i < known.length; i += PATH_BATCH) {
        const batch = known.slice(i, i + PATH_BATCH)
        for (const x of batch) patchUpload(x.item.uid, { state: 'uploading' })
        try {
          const result = await api.call('knowledgeBases.addPaths', { id: kbId, paths: batch.map((x) => x.path) })
          const skipped = new Map(result.skipped.map((s) => [s.path, translateMessage({ reason: s.code, params: s.params, message: s.reason })]))
          for (const x of batch) {
            const reason = skipped.get(x.path)
            patchUpload(x.item.uid, reason ? { state: 'failed', error: reason } : { state: 'done', sent: x.item.size })
          }
        } catch (err) {
          const message = translateError(err)
          for (const x of batch) patchUpload(x.item.uid, { state: 'failed', error: message })
        }
      }
    }

    return {
      kbId: null,
      docs: [],
      total: 0,
      counts: emptyCounts,
      query: firstQuery,
      docsLoading: false,
      docsError: null,
      status: null,
      progress: null,
      uploads: [],
      chunks: null,

      async open(kbId) {
        if (get().kbId !== kbId)
          set({ kbId, docs: [], total: 0, counts: emptyCounts, query: firstQuery, status: null, progress: null, uploads: [], chunks: null, docsError: null })
        await Promise.all([get().loadDocuments(), get().refreshStatus()])
      },
      close() {
        clearTimeout(refreshTimer)
        refreshTimer = undefined
        docsSeq++
        set({ kbId: null, docs: [], status: null, progress: null, chunks: null })
      },

      async loadDocuments(patch = {}) {
        const kbId = get().kbId
        if (!kbId) return
        const query = { ...get().query, ...patch }
        // A new filter starts on its first page.
        if ((patch.q !== undefined || patch.status !== undefined) && patch.page === undefined) query.page = 1
        const seq = ++docsSeq
        set({ query, docsLoading: true })
        try {
          const page = await api.call('knowledgeBases.documents', {
            id: kbId,
            offset: (query.page - 1) * query.pageSize,
            limit: query.pageSize,
            ...(query.q.trim() && { q: query.q.trim() }),
            ...(query.status && { status: query.status })
          })
          if (seq === docsSeq) set({ docs: page.items, total: page.total, counts: page.counts, docsLoading: false, docsError: null })
        } catch (err) {
          if (seq === docsSeq) set({ docsLoading: false, docsError: toApiError(err) })
        }
      },

      async refreshStatus() {
        const kbId = get().kbId
        if (!kbId) return
        try {
          const status = await api.call('knowledgeBases.status', { id: kbId })
          if (get().kbId !== kbId) return
          // An event may have brought fresher progress while the status was on its way.
          set((s) => ({ status, progress: s.progress && s.progress.running ? s.progress : status.progress }))
        } catch {
          // The documents list reports the connection problem; the banner just stays as it was.
        }
      },

      async removeDocument(docId) {
        const kbId = get().kbId
        if (!kbId) return
        await api.call('knowledgeBases.deleteDocument', { id: kbId, docId })
        set((s) => ({ docs: s.docs.filter((d) => d.id !== docId), total: Math.max(0, s.total - 1) }))
        afterIngestChange()
      },
      async reindexDocument(docId) {
        const kbId = get().kbId
        if (!kbId) throw new Error('no knowledge base open')
        const doc = await api.call('knowledgeBases.reindexDocument', { id: kbId, docId })
        set((s) => ({ docs: s.docs.map((d) => (d.id === doc.id ? doc : d)) }))
        return doc
      },
      async reindexAll() {
        const kbId = get().kbId
        if (!kbId) return 0
        const { queued } = await api.call('knowledgeBases.reindex', { id: kbId })
        afterIngestChange()
        return queued
      },
      async addPaths(paths) {
        const kbId = get().kbId
        if (!kbId) throw new Error('no knowledge base open')
        const result = await api.call('knowledgeBases.addPaths', { id: kbId, paths })
        afterIngestChange()
        return result
      },

      async upload(files) {
        const kbId = get().kbId
        if (!kbId || !files.length) return
        const items = files.map((file) => ({
          file,
          item: { uid: nextUid(), name: file.webkitRelativePath || file.name, size: file.size, sent: 0, state: 'waiting' as const }
        }))
        set((s) => ({ uploads: [...s.uploads.filter((u) => u.state !== 'done'), ...items.map((x) => x.item)] }))
        if (uploader.kind === 'multipart') await sendMultipart(kbId, items, uploader.send)
        else await sendPaths(kbId, items, uploader.pathOf)
        if (get().kbId === kbId) afterIngestChange()
      },
      clearUploads: () => set((s) => ({ uploads: s.uploads.filter((u) => u.state === 'uploading' || u.state === 'waiting') })),

      async openChunks(doc) {
        const kbId = get().kbId
        if (!kbId) return
        set({ chunks: { doc, items: [], total: 0, loading: true, error: null } })
        try {
          const page = await api.call('knowledgeBases.chunks', { id: kbId, docId: doc.id, offset: 0, limit: CHUNK_PAGE })
          set((s) => (s.chunks?.doc.id === doc.id ? { chunks: { ...s.chunks, items: page.items, total: page.total, loading: false } } : {}))
        } catch (err) {
          set((s) => (s.chunks?.doc.id === doc.id ? { chunks: { ...s.chunks, loading: false, error: toApiError(err) } } : {}))
        }
      },
      async moreChunks() {
        const { kbId, chunks } = get()
        if (!kbId || !chunks || chunks.loading || chunks.items.length >= chunks.total) return
        const docId = chunks.doc.id
        set({ chunks: { ...chunks, loading: true } })
        try {
          const page = await api.call('knowledgeBases.chunks', { id: kbId, docId, offset: chunks.items.length, limit: CHUNK_PAGE })
          set((s) =>
            s.chunks?.doc.id === docId ? { chunks: { ...s.chunks, items: [...s.chunks.items, ...page.items], total: page.total, loading: false } } : {}
          )
        } catch (err) {
          set((s) => (s.chunks?.doc.id === docId ? { chunks: { ...s.chunks, loading: false, error: toApiError(err) } } : {}))
        }
      },
      closeChunks: () => set({ chunks: null }),

      onProgress(progress) {
        if (progress.kbId !== get().kbId) return
        const wasRunning = get().progress?.running
        set({ progress })
        // The run just ended: the final counts are in the status, not in the progress event.
        if (wasRunning && !progress.running) void get().refreshStatus()
      },
      onDocumentsChanged(kbId) {
        // Throttled, not debounced: a long ingestion sends changes without pause.
        if (kbId !== get().kbId || refreshTimer) return
        refreshTimer = setTimeout(() => {
          refreshTimer = undefined
          afterIngestChange()
        }, refreshMs)
      }
    }
  })
}
