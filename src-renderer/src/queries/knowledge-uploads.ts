import type { Connection } from '../api'
import { translateError, translateMessage } from '../api/errors'
import { pathForFile, uploadFile, type UploadedDocument } from '../api/upload'
import { ingestChanged } from './knowledge'
import type { ServerState } from './server-state'

/** A file on its way to the core: client state of the documents panel, one row each. */
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

/** In a browser files go up as multipart; Electron hands the core their paths on disk instead. */
export const uploaderFor = (host: Connection['host']): Uploader =>
  host === 'browser' ? { kind: 'multipart', send: (kbId, file, onProgress) => uploadFile(kbId, file, { onProgress }) } : { kind: 'paths', pathOf: pathForFile }

interface Upload {
  item: UploadItem
  file: File
}
type PatchUpload = (uid: string, patch: Partial<UploadItem>) => void
/** How the rows change: a React state setter, or anything that takes an updater. */
export type UpdateUploads = (change: (items: UploadItem[]) => UploadItem[]) => void

const UPLOAD_CONCURRENCY = 3
// addPaths takes at most this many paths per call (contract).
const PATH_BATCH = 1000

let uidSeq = 0
const nextUid = () => `u${++uidSeq}`

/** The rows still on their way (finished and failed ones are cleared). */
export const clearedUploads = (items: UploadItem[]): UploadItem[] => items.filter((u) => u.state === 'uploading' || u.state === 'waiting')

async function sendMultipart(kbId: string, uploads: Upload[], send: Extract<Uploader, { kind: 'multipart' }>['send'], patch: PatchUpload) {
  const queue = uploads.slice()
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { item, file } = next
      patch(item.uid, { state: 'uploading' })
      try {
        const docs = await send(kbId, file, (sent) => patch(item.uid, { sent }))
        patch(item.uid, { state: 'done', sent: item.size, duplicate: docs.every((d) => d.duplicate) })
      } catch (err) {
        patch(item.uid, { state: 'failed', error: translateError(err) })
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(UPLOAD_CONCURRENCY, queue.length) }, worker))
}

async function sendPaths({ connection: { api } }: ServerState, kbId: string, uploads: Upload[], pathOf: (f: File) => string | undefined, patch: PatchUpload) {
  const withPath = uploads.map((x) => ({ ...x, path: pathOf(x.file) }))
  for (const x of withPath) if (!x.path) patch(x.item.uid, { state: 'failed', error: 'no-path' })
  const known = withPath.filter((x): x is typeof x & { path: string } => !!x.path)
  for (let i = 0; i < known.length; i += PATH_BATCH) {
    const batch = known.slice(i, i + PATH_BATCH)
    for (const x of batch) patch(x.item.uid, { state: 'uploading' })
    try {
      const result = await api.call('knowledgeBases.addPaths', { id: kbId, paths: batch.map((x) => x.path) })
      const skipped = new Map(result.skipped.map((s) => [s.path, translateMessage({ reason: s.code, params: s.params, message: s.reason })]))
      for (const x of batch) {
        const reason = skipped.get(x.path)
        patch(x.item.uid, reason ? { state: 'failed', error: reason } : { state: 'done', sent: x.item.size })
      }
    } catch (err) {
      const message = translateError(err)
      for (const x of batch) patch(x.item.uid, { state: 'failed', error: message })
    }
  }
}

/**
 * Sends files to a knowledge base, each with its own row (rows of files that went through make way
 * for them) showing its progress and outcome; resolves when all have ended, after which the
 * knowledge base's documents and status are read again.
 */
export async function uploadFiles(s: ServerState, uploader: Uploader, kbId: string, files: File[], update: UpdateUploads): Promise<void> {
  if (!files.length) return
  const added: Upload[] = files.map((file) => ({
    file,
    item: { uid: nextUid(), name: file.webkitRelativePath || file.name, size: file.size, sent: 0, state: 'waiting' }
  }))
  update((items) => [...items.filter((u) => u.state !== 'done'), ...added.map((x) => x.item)])
  const patch: PatchUpload = (uid, p) => update((items) => items.map((u) => (u.uid === uid ? { ...u, ...p } : u)))
  if (uploader.kind === 'multipart') await sendMultipart(kbId, added, uploader.send, patch)
  else await sendPaths(s, kbId, added, uploader.pathOf, patch)
  ingestChanged(s.queries, kbId)
}
