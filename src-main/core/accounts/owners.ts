import type { Kysely } from 'kysely'
import type { AgentSharing } from '../../contract/accounts'
import { AppError } from '../../contract/errors'
import type { DB } from '../../store/schema'
import type { Owners } from '../access'

/** No row: an agent from before accounts (or the owner's), usable by everyone, changed by any builder. */
export const OPEN_AGENT: AgentSharing = { ownerId: null, everyone: true, people: [] }

/** Whose sessions, runs and memories are whose, and who may use each agent (the lookups dispatch's checks need). */
export function ownersLookup(db: Kysely<DB>): Owners & { sharing: ReturnType<typeof sharingRepo> } {
  const sharing = sharingRepo(db)
  return {
    sharing,
    session: async (id) => (await db.selectFrom('chat_sessions').select('user_id').where('id', '=', id).executeTakeFirst())?.user_id,
    run: async (id) =>
      (
        await db
          .selectFrom('run_steps')
          .innerJoin('chat_sessions', 'chat_sessions.id', 'run_steps.session_id')
          .select('chat_sessions.user_id')
          .where('run_steps.run_id', '=', id)
          .limit(1)
          .executeTakeFirst()
      )?.user_id,
    memory: async (id) => (await db.selectFrom('memories').select('user_id').where('id', '=', id).executeTakeFirst())?.user_id,
    agent: async (idOrUuid) => {
      const agent = await db
        .selectFrom('agents')
        .select('id')
        .where((eb) => eb.or([eb('id', '=', idOrUuid), eb('uuid', '=', idOrUuid)]))
        .executeTakeFirst()
      return agent ? sharing.get(agent.id) : undefined
    }
  }
}

const parsePeople = (text: string): string[] => {
  try {
    const v = JSON.parse(text) as unknown
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
  } catch {
    return []
  }
}

export function sharingRepo(db: Kysely<DB>) {
  const toSharing = (r: { owner_id: string | null; everyone: number; people: string }): AgentSharing => ({
    ownerId: r.owner_id,
    everyone: !!Number(r.everyone),
    people: parsePeople(r.people)
  })
  return {
    async get(agentId: string): Promise<AgentSharing> {
      const r = await db.selectFrom('agent_access').selectAll().where('agent_id', '=', agentId).executeTakeFirst()
      return r ? toSharing(r) : OPEN_AGENT
    },
    /** Every agent's, for filtering a list at once. */
    async all(): Promise<Map<string, AgentSharing>> {
      const rows = await db.selectFrom('agent_access').selectAll().execute()
      return new Map(rows.map((r) => [r.agent_id, toSharing(r)]))
    },
    async set(agentId: string, s: AgentSharing): Promise<AgentSharing> {
      const exists = await db.selectFrom('agents').select('id').where('id', '=', agentId).executeTakeFirst()
      if (!exists) throw new AppError('not_found', `No agent with id ${agentId}`)
      const values = { owner_id: s.ownerId, everyone: s.everyone ? 1 : 0, people: JSON.stringify([...new Set(s.people)]) }
      const res = await db.updateTable('agent_access').set(values).where('agent_id', '=', agentId).executeTakeFirst()
      if (!Number(res.numUpdatedRows))
        await db
          .insertInto('agent_access')
          .values({ agent_id: agentId, ...values })
          .execute()
      return this.get(agentId)
    }
  }
}
