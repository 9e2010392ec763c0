import type { Kysely } from 'kysely'
import { BindingSettings, type AgentKnowledgeBinding } from '../../contract/knowledge'
import type { DB } from '../schema'
import { json } from '../errors'

/** Which knowledge bases an agent searches, and how (agent_knowledge_bases.settings). */
export function knowledgeBindingsRepo(db: Kysely<DB>) {
  const parse = (text: string) => {
    const r = BindingSettings.safeParse(json<unknown>(text, {}))
    // Settings written by an older version fall back to the defaults rather than break the agent.
    return r.success ? r.data : BindingSettings.parse({})
  }
  return {
    async forAgent(agentId: string): Promise<AgentKnowledgeBinding[]> {
      const rows = await db
        .selectFrom('agent_knowledge_bases as b')
        .innerJoin('knowledge_bases as kb', 'kb.id', 'b.kb_id')
        .select(['b.kb_id', 'b.settings'])
        .where('b.agent_id', '=', agentId)
        .orderBy('kb.name')
        .execute()
      return rows.map((r) => ({ kbId: r.kb_id, settings: parse(r.settings) }))
    },
    async replace(agentId: string, bindings: AgentKnowledgeBinding[]) {
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom('agent_knowledge_bases').where('agent_id', '=', agentId).execute()
        if (bindings.length) {
          await tx
            .insertInto('agent_knowledge_bases')
            .values(bindings.map((b) => ({ agent_id: agentId, kb_id: b.kbId, settings: JSON.stringify(b.settings) })))
            .execute()
        }
      })
    }
  }
}
