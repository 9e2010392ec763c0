import type { Kysely, Selectable } from 'kysely'
import type { DB, KnowledgeBasesTable } from '../schema'
import type { KnowledgeBase } from '../../contract/entities'
import { num, uniqueOr409 } from '../errors'
import { nothingToSet } from './nothing-to-set'
import { columns } from './columns'

export type KnowledgeBaseRow = Selectable<KnowledgeBasesTable>

export const toKnowledgeBase = (r: KnowledgeBaseRow & { document_count: number | string | null }): KnowledgeBase => ({
  id: r.id,
  name: r.name,
  description: r.description,
  embeddingModelId: r.embedding_model_id,
  chunkSize: num(r.chunk_size),
  chunkOverlap: num(r.chunk_overlap),
  documentCount: num(r.document_count),
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at)
})

export const knowledgeBaseColumns = (k: Partial<KnowledgeBase>): Partial<KnowledgeBaseRow> =>
  columns<KnowledgeBaseRow>({
    name: k.name,
    description: k.description,
    embedding_model_id: k.embeddingModelId,
    chunk_size: k.chunkSize,
    chunk_overlap: k.chunkOverlap
  })

export function knowledgeBasesRepo(db: Kysely<DB>) {
  const withCount = () =>
    db
      .selectFrom('knowledge_bases as kb')
      .selectAll('kb')
      .select((eb) => eb.selectFrom('documents as d').whereRef('d.kb_id', '=', 'kb.id').select(eb.fn.countAll<number>().as('n')).as('document_count'))
  const taken = (name?: string) => `A knowledge base named "${name}" already exists`
  return {
    list: () => withCount().orderBy('kb.created_at').execute(),
    find: (id: string) => withCount().where('kb.id', '=', id).executeTakeFirst(),
    insert: (row: KnowledgeBaseRow) => uniqueOr409(() => db.insertInto('knowledge_bases').values(row).execute(), taken(row.name)),
    update: async (id: string, patch: Partial<KnowledgeBaseRow>) => {
      if (nothingToSet(patch)) return
      await uniqueOr409(() => db.updateTable('knowledge_bases').set(patch).where('id', '=', id).execute(), taken(patch.name))
    },
    delete: (id: string) => db.deleteFrom('knowledge_bases').where('id', '=', id).execute()
  }
}
