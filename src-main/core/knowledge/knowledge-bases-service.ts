import type { Kysely } from 'kysely'
import type { z } from 'zod'
import { AppError } from '../../contract/errors'
import type { KnowledgeBase, KnowledgeBaseCreate, KnowledgeBaseUpdate } from '../../contract/entities'
import type { DB } from '../../store/schema'
import { knowledgeBaseColumns, knowledgeBasesRepo, toKnowledgeBase, type KnowledgeBaseRow } from '../../store/repos/knowledge-bases'
import type { StudioEvents } from '../events'
import { resolveModel } from '../providers/resolve-model'
import { newId } from '../util/ids'

export type KnowledgeBasesService = ReturnType<typeof knowledgeBasesService>

/** What the ingestion side needs to hear about (a model change starts a re-embed; a delete drops vectors and files). */
export interface KnowledgeBaseHooks {
  afterUpdate?(kb: KnowledgeBase, before: KnowledgeBase): Promise<void> | void
  beforeDelete?(id: string): Promise<void> | void
  afterDelete?(id: string): Promise<void> | void
}

export function knowledgeBasesService(db: Kysely<DB>, events: StudioEvents, hooks: KnowledgeBaseHooks = {}) {
  const repo = knowledgeBasesRepo(db)

  async function get(id: string): Promise<KnowledgeBase> {
    const r = await repo.find(id)
    if (!r) throw new AppError('not_found', `No knowledge base with id ${id}`)
    return toKnowledgeBase(r)
  }

  const checkEmbeddingModel = async (modelId: string | null | undefined) => {
    if (modelId) await resolveModel(db, modelId, 'embedding', 'embeddingModelId')
  }

  return {
    list: async () => (await repo.list()).map(toKnowledgeBase),
    get,
    async create(input: z.output<typeof KnowledgeBaseCreate>): Promise<KnowledgeBase> {
      await checkEmbeddingModel(input.embeddingModelId)
      const now = Date.now()
      const r = {
        id: newId(),
        ...(knowledgeBaseColumns(input) as Omit<KnowledgeBaseRow, 'id' | 'created_at' | 'updated_at'>),
        created_at: now,
        updated_at: now
      }
      await repo.insert(r)
      events.emit('knowledgeBases.changed', { id: r.id })
      return get(r.id)
    },
    async update(id: string, patch: z.output<typeof KnowledgeBaseUpdate>): Promise<KnowledgeBase> {
      const current = await get(id)
      await checkEmbeddingModel(patch.embeddingModelId)
      const size = patch.chunkSize ?? current.chunkSize
      const overlap = patch.chunkOverlap ?? current.chunkOverlap
      if (overlap >= size) {
        throw new AppError('validation_failed', `Invalid request: chunkOverlap: must be smaller than chunkSize (${overlap} ≥ ${size})`, {
          issues: [{ path: 'chunkOverlap', message: 'must be smaller than chunkSize' }]
        })
      }
      await repo.update(id, { ...knowledgeBaseColumns(patch), updated_at: Date.now() })
      events.emit('knowledgeBases.changed', { id })
      const updated = await get(id)
      await hooks.afterUpdate?.(updated, current)
      return updated
    },
    async delete(id: string) {
      await get(id)
      await hooks.beforeDelete?.(id)
      await repo.delete(id)
      await hooks.afterDelete?.(id)
      events.emit('knowledgeBases.changed', { id })
      return { ok: true as const }
    }
  }
}
