import type { Kysely, Selectable } from 'kysely'
import type { DB, ToolsTable } from '../schema'
import type { Tool } from '../../contract/entities'
import { bool, json, num, uniqueOr409 } from '../errors'
import { nothingToSet } from './nothing-to-set'
import { boolColumn, columns } from './columns'

export type ToolRow = Selectable<ToolsTable>

export const toTool = (r: ToolRow): Tool => ({
  id: r.id,
  name: r.name,
  remark: r.remark,
  category: r.category,
  icon: r.icon,
  color: r.color,
  toolType: r.tool_type as Tool['toolType'],
  enabled: bool(r.enabled),
  config: json(r.config, { transport: 'stdio', command: '', args: [], env: {} }),
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at)
})

export const toolColumns = (t: Partial<Tool>): Partial<ToolRow> =>
  columns<ToolRow>({
    name: t.name,
    remark: t.remark,
    category: t.category,
    icon: t.icon,
    color: t.color,
    tool_type: t.toolType,
    enabled: boolColumn(t.enabled),
    transport: t.config?.transport,
    config: t.config && JSON.stringify(t.config)
  })

export function toolsRepo(db: Kysely<DB>) {
  const taken = (name?: string) => `A tool named "${name}" already exists`
  return {
    list: () => db.selectFrom('tools').selectAll().orderBy('created_at').execute(),
    find: (id: string) => db.selectFrom('tools').selectAll().where('id', '=', id).executeTakeFirst(),
    insert: (row: ToolRow) => uniqueOr409(() => db.insertInto('tools').values(row).execute(), taken(row.name)),
    update: async (id: string, patch: Partial<ToolRow>) => {
      if (nothingToSet(patch)) return
      await uniqueOr409(() => db.updateTable('tools').set(patch).where('id', '=', id).execute(), taken(patch.name))
    },
    delete: (id: string) => db.deleteFrom('tools').where('id', '=', id).execute()
  }
}
