import type { Kysely } from 'kysely'
import type { z } from 'zod'
import { AppError } from '../../contract/errors'
import type { Tool, ToolCreate, ToolUpdate } from '../../contract/entities'
import type { DB } from '../../store/schema'
import { toTool, toolColumns, toolsRepo, type ToolRow } from '../../store/repos/tools'
import type { StudioEvents } from '../events'
import { newId } from '../util/ids'

export type ToolsService = ReturnType<typeof toolsService>

/** MCP server configurations. Connecting to them is the MCP connection manager's job. */
export function toolsService(db: Kysely<DB>, events: StudioEvents) {
  const repo = toolsRepo(db)
  async function row(id: string): Promise<ToolRow> {
    const r = await repo.find(id)
    if (!r) throw new AppError('not_found', `No tool with id ${id}`)
    return r
  }
  return {
    list: async () => (await repo.list()).map(toTool),
    get: async (id: string) => toTool(await row(id)),
    async create(input: z.output<typeof ToolCreate>): Promise<Tool> {
      const now = Date.now()
      const r = { id: newId(), ...(toolColumns(input) as Omit<ToolRow, 'id' | 'created_at' | 'updated_at'>), created_at: now, updated_at: now }
      await repo.insert(r)
      events.emit('tools.changed', { id: r.id })
      return toTool(r)
    },
    async update(id: string, patch: z.output<typeof ToolUpdate>): Promise<Tool> {
      await row(id)
      await repo.update(id, { ...toolColumns(patch), updated_at: Date.now() })
      events.emit('tools.changed', { id })
      return toTool(await row(id))
    },
    async delete(id: string) {
      await row(id)
      await repo.delete(id)
      events.emit('tools.changed', { id })
      return { ok: true as const }
    }
  }
}
