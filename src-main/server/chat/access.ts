import type { NextFunction, Request, Response } from 'express'
import type { Agent } from '../../contract/entities'
import { AppError } from '../../contract/errors'
import type { Runtime } from '../../core/runtime'
import { canUseAgent } from '../../core/access'
import type { Principal } from '../../core/context'
import { SESSION_COOKIE } from '../../core/accounts/accounts-service'
import type { Authenticator } from '../auth'
import { readCookie, tokensEqual, TOKEN_COOKIE } from '../security'

type Person = Extract<Principal, { kind: 'user' }>

/**
 * Who calls a chat endpoint: the studio (its token opens every agent), a holder of one agent's
 * public key, or a signed-in person (a session or a personal token with the `chat` scope), who
 * may use the agents shared with them.
 */
export type Caller = { kind: 'studio' } | { kind: 'key'; key: string } | { kind: 'user'; person: Person }

const KEY_PREFIX = 'pk_'
const HOW_TO_AUTH =
  'send the studio token ("Authorization: Bearer <token>") or the agent\'s public key ("Authorization: Bearer pk_…", header "X-Agenta-Key" or "?key=")'

function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true
  try {
    return new URL(origin).host === host
  } catch {
    return false
  }
}

const normalOrigin = (o: string) => o.trim().toLowerCase().replace(/\/+$/, '')

/**
 * On a team server the cache is cleared by `agents.changed` from every process; one missed while
 * Redis was away would keep it stale, so there it is also read again after this long.
 */
const SHARED_ORIGINS_TTL_MS = 5_000

/**
 * Authentication and browser access for the endpoints that outside clients use (the original chat
 * protocol, the OpenAI-compatible API, the control socket). A public key opens only its own agent,
 * only while the agent is published, and from a browser only on the agent's listed origins.
 */
export class ChatAccess {
  private origins: Promise<Set<string>> | null = null
  private originsAt = 0
  private readonly unsubscribe: () => void

  constructor(
    private readonly runtime: Runtime,
    private readonly token: string,
    private readonly auth?: Authenticator
  ) {
    this.unsubscribe = runtime.events.subscribe((name) => {
      if (name === 'agents.changed') this.origins = null
    })
  }

  close(): void {
    this.unsubscribe()
  }

  /** Origins listed by any published agent: the only ones a browser may call us from. */
  publishedOrigins(): Promise<Set<string>> {
    if (this.runtime.coordination.kind !== 'memory' && Date.now() - this.originsAt > SHARED_ORIGINS_TTL_MS) this.origins = null
    if (!this.origins) this.originsAt = Date.now()
    this.origins ??= this.runtime.agents.list().then(
      (agents) => new Set(agents.filter((a) => a.published).flatMap((a) => a.allowedOrigins.map(normalOrigin))),
      (err) => {
        this.origins = null
        throw err
      }
    )
    return this.origins
  }

  /** The credentials a request carries; 401 when there are none that could be right. */
  async caller(req: Request): Promise<Caller> {
    const auth = req.headers.authorization
    const bearer = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined
    const query = req.query as Record<string, unknown>
    const header = req.headers['x-agenta-key']
    const key =
      (typeof header === 'string' && header.trim()) ||
      (bearer?.startsWith(KEY_PREFIX) ? bearer : undefined) ||
      (typeof query.key === 'string' ? query.key : undefined)
    if (key?.startsWith(KEY_PREFIX)) return { kind: 'key', key }
    // The cookie only counts on same-origin requests: a page on an allowed origin must not ride on
    // the studio's session to reach every agent.
    const own = sameOrigin(req.headers.origin, req.headers.host)
    const cookie = own ? readCookie(req.headers.cookie, TOKEN_COOKIE) : undefined
    const token = bearer ?? (typeof query.token === 'string' ? query.token : undefined) ?? cookie
    if (tokensEqual(token, this.token)) return { kind: 'studio' }
    const session = own && !token ? readCookie(req.headers.cookie, SESSION_COOKIE) : undefined
    if (this.auth?.accounts && (token || session)) {
      const principal = await this.auth.resolve({ token: (token ?? session)!, via: token ? 'header' : 'session-cookie' })
      if (principal.kind === 'owner') return { kind: 'studio' }
      if (principal.kind === 'user') {
        if (!principal.scopes.includes('chat')) throw new AppError('forbidden', 'This token lacks the "chat" scope needed to talk to agents')
        return { kind: 'user', person: principal }
      }
    }
    throw new AppError('unauthorized', key || token ? `Wrong access token or key: ${HOW_TO_AUTH}` : `Missing credentials: ${HOW_TO_AUTH}`)
  }

  /** Express middleware: resolves the caller into `res.locals.caller` before the body is read. */
  readonly identify = (req: Request, res: Response, next: NextFunction) => {
    this.caller(req)
      .then((caller) => {
        res.locals.caller = caller
      })
      .then(() => next(), next)
  }

