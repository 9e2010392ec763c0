import type { Role } from '../../contract/access'
import type { StudioEventName } from '../../contract/api'
import type { Principal } from '../context'
import type { Owners } from '../access'

/**
 * Who may receive each studio event (accounts on): the least role, or `own` for events about one
 * person's data (their chat sessions and memories), which reach that person only. Events not
 * listed reach admins only. The owner (desktop, server token) receives everything.
 */
const eventAccess: Partial<Record<StudioEventName, Role | 'own'>> = {
  'agents.changed': 'member',
  'settings.changed': 'member',
  'sessions.changed': 'own',
  'memories.changed': 'own',
  'providers.changed': 'builder',
  'tools.changed': 'builder',
  'tools.status': 'builder',
  'knowledgeBases.changed': 'builder',
  'knowledge.progress': 'builder',
  'knowledge.documents': 'builder',
  'knowledge.sources': 'builder',
  'schedules.changed': 'builder',
  'schedules.run': 'builder',
  'memories.failed': 'builder'
}

/** Socket.IO rooms: everything for the owner; a person's own room and one per role they hold. */
export const OWNER_ROOM = 'owner'
export function roomsOf(p: Principal): string[] {
  if (p.kind === 'owner') return [OWNER_ROOM]
  if (p.kind === 'anonymous') return []
  const roles: Role[] = p.role === 'admin' ? ['admin', 'builder', 'member'] : p.role === 'builder' ? ['builder', 'member'] : ['member']
  return [`user:${p.userId}`, ...roles.map((r) => `role:${r}`)]
}

/** The rooms an event goes to. */
export async function audienceOf(name: StudioEventName, payload: unknown, owners: Owners): Promise<string[]> {
  const rule = eventAccess[name] ?? 'admin'
  if (rule !== 'own') return [OWNER_ROOM, `role:${rule}`]
  const p = payload as { id?: string; userId?: string }
  const userId = name === 'sessions.changed' ? p.id && (await owners.session(p.id)) : p.userId
  return userId ? [OWNER_ROOM, `user:${userId}`] : [OWNER_ROOM]
}
