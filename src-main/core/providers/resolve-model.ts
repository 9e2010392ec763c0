import type { Kysely } from 'kysely'
import type { Model, ModelType } from '../../contract/entities'
import { AppError, fieldError } from '../../contract/errors'
import type { DB } from '../../store/schema'
import { providersRepo, toModel } from '../../store/repos/providers'

/**
 * The one way to turn a stored model id into a model of the kind a feature needs (a chat model for
 * a turn or a task, an embedding model for a knowledge base, rerank, tts, stt). A missing model and
 * a model of another kind are the same fault wherever they are met — when a request names the model
 * or when a run finds it changed since — so both are one 422 on the field that named it
 * (`no_model` / `model_wrong_type`, translated in the studio).
 */
export async function resolveModel(db: Kysely<DB>, id: string, kind: ModelType, field = 'modelId'): Promise<Model> {
  const r = await providersRepo(db).models.find(id)
  if (!r) throw fieldError(field, 'no_model', { id }, `no model with id ${id}`)
  if (r.type !== kind) throw fieldError(field, 'model_wrong_type', { id, type: r.type, wanted: kind }, `model ${id} is a ${r.type} model, not a ${kind} model`)
  return toModel(r)
}

/** Whether an error is resolveModel saying the model no longer exists (a run words that for its history). */
export const isNoModel = (err: unknown): boolean => err instanceof AppError && !!err.info.fields?.some((f) => f.code === 'no_model')
