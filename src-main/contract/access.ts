import { z } from 'zod'

/**
 * Who may call what. Each endpoint of the contract (api.ts) declares the least role it needs and,
 * where a person's own data is involved, whose it must be; `core/access.ts` checks it once, in
 * dispatch, for every transport. With accounts off there is only the owner (the desktop, or the
 * server's token), who may call everything.
 */

/** admin ⊃ builder ⊃ member. */
export const Role = z.enum(['admin', 'builder', 'member'])
export type Role = z.infer<typeof Role>

/**
 * What a personal API token may do. An endpoint's scope follows from its declaration: member
 * endpoints are `chat` (their reads also `read`), builder endpoints `read` (GET) or `build`,
 * admin endpoints `admin`.
 */
export const Scope = z.enum(['chat', 'read', 'build', 'admin'])
export type Scope = z.infer<typeof Scope>

/**
 * Whose data a call touches, checked for people (never for the owner):
 * - `self`: the input's `userId` is the caller's (filled in when absent; another's id is 403);
 * - `session` / `run` / `memory`: the input's `id` names one of the caller's sessions, runs, memories;
 * - `agentUse`: the input's `agentId` names an agent shared with the caller;
 * - `agentEdit`: the input's `id` names an agent the caller may change (its builder, or an admin).
 */
export type Ownership = 'self' | 'session' | 'run' | 'memory' | 'agentUse' | 'agentEdit'

export interface Access {
  /** `public`: no credentials needed (signing in, the first-run setup, accepting an invite). */
  role: Role | 'public'
  own?: readonly Ownership[]
}

/** The default for an endpoint that declares nothing: only admins (and the owner). */
export const ADMIN_ONLY: Access = { role: 'admin' }

const rank: Record<Role, number> = { member: 0, builder: 1, admin: 2 }
export const roleAtLeast = (role: Role, least: Role): boolean => rank[role] >= rank[least]

/**
 * The token scopes that open an endpoint, from its role and method (any one of them will do):
 * what members read opens with `chat` or `read`.
 */
export function scopesOf(access: Access, method: string): Scope[] {
  if (access.role === 'public') return []
  if (access.role === 'member') return method === 'GET' ? ['chat', 'read'] : ['chat']
  if (access.role === 'builder') return method === 'GET' ? ['read'] : ['build']
  return ['admin']
}

/** The scopes a person of this role may put on a token. */
export function scopesFor(role: Role): Scope[] {
  if (role === 'admin') return ['chat', 'read', 'build', 'admin']
  if (role === 'builder') return ['chat', 'read', 'build']
  return ['chat']
}
