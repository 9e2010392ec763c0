import type { Kysely, Selectable } from 'kysely'
import type { ChunkView } from '../../contract/knowledge'
import type { DB } from '../schema'
import { json, num } from '../errors'
import { knowledgeDb, type KnowledgeChunksTable } from './knowledge-schema'

export type ChunkRow = Selectable<KnowledgeChunksTable>

export const chunkId = (docId: string, gen: number, idx: number) => `${docId}:${gen}:${idx}`

export function toChunkView(r: ChunkRow): ChunkView {
  return {
    id: r.id,
    index: num(r.idx),
    text: r.text,
    headingPath: json<string[]>(r.heading_path, []),
    page: r.page === null ? null : num(r.page),
    charStart: num(r.char_start)
  }
}

// Rows per INSERT: 9 columns × 400 stays far below SQLite's and MySQL's placeholder limits.
const INSERT_ROWS = 400

/** Chunks of every version being ingested or served, so they can be shown and re-embedded without the source. */
export function knowledgeChunksRepo(base: Kysely<DB>) {
  const db = knowledgeDb(base)
  return {
    /** Replaces the chunks of one version in one transaction: a crash leaves all or none of them. */
    async replaceVersion(docId: string, gen: number, rows: ChunkRow[]) {
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom('knowledge_chunks').where('doc_id', '=', docId).where('gen', '=', gen).execute()
        for (let i = 0; i < rows.length; i += INSERT_ROWS)
          await tx
            .insertInto('knowledge_chunks')
            .values(rows.slice(i, i + INSERT_ROWS))
            .execute()
      })
    },
    deleteVersion: (docId: string, gen: number) => db.deleteFrom('knowledge_chunks').where('doc_id', '=', docId).where('gen', '=', gen).execute(),
    /** In order, from position `fromIdx`. */
    page: (docId: string, gen: number, fromIdx: number, limit: number) =>
      db
        .selectFrom('knowledge_chunks')
        .selectAll()
        .where('doc_id', '=', docId)
        .where('gen', '=', gen)
        .where('idx', '>=', fromIdx)
        .orderBy('idx')
        .limit(limit)
        .execute()
  }
}
export type KnowledgeChunksRepo = ReturnType<typeof knowledgeChunksRepo>
