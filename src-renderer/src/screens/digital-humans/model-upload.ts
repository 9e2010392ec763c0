import type { DigitalHuman } from '@contract/digital-humans'
import type { Connection } from '../../api'
import { ApiError, apiErrorFrom } from '../../api/errors'
import { pathForFile } from '../../api/upload'

/**
 * Attaches a GLB/VRM file to a digital human: a browser sends it as multipart to the server; the
 * desktop app hands the core its path on disk (IPC has no multipart). The server checks it either way.
 */
export async function attachModelFile(connection: Connection, id: string, file: File): Promise<DigitalHuman> {
  if (connection.host === 'electron') {
    const path = pathForFile(file)
    if (!path) throw new ApiError('bad_request', 'This file is not on disk: save it to a folder first', 0)
    return connection.api.call('digitalHumans.setModelPath', { id, path })
  }
  const form = new FormData()
  form.append('file', file, file.name)
  let res: Response
  try {
    res = await fetch(`/api/digital-humans/${encodeURIComponent(id)}/model`, { method: 'POST', body: form, credentials: 'same-origin' })
  } catch (err) {
    throw new ApiError('internal', `Cannot reach the server: ${(err as Error).message}`, 0)
  }
  const body: unknown = await res.json().catch(() => undefined)
  if (!res.ok) throw apiErrorFrom(body, res.status)
  return body as DigitalHuman
}