  /** Checks that the caller may use this agent from where it calls; 401/403 otherwise. */
  async authorize(caller: Caller, agent: Agent, origin: string | undefined): Promise<Agent> {
    if (caller.kind === 'studio') return agent
    if (caller.kind === 'user') {
      if (!canUseAgent(caller.person, (await this.runtime.owners.agent(agent.id))!))
        throw new AppError('forbidden', 'This agent is not shared with you: ask its builder or an admin')
      return agent
    }
    if (!tokensEqual(caller.key, agent.publicKey)) throw new AppError('unauthorized', `This key is not valid for the agent ${agent.uuid}`)
    if (!agent.published)
      throw new AppError('forbidden', `The agent "${agent.name}" is not published: publish it in the studio before chatting with its public key`)
    if (origin && agent.allowedOrigins.length && !agent.allowedOrigins.map(normalOrigin).includes(normalOrigin(origin))) {
      throw new AppError('forbidden', `The origin ${origin} is not allowed for the agent "${agent.name}": add it to the agent's allowed origins`)
    }
    return agent
  }

  /**
   * The user id a turn runs as: a person is always themselves (naming someone else is 403);
   * the studio and key holders name the user as the protocol lets them.
   */
  userIdFor(caller: Caller, given: string | undefined, fallback: string): string {
    if (caller.kind !== 'user') return given ?? fallback
    if (given !== undefined && given !== fallback && given !== caller.person.userId)
      throw new AppError('forbidden', 'user_id must be your own (or left out): you cannot chat as another person')
    return caller.person.userId
  }

  /** A person may continue only their own sessions. */
  async checkSession(caller: Caller, sessionId: string): Promise<void> {
    if (caller.kind !== 'user') return
    const owner = await this.runtime.owners.session(sessionId)
    if (owner !== undefined && owner !== caller.person.userId)
      throw new AppError('forbidden', 'That belongs to someone else: you can only open your own chats, runs and memories')
  }

  /** The agent a caller names (id or uuid) and may use. */
  async agent(caller: Caller, idOrUuid: string, req: Request): Promise<Agent> {
    // The server's own pages (the phone chat page, the embed iframe) are not a foreign website.
    const origin = sameOrigin(req.headers.origin, req.headers.host) ? undefined : req.headers.origin
    return await this.authorize(caller, await this.runtime.agents.get(idOrUuid), origin)
  }

  /** The agent whose public key this is; 401 when none. */
  async agentByKey(key: string): Promise<Agent> {
    const agent = (await this.runtime.agents.list()).find((a) => tokensEqual(key, a.publicKey))
    if (!agent) throw new AppError('unauthorized', `Wrong access token or key: ${HOW_TO_AUTH}`)
    return agent
  }

  /**
   * CORS for the public endpoints: only for origins some published agent lists; once the agent is
   * known, `narrowCors` takes the header back if that agent does not list the origin.
   */
  readonly cors = async (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin
    if (!origin || sameOrigin(origin, req.headers.host)) return next()
    res.vary('Origin')
    const allowed = (await this.publishedOrigins()).has(normalOrigin(origin))
    if (allowed) {
      res.setHeader('Access-Control-Allow-Origin', origin)
      res.setHeader('Access-Control-Expose-Headers', 'Content-Type, x-should-retry, retry-after')
    }
    if (req.method !== 'OPTIONS') return next()
    if (!allowed) return next(new AppError('forbidden', `The origin ${origin} is not allowed: list it in a published agent's allowed origins`))
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS')
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization, X-Agenta-Key, Idempotency-Key')
    res.setHeader('Access-Control-Max-Age', '600')
    res.status(204).end()
  }

  narrowCors(res: Response, agent: Agent): void {
    const origin = res.getHeader('Access-Control-Allow-Origin')
    if (typeof origin !== 'string') return
    if (!agent.published || !agent.allowedOrigins.map(normalOrigin).includes(normalOrigin(origin))) res.removeHeader('Access-Control-Allow-Origin')
  }

  /**
   * The control channel's handshakes: WebSockets ignore CORS, so browsers on foreign origins are
   * refused here unless a published agent lists them. Non-browser clients send no Origin and pass.
   */
  async socketAllowed(origin: string | undefined, host: string | undefined): Promise<boolean> {
    if (!origin || sameOrigin(origin, host)) return true
    return (await this.publishedOrigins()).has(normalOrigin(origin))
  }

  /** The `cors` option of Socket.IO's polling transport, with the same rule. */
  readonly socketCors = (origin: string | undefined, done: (err: Error | null, allow?: boolean | string) => void) => {
    if (!origin) return done(null, false)
    this.publishedOrigins().then(
      (set) => done(null, set.has(normalOrigin(origin)) ? origin : false),
      (err: Error) => done(err)
    )
  }
}
