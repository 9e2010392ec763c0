import { ADMIN_ONLY, roleAtLeast, scopesOf, type Access, type Role } from '../contract/access'
import type { AgentSharing } from '../contract/accounts'
import { AppError } from '../contract/errors'
import type { Principal, RequestContext } from './context'

/** Whose things are whose: what the ownership declarations need to know (store lookups). */
export interface Owners {
  /** The person a chat session belongs to; undefined when there is no such session. */
  session(id: string): Promise<string | undefined>
  /** The person the session of a run (turn) belongs to. */
  run(id: string): Promise<string | undefined>
  memory(id: string): Promise<string | undefined>
  /** Who built an agent and who may chat with it; undefined when there is no such agent. */
  agent(idOrUuid: string): Promise<AgentSharing | undefined>
}

type Person = Extract<Principal, { kind: 'user' }>

export function canUseAgent(p: Principal, sharing: AgentSharing): boolean {
  if (p.kind === 'anonymous') return false
  if (p.kind === 'owner' || p.role === 'admin') return true
  return sharing.ownerId === p.userId || sharing.everyone || sharing.people.includes(p.userId)
}

/** Its builder changes it; agents from before accounts (no builder) are every builder's. */
export function canEditAgent(p: Principal, sharing: AgentSharing): boolean {
  if (p.kind === 'anonymous') return false
  if (p.kind === 'owner' || p.role === 'admin') return true
  return p.role === 'builder' && (sharing.ownerId === null || sharing.ownerId === p.userId)
}

const roleName: Record<Role, string> = { admin: 'an admin', builder: 'a builder', member: 'a member' }

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined)

/**
 * The one check of who may make a call, before its input is parsed. Returns the input to parse:
 * a person's own `userId` is filled in where the endpoint is about the caller's own data.
 * 401 when credentials are missing, 403 with the reason otherwise; nothing about other people's
 * data is revealed (their sessions are refused without saying what is in them).
 */
export async function authorize(
  name: string,
  method: string,
  access: Access | undefined,
  rawInput: unknown,
  ctx: RequestContext,
  owners: Owners
): Promise<unknown> {
  const rule = access ?? ADMIN_ONLY
  if (rule.role === 'public') return rawInput
  const p = ctx.principal
  if (p.kind === 'owner') return rawInput
  if (p.kind === 'anonymous')
    throw new AppError('unauthorized', `Sign in first: ${name} needs an account (or send a personal token as "Authorization: Bearer agt_…")`)
  if (!roleAtLeast(p.role, rule.role)) throw new AppError('forbidden', `${name} is for ${roleName[rule.role]} or above; you are ${roleName[p.role]}`)
  const scopes = scopesOf(rule, method)
  if (scopes.length && !scopes.some((s) => p.scopes.includes(s)))
    throw new AppError('forbidden', `This token lacks the "${scopes.join('" or "')}" scope that ${name} needs`)
  if (!rule.own?.length) return rawInput
  const input: Record<string, unknown> =
    rawInput && typeof rawInput === 'object' && !Array.isArray(rawInput) ? { ...(rawInput as Record<string, unknown>) } : {}
  for (const kind of rule.own) await checkOwn(kind, input, p, owners)
  return input
}

async function checkOwn(kind: NonNullable<Access['own']>[number], input: Record<string, unknown>, p: Person, owners: Owners): Promise<void> {
  const theirs = () => new AppError('forbidden', 'That belongs to someone else: you can only open your own chats, runs and memories')
  switch (kind) {
    case 'self': {
      if (input.userId === undefined || input.userId === null || input.userId === '') input.userId = p.userId
      else if (input.userId !== p.userId) throw new AppError('forbidden', 'userId must be your own (or left out): you cannot act for another person')
      return
    }
    case 'session': {
      const id = str(input.sessionId) ?? str(input.id)
      const owner = id && (await owners.session(id))
      if (owner !== undefined && owner !== '' && owner !== p.userId) throw theirs()
      return
    }
    case 'run': {
      const owner = str(input.id) && (await owners.run(str(input.id)!))
      if (owner && owner !== p.userId) throw theirs()
      return
    }
    case 'memory': {
      const owner = str(input.id) && (await owners.memory(str(input.id)!))
      if (owner && owner !== p.userId) throw theirs()
      return
    }
    case 'agentUse': {
      const id = str(input.agentId) ?? str(input.id)
      const sharing = id && (await owners.agent(id))
      // Not found: the handler says so, as for anyone.
      if (sharing && !canUseAgent(p, sharing)) throw new AppError('forbidden', 'This agent is not shared with you: ask its builder or an admin')
      return
    }
    case 'agentEdit': {
      const sharing = str(input.id) && (await owners.agent(str(input.id)!))
      if (sharing && !canEditAgent(p, sharing)) throw new AppError('forbidden', 'Only the builder of this agent or an admin can change it')
      return
    }
  }
}
