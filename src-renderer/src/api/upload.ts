import type { z } from 'zod'
import { UploadAnswer } from '@contract/knowledge'
import { restAnswer } from '@contract/rest-request'
import { ApiError, apiErrorOf } from './errors'

export { UploadAnswer }
export type UploadedDocument = z.infer<typeof UploadAnswer>['documents'][number]

export interface UploadOptions {
  baseUrl?: string
  token?: string
  onProgress?: (sent: number, total: number) => void
  signal?: AbortSignal
}

/**
 * Sends one file to `POST /api/knowledge-bases/:id/upload` (browser only: IPC has no multipart).
 * XMLHttpRequest rather than fetch because only it reports upload progress.
 */
export function uploadFile(kbId: string, file: File, opts: UploadOptions = {}): Promise<UploadedDocument[]> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `${opts.baseUrl ?? ''}/api/knowledge-bases/${encodeURIComponent(kbId)}/upload`)
    xhr.withCredentials = true
    if (opts.token) xhr.setRequestHeader('authorization', `Bearer ${opts.token}`)
    xhr.setRequestHeader('accept', 'application/json')
    xhr.upload.onprogress = (e) => opts.onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size)
    xhr.onerror = () => reject(new ApiError('internal', 'Cannot reach the server', 0))
    xhr.onabort = () => reject(new ApiError('bad_request', 'Upload cancelled', 0))
    xhr.onload = () => {
      const answer = restAnswer(xhr.status, xhr.responseText)
      if (!answer.ok) return reject(apiErrorOf(answer.error, xhr.status))
      const parsed = UploadAnswer.safeParse(answer.body)
      if (!parsed.success) return reject(new ApiError('internal', 'Unexpected answer from the upload', xhr.status))
      resolve(parsed.data.documents)
    }
    opts.signal?.addEventListener('abort', () => xhr.abort(), { once: true })
    const form = new FormData()
    // webkitRelativePath keeps a dropped folder's structure visible; the server keeps only the base name.
    form.append('file', file, file.name)
    xhr.send(form)
  })
}

/**
 * The path on disk of a file dropped into the Electron window. Needs the preload to expose
 * `pathForFile` (Electron's webUtils.getPathForFile: `File.path` is gone since Electron 32);
 * undefined when it does not, or in a browser.
 */
export function pathForFile(file: File): string | undefined {
  const bridge = typeof window === 'undefined' ? undefined : window.agenta
  return bridge?.pathForFile(file) || undefined
}

/** True when this window can turn dropped files into paths (see pathForFile). */
export const canResolvePaths = () => typeof window !== 'undefined' && typeof window.agenta?.pathForFile === 'function'
