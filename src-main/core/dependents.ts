import type { Kysely } from 'kysely'
import { AppError } from '../contract/errors'
import type { Dependents, DependentKind } from '../contract/entities'
import type { DB } from '../store/schema'

/**
 * What a delete takes with it or leaves without: asked by a delete confirmation, so it can name
 * the agents, digital employees and chats concerned instead of deleting them silently. The agents
 * using a digital human come from the registry (core/digital-humans).
 */
export function dependentsService(db: Kysely<DB>, avatarUsers: (id: string) => Promise<Array<{ id: string; name: string }>>) {
  const named = (rows: Array<{ id: string; name: string }>) => rows.map(({ id, name }) => ({ id, name }))

  async function ofAgent(id: string): Promise<Dependents> {
    const agent = await db
      .selectFrom('agents')
      .select('id')
      .where((eb) => eb.or([eb('id', '=', id), eb('uuid', '=', id)]))
      .executeTakeFirst()
    if (!agent) throw new AppError('not_found', `No agent with id or uuid ${id}`)
    const [schedules, sessions] = await Promise.all([
      db.selectFrom('schedules').select(['id', 'name']).where('agent_id', '=', agent.id).orderBy('name').execute(),
      db
        .selectFrom('chat_sessions')
        .select(({ fn }) => fn.countAll<number | string>().as('n'))
        .where('agent_id', '=', agent.id)
        .executeTakeFirstOrThrow()
    ])
    return { agents: [], schedules: named(schedules), sessions: Number(sessions.n) }
  }

  async function ofKnowledgeBase(id: string): Promise<Dependents> {
    const kb = await db.selectFrom('knowledge_bases').select('id').where('id', '=', id).executeTakeFirst()
    if (!kb) throw new AppError('not_found', `No knowledge base with id ${id}`)
    const agents = await db
      .selectFrom('agent_knowledge_bases as b')
      .innerJoin('agents as a', 'a.id', 'b.agent_id')
      .select(['a.id', 'a.name'])
      .where('b.kb_id', '=', id)
      .orderBy('a.name')
      .execute()
    return { agents: named(agents), schedules: [], sessions: 0 }
  }

  async function ofModel(id: string): Promise<Dependents> {
    const model = await db.selectFrom('models').select(['provider_id', 'model_id']).where('id', '=', id).executeTakeFirst()
    if (!model) throw new AppError('not_found', `No model with id ${id}`)
    const [agents, schedules] = await Promise.all([
      db.selectFrom('agents').select(['id', 'name']).where('provider_id', '=', model.provider_id).where('model', '=', model.model_id).orderBy('name').execute(),
      db.selectFrom('schedules').select(['id', 'name']).where('model_override', '=', id).orderBy('name').execute()
    ])
    return { agents: named(agents), schedules: named(schedules), sessions: 0 }
  }

  return {
    get(kind: DependentKind, id: string): Promise<Dependents> {
      if (kind === 'agent') return ofAgent(id)
      if (kind === 'knowledgeBase') return ofKnowledgeBase(id)
      // A digital human: the agents whose chat or explainer avatar it is (left on the built-in avatar).
      if (kind === 'digitalHuman') return avatarUsers(id).then((agents) => ({ agents, schedules: [], sessions: 0 }))
      return ofModel(id)
    }
  }
}
