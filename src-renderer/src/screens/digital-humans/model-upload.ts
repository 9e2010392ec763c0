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

/**
 * The stored GLB/VRM of a digital human, for the editor's 3D preview. In a browser the studio's
 * own server answers (its cookie); the desktop app asks its local server, which must be running.
 */
export async function fetchModelFile(connection: Connection, id: string, signal: AbortSignal): Promise<ArrayBuffer> {
  let base = ''
  const headers: Record<string, string> = {}
  if (connection.host === 'electron') {
    const server = await connection.api.call('server.status', {})
    if (!server.running || !server.url) throw new ApiError('validation_failed', 'serverOff', 0)
    base = server.url
    if (server.token) headers.authorization = `Bearer ${server.token}`
  }
  const res = await fetch(`${base}/api/digital-humans/${encodeURIComponent(id)}/model`, { headers, credentials: 'same-origin', signal })
  if (!res.ok) throw apiErrorFrom(await res.json().catch(() => undefined), res.status)
  return res.arrayBuffer()
}
