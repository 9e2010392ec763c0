import type { Kysely, Selectable } from 'kysely'
import type { DB } from '../schema'
import { knowledgeDb, type KbKnowledgeBasesTable } from './knowledge-schema'
import { nothingToSet } from './nothing-to-set'

export type KbStateRow = Selectable<KbKnowledgeBasesTable>

/** Which vector collection and embedding model serve a knowledge base, and the one being built. */
export function knowledgeCollectionsRepo(base: Kysely<DB>) {
  const db = knowledgeDb(base)
  return {
    find: (kbId: string) => db.selectFrom('knowledge_bases').selectAll().where('id', '=', kbId).executeTakeFirst(),
    update: async (kbId: string, patch: Partial<KbStateRow>) => {
      if (nothingToSet(patch)) return
      await db.updateTable('knowledge_bases').set(patch).where('id', '=', kbId).execute()
    },
    /** Knowledge bases whose chosen embedding model is not the one their collection was built with. */
    needingReembed: async () => {
      const rows = await db
        .selectFrom('knowledge_bases')
        .select(['id', 'embedding_model_id', 'collection_model_id', 'collection'])
        .where('collection', 'is not', null)
        .execute()
      return rows.filter((r) => r.embedding_model_id !== r.collection_model_id).map((r) => r.id)
    },
    /**
     * A re-embed is done: the next collection serves, built with `modelId`. Unfinished documents
     * wrote into the old collection, so they are indexed again into the new one (same transaction).
     */
    swap: (kbId: string, next: string, modelId: string | null, dim: number | null) =>
      db.transaction().execute(async (tx) => {
        await tx
          .updateTable('knowledge_bases')
          .set({ collection: next, collection_model_id: modelId, collection_dim: dim, next_collection: null, next_model_id: null })
          .where('id', '=', kbId)
          .execute()
        await tx
          .updateTable('documents')
          .set({ status: 'embedding', chunks_done: 0 })
          .where('kb_id', '=', kbId)
          .where('status', 'in', ['embedding', 'indexing'])
          .execute()
      })
  }
}
