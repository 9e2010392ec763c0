import { StagedRestore } from '@contract/backup'
import { restAnswer } from '@contract/rest-request'
import { ApiError, apiErrorOf } from './errors'

/**
 * Sends a backup file as the raw body of `POST /api/backups/upload` (browser only), which checks
 * it as backups.inspect does. XMLHttpRequest rather than fetch because only it reports upload progress.
 */
export function uploadBackup(file: File, onProgress?: (sent: number, total: number) => void): Promise<StagedRestore> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', '/api/backups/upload')
    xhr.withCredentials = true
    xhr.setRequestHeader('content-type', 'application/gzip')
    xhr.setRequestHeader('accept', 'application/json')
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size)
    xhr.onerror = () => reject(new ApiError('internal', 'Cannot reach the server', 0))
    xhr.onload = () => {
      const answer = restAnswer(xhr.status, xhr.responseText)
      if (!answer.ok) return reject(apiErrorOf(answer.error, xhr.status))
      const parsed = StagedRestore.safeParse(answer.body)
      if (!parsed.success) return reject(new ApiError('internal', 'Unexpected answer from the upload', xhr.status))
      resolve(parsed.data)
    }
    xhr.send(file)
  })
}
