// What a LiveTalking-compatible service answers, read once here. Two shapes are in the wild:
// lipku/LiveTalking `{"code":0,"msg":"ok","data":…}` / `{"code":-1,"msg":"…"}` (older servers
// leave out msg), and the Agenta fork `{"code":0,"data":"ok"}` / `{"code":404,"data":"session not
// found","reconnect":true}`. Session ids were 6-digit integers until 2026-04 and uuid strings
// since. Pure TypeScript: browser or Node.

/** Sent back exactly as the service gave it: a server that issued 123456 may not accept "123456". */
export type SessionId = number | string

export type ReplyKind = 'ok' | 'session-lost' | 'session-limit' | 'error'

export interface Reply {
  kind: ReplyKind
  /** `data` of a success (`true`/`false` for /is_speaking), undefined otherwise. */
  data?: unknown
  /** The service's own words, for the operator. */
  message: string
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

// lipku answers an unknown session with the KeyError text (the id in quotes); the fork says so.
const LOST = /session.*(not found|unknown|invalid|expired|no such|does not exist)|no such session|unknown session|invalid session/i
const LIMIT = /session limit|limit reached|max(imum)?[\s_]*(session|connection)|too many (sessions|connections)|\bfull\b|上限|已满/i

/** Classifies one JSON reply of /human, /interrupt_talk, /is_speaking or /offer. */
export function parseReply(body: unknown, sessionId?: SessionId): Reply {
  if (!isRecord(body)) return { kind: 'error', message: `unexpected reply: ${JSON.stringify(body) ?? String(body)}` }
  const code = body.code === undefined ? 0 : Number(body.code)
  const text = typeof body.msg === 'string' ? body.msg : typeof body.data === 'string' ? body.data : ''
  if (code === 0 && body.reconnect !== true) return { kind: 'ok', data: body.data, message: text || 'ok' }
  const message = text || `code ${String(body.code)}`
  const quotedId = sessionId !== undefined && (text === `'${sessionId}'` || text === String(sessionId) || text.includes(`KeyError: ${sessionId}`))
  if (body.reconnect === true || code === 404 || LOST.test(text) || quotedId) return { kind: 'session-lost', message }
  if (LIMIT.test(text)) return { kind: 'session-limit', message }
  return { kind: 'error', message }
}

/** `/offer`'s answer: the SDP and the session id (integer, numeric string or uuid). */
export function parseOfferReply(body: unknown): { sdp: string; type: 'answer'; sessionId: SessionId } | Reply {
  if (isRecord(body) && typeof body.sdp === 'string' && body.sdp) {
    const raw = body.sessionid ?? body.session_id ?? body.sessionId
    if (typeof raw === 'number' && Number.isFinite(raw)) return { sdp: body.sdp, type: 'answer', sessionId: raw }
    if (typeof raw === 'string' && raw.trim()) return { sdp: body.sdp, type: 'answer', sessionId: raw.trim() }
    return { kind: 'error', message: 'the /offer answer carries no session id' }
  }
  const reply = parseReply(body)
  // An /offer refused with code -1 is, on every server we know, the session limit.
  if (reply.kind === 'error' && isRecord(body) && Number(body.code) === -1) return { ...reply, kind: 'session-limit' }
  return reply.kind === 'ok' ? { kind: 'error', message: 'the /offer answer carries no SDP' } : reply
}

/** `/is_speaking`: `data: true|false` in either shape (a string "true" from loose servers). */
export function speakingOf(reply: Reply): boolean {
  return reply.data === true || reply.data === 'true' || reply.data === 1
}
