import { randomUUID } from 'node:crypto'
import type { Role, Scope } from '../contract/access'
import { log, type Logger } from '../base/log'

/**
 * Who is calling. `owner`: the desktop (IPC), or the server's own token — one person who may do
 * everything, as before accounts existed. `user`: a signed-in person, with a session (every scope
 * their role allows) or a personal token (the scopes it was made with).
 */
export type Principal =
  | { kind: 'owner' }
  /** No credentials: only public endpoints (signing in, the first-run setup). */
  | { kind: 'anonymous' }
  | { kind: 'user'; userId: string; name: string; role: Role; scopes: readonly Scope[]; via: 'session' | 'token'; sessionToken?: string }

/** What HTTP adds: the client's address (login rate limits) and a way to set cookies. */
export interface HttpExchange {
  ip: string
  headers: Headers
  /** Adds a `Set-Cookie` (and the like) to the answer. */
  appendHeader(name: string, value: string): void
}

/**
 * Every handler receives one, from every transport (REST, IPC, Socket.IO, /v1, /mcp, the chat
 * protocol): who is calling, the request's id, a signal that aborts when the caller goes away,
 * and a logger that carries the request id.
 */
export interface RequestContext {
  principal: Principal
  requestId: string
  signal: AbortSignal
  log: Logger
  http?: HttpExchange
}

export const OWNER: Principal = { kind: 'owner' }
export const ANONYMOUS: Principal = { kind: 'anonymous' }

export function createContext(
  principal: Principal,
  opts: { requestId?: string; signal?: AbortSignal; log?: Logger; http?: HttpExchange } = {}
): RequestContext {
  const requestId = opts.requestId ?? randomUUID()
  return {
    principal,
    requestId,
    signal: opts.signal ?? new AbortController().signal,
    log: opts.log ?? log.child({ requestId }),
    http: opts.http
  }
}

/** The desktop itself, the CLI and the core's own work: the owner. */
export const ownerContext = (opts: { requestId?: string; signal?: AbortSignal; log?: Logger } = {}) => createContext(OWNER, opts)

/** For the audit log and log lines. */
export const actorOf = (p: Principal): { id: string; name: string } => (p.kind === 'user' ? { id: p.userId, name: p.name } : { id: p.kind, name: p.kind })
