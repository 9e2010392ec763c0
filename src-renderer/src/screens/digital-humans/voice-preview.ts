import type { SpeechSynthesize } from '@contract/speech'
import type { Connection } from '../../api'
import { apiErrorFrom, ApiError } from '../../api/errors'
import type { SentenceAudio } from '../../../../digitalhuman/avatar/speaker'

/**
 * One sentence in an avatar's voice, through the server's POST /speech/synthesize (the provider key
 * stays there). In a browser the studio's own server answers (its cookie); the desktop app asks its
 * local server, which must be running (Settings → Server).
 */
export async function synthesizePreview(connection: Connection, body: SpeechSynthesize, signal: AbortSignal): Promise<SentenceAudio> {
  let base = ''
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (connection.host === 'electron') {
    const server = await connection.api.call('server.status', {})
    if (!server.running || !server.url) throw new ApiError('validation_failed', 'serverOff', 0)
    base = server.url
    if (server.token) headers.authorization = `Bearer ${server.token}`
  }
  const res = await fetch(`${base}/speech/synthesize`, { method: 'POST', headers, body: JSON.stringify(body), credentials: 'same-origin', signal })
  if (!res.ok) throw apiErrorFrom(await res.json().catch(() => undefined), res.status)
  return { audio: await res.arrayBuffer(), mime: res.headers.get('content-type') ?? 'audio/wav' }
}
