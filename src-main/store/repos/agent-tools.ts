import type { Kysely, Selectable } from 'kysely'
import type { AgentToolBinding } from '../../contract/entities'
import type { AgentToolsTable, DB } from '../schema'
import { bool, int, json } from '../errors'

export type AgentToolRow = Selectable<AgentToolsTable>

export const toBinding = (r: AgentToolRow): AgentToolBinding => ({
  toolId: r.tool_id,
  enabledTools: r.enabled_tools === null ? null : json<string[] | null>(r.enabled_tools, null),
  requireConfirmation: bool(r.require_confirmation)
})

export function agentToolsRepo(db: Kysely<DB>) {
  return {
    /** In the order the servers were added to the studio: the primary key alone would order by random ids. */
    forAgent: (agentId: string) =>
      db
        .selectFrom('agent_tools as at')
        .innerJoin('tools as t', 't.id', 'at.tool_id')
        .selectAll('at')
        .where('at.agent_id', '=', agentId)
        .orderBy('t.created_at')
        .orderBy('t.id')
        .execute(),
    /** Swaps the whole set at once: a failure half-way must not leave the agent with half its tools. */
    replace: (agentId: string, bindings: AgentToolBinding[]) =>
      db.transaction().execute(async (trx) => {
        await trx.deleteFrom('agent_tools').where('agent_id', '=', agentId).execute()
        if (!bindings.length) return
        await trx
          .insertInto('agent_tools')
          .values(
            bindings.map((b) => ({
              agent_id: agentId,
              tool_id: b.toolId,
              enabled_tools: b.enabledTools === null ? null : JSON.stringify(b.enabledTools),
              require_confirmation: int(b.requireConfirmation)
            }))
          )
          .execute()
      }),
    /** One binding's confirmation flag ("always allow" answered in a chat turns it off). */
    setRequireConfirmation: (agentId: string, toolId: string, on: boolean) =>
      db
        .updateTable('agent_tools')
        .set({ require_confirmation: int(on) })
        .where('agent_id', '=', agentId)
        .where('tool_id', '=', toolId)
        .execute(),
    /** Which of these tool ids exist. */
    existingToolIds: async (ids: string[]) => {
      if (!ids.length) return new Set<string>()
      const rows = await db.selectFrom('tools').select('id').where('id', 'in', ids).execute()
      return new Set(rows.map((r) => r.id))
    }
  }
}
