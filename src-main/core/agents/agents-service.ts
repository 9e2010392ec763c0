import type { Kysely } from 'kysely'
import type { z } from 'zod'
import { AppError, fieldError } from '../../contract/errors'
import type { Agent, AgentCreate, AgentUpdate } from '../../contract/entities'
import type { DB } from '../../store/schema'
import { agentColumns, agentsRepo, toAgent, type AgentRow } from '../../store/repos/agents'
import type { StudioEvents } from '../events'
import { newId, newSecret } from '../util/ids'

export type AgentsService = ReturnType<typeof agentsService>

/** Refuses an avatar choice that names no digital human (the registry's checkChoice). */
export type AvatarCheck = (choice: Agent['digitalHuman'] | undefined) => Promise<void>

export function agentsService(db: Kysely<DB>, events: StudioEvents, checkAvatars: AvatarCheck = async () => {}) {
  const repo = agentsRepo(db)

  async function row(idOrUuid: string): Promise<AgentRow> {
    const r = await repo.find(idOrUuid)
    if (!r) throw new AppError('not_found', `No agent with id or uuid ${idOrUuid}`)
    return r
  }

  async function checkProvider(providerId: string | null | undefined) {
    if (!providerId) return
    const p = await db.selectFrom('providers').select('id').where('id', '=', providerId).executeTakeFirst()
    if (!p) throw fieldError('providerId', 'no_provider', { id: providerId }, `no provider with id ${providerId}`)
  }

  /**
   * The model a new agent gets when the caller names none: the only enabled chat model of an
   * enabled provider. With several to choose from, picking one would be a guess, so none.
   */
  async function onlyChatModel(): Promise<{ providerId: string; model: string } | null> {
    const rows = await db
      .selectFrom('models')
      .innerJoin('providers', 'providers.id', 'models.provider_id')
      .select(['models.provider_id as providerId', 'models.model_id as model'])
      .where('models.type', '=', 'chat')
      .where('models.enabled', '=', 1)
      .where('providers.enabled', '=', 1)
      .limit(2)
      .execute()
    return rows.length === 1 ? rows[0]! : null
  }

  return {
    /** The stored row, for the runtime (public key, allowed origins). */
    row,
    list: async () => (await repo.list()).map(toAgent),
    get: async (idOrUuid: string) => toAgent(await row(idOrUuid)),

    /** `uuid`: an agent arriving from another machine keeps its identity (core/agents/agent-bundle.ts). */
    async create(input: z.output<typeof AgentCreate>, opts: { uuid?: string } = {}): Promise<Agent> {
      await checkProvider(input.providerId)
      await checkAvatars(input.digitalHuman)
      const only = input.providerId === undefined && input.model === undefined ? await onlyChatModel() : null
      input = { ...input, providerId: only?.providerId ?? input.providerId ?? null, model: only?.model ?? input.model ?? null }
      const now = Date.now()
      const r = {
        id: newId(),
        uuid: opts.uuid ?? newId(),
        ...(agentColumns(input) as Omit<AgentRow, 'id' | 'uuid' | 'public_key' | 'created_at' | 'updated_at'>),
        // Minted now so publishing later only flips a flag; it is useless while unpublished.
        public_key: `pk_${newSecret()}`,
        created_at: now,
        updated_at: now
      } satisfies AgentRow
      await repo.insert(r)
      events.emit('agents.changed', { id: r.id })
      return toAgent(r)
    },

    async update(idOrUuid: string, patch: z.output<typeof AgentUpdate>): Promise<Agent> {
      const current = await row(idOrUuid)
      await checkProvider(patch.providerId)
      await checkAvatars(patch.digitalHuman)
      await repo.update(current.id, { ...agentColumns(patch), updated_at: Date.now() })
      events.emit('agents.changed', { id: current.id })
      return toAgent(await row(current.id))
    },

    async rotateKey(idOrUuid: string): Promise<Agent> {
      const current = await row(idOrUuid)
      await repo.update(current.id, { public_key: `pk_${newSecret()}`, updated_at: Date.now() })
      events.emit('agents.changed', { id: current.id })
      return toAgent(await row(current.id))
    },

    async delete(idOrUuid: string): Promise<{ ok: true }> {
      const current = await row(idOrUuid)
      await repo.delete(current.id)
      events.emit('agents.changed', { id: current.id })
      return { ok: true }
    }
  }
}
