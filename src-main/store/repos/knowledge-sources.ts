import type { Kysely, Selectable } from 'kysely'
import type { DB } from '../schema'
import { uniqueOr409 } from '../errors'
import { knowledgeDb, type KnowledgeSourcesTable } from './knowledge-schema'
import { nothingToSet } from './nothing-to-set'

export type SourceRow = Selectable<KnowledgeSourcesTable>

export function knowledgeSourcesRepo(base: Kysely<DB>) {
  const db = knowledgeDb(base)
  const taken = (name?: string) => `A source named "${name}" already exists in this knowledge base`
  return {
    list: (kbId: string) => db.selectFrom('knowledge_sources').selectAll().where('kb_id', '=', kbId).orderBy('created_at').execute(),
    all: () => db.selectFrom('knowledge_sources').selectAll().execute(),
    find: (id: string) => db.selectFrom('knowledge_sources').selectAll().where('id', '=', id).executeTakeFirst(),
    insert: (row: SourceRow) => uniqueOr409(() => db.insertInto('knowledge_sources').values(row).execute(), taken(row.name)),
    update: async (id: string, patch: Partial<SourceRow>) => {
      if (nothingToSet(patch)) return
      await uniqueOr409(() => db.updateTable('knowledge_sources').set(patch).where('id', '=', id).execute(), taken(patch.name))
    },
    delete: (id: string) => db.deleteFrom('knowledge_sources').where('id', '=', id).execute(),
    /** Syncs that a restart interrupted or that were asked for and not run. */
    unfinished: () => db.selectFrom('knowledge_sources').selectAll().where('sync_state', 'in', ['queued', 'running']).execute()
  }
}
