import type { Kysely } from 'kysely'
import type { ChunkView } from '../../contract/knowledge'
import type { DB } from '../schema'
import { knowledgeDb } from './knowledge-schema'

export const chunkId = (docId: string, gen: number, idx: number) => `${docId}:${gen}:${idx}`

export interface StoredChunk {
  index: number
  text: string
  headingPath: string[]
  page?: number
  charStart: number
}

export const toChunkView = (docId: string, gen: number, c: StoredChunk): ChunkView => ({
  id: chunkId(docId, gen, c.index),
  index: c.index,
  text: c.text,
  headingPath: c.headingPath,
  page: c.page ?? null,
  charStart: c.charStart
})

/**
 * The chunks of every version being ingested or served, so they can be shown and re-embedded
 * without the source. One row per version: the document text and each chunk's slice of it.
 */
export function knowledgeChunksRepo(base: Kysely<DB>) {
  const db = knowledgeDb(base)
  return {
    /** Replaces one version's chunks (one row, so a crash leaves all or nothing). */
    async saveVersion(docId: string, kbId: string, gen: number, text: string, chunks: StoredChunk[]) {
      const headings: string[][] = []
      const headingIndex = new Map<string, number>()
      const slices = chunks.map((c) => {
        const key = JSON.stringify(c.headingPath)
        let h = headingIndex.get(key)
        if (h === undefined) {
          h = headings.push(c.headingPath) - 1
          headingIndex.set(key, h)
        }
        return [c.charStart, c.text.length, h, c.page ?? null]
      })
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom('knowledge_versions').where('doc_id', '=', docId).where('gen', '=', gen).execute()
        await tx
          .insertInto('knowledge_versions')
          .values({ doc_id: docId, gen, kb_id: kbId, text, chunks: JSON.stringify(slices), headings: JSON.stringify(headings) })
          .execute()
      })
    },
    deleteVersion: (docId: string, gen: number) => db.deleteFrom('knowledge_versions').where('doc_id', '=', docId).where('gen', '=', gen).execute(),
    /** All chunks of a version in order; null when it was never saved. */
    async loadVersion(docId: string, gen: number): Promise<StoredChunk[] | null> {
      const r = await db
        .selectFrom('knowledge_versions')
        .select(['text', 'chunks', 'headings'])
        .where('doc_id', '=', docId)
        .where('gen', '=', gen)
        .executeTakeFirst()
      if (!r) return null
      const headings = JSON.parse(r.headings) as string[][]
      const slices = JSON.parse(r.chunks) as Array<[number, number, number, number | null]>
      return slices.map(([start, length, h, page], index) => ({
        index,
        text: r.text.slice(start, start + length),
        headingPath: headings[h] ?? [],
        ...(page === null ? {} : { page }),
        charStart: start
      }))
    }
  }
}
export type KnowledgeChunksRepo = ReturnType<typeof knowledgeChunksRepo>
