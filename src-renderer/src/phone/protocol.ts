import { readSse } from '../api/sse'
import type { Source } from '@contract/chat'
import type { PhoneConfig } from '@contract/pages'
import type { CardData } from '../chat/model'

export type { PhoneConfig }

/** One chunk of the original protocol's stream: `content` and `card` always, the rest for richer clients. */
export interface ProtocolChunk {
  content?: string
  card?: CardData | null
  type?: string
  tool?: { id: string; name: string; is_error?: boolean }
  error?: { code: string; message: string }
  sources?: Source[]
}

export class ProtocolError extends Error {
  constructor(
    message: string,
    readonly status: number
  ) {
    super(message)
  }
}

async function failure(res: Response): Promise<ProtocolError> {
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null
  return new ProtocolError(body?.error?.message ?? `HTTP ${res.status}`, res.status)
}

/**
 * The original platform's chat protocol as any of its clients speaks it: `POST /chat-init` for a
 * session, then `POST /chat-message` answered with SSE chunks until `[DONE]`, authenticated with
 * the agent's public key.
 */
export function protocolClient(cfg: Pick<PhoneConfig, 'uuid' | 'key'>, base = '', doFetch: typeof fetch = (...a) => fetch(...a)) {
  const headers = { 'content-type': 'application/json', 'x-agenta-key': cfg.key }
  return {
    async init(userId: string, sessionId?: string | null): Promise<string> {
      const res = await doFetch(`${base}/chat-init`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ app_uuid: cfg.uuid, user_id: userId, session_id: sessionId ?? null })
      })
      if (!res.ok) throw await failure(res)
      return ((await res.json()) as { session_id: string }).session_id
    },
    /** Streams one answer; resolves at `[DONE]` or when `signal` aborts. */
    async send(input: { sessionId: string; userId: string; message: string }, onChunk: (chunk: ProtocolChunk) => void, signal?: AbortSignal): Promise<void> {
      try {
        const res = await doFetch(`${base}/chat-message`, {
          method: 'POST',
          headers: { ...headers, accept: 'text/event-stream' },
          body: JSON.stringify({ app_uuid: cfg.uuid, user_id: input.userId, session_id: input.sessionId, message: input.message, stream: true }),
          signal
        })
        if (!res.ok) throw await failure(res)
        if (!res.body) throw new ProtocolError('The server answered without a stream', res.status)
        await readSse(res.body, (data) => {
          if (data === '[DONE]') return
          try {
            onChunk(JSON.parse(data) as ProtocolChunk)
          } catch {
            // not a chunk of ours
          }
        })
      } catch (err) {
        if (signal?.aborted) return
        throw err
      }
    }
  }
}

export type ProtocolClient = ReturnType<typeof protocolClient>
