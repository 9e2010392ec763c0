import type { Kysely, Selectable } from 'kysely'
import type { DB, ModelsTable, ProvidersTable } from '../schema'
import type { Model, ModelType, Provider, ProviderKind } from '../../contract/entities'
import { AppError } from '../../contract/errors'
import { bool, int, num, uniqueOr409 } from '../errors'
import { nothingToSet } from './nothing-to-set'

export type ProviderRow = Selectable<ProvidersTable>

export const toProvider = (r: ProviderRow): Provider => ({
  id: r.id,
  name: r.name,
  kind: r.kind as ProviderKind,
  baseUrl: r.base_url,
  hasApiKey: r.api_key_enc !== null,
  apiKeyHint: r.api_key_hint,
  enabled: bool(r.enabled),
  timeouts: { connectMs: num(r.connect_timeout_ms), firstTokenMs: num(r.first_token_timeout_ms), idleMs: num(r.idle_timeout_ms) },
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at)
})

export const toModel = (r: Selectable<ModelsTable>): Model => ({
  id: r.id,
  providerId: r.provider_id,
  modelId: r.model_id,
  type: r.type as ModelType,
  enabled: bool(r.enabled),
  createdAt: num(r.created_at)
})

export function providersRepo(db: Kysely<DB>) {
  const nameTaken = (name: string) => `A provider named "${name}" already exists`
  return {
    list: () => db.selectFrom('providers').selectAll().orderBy('created_at').execute(),
    find: (id: string) => db.selectFrom('providers').selectAll().where('id', '=', id).executeTakeFirst(),
    insert: (row: ProviderRow) => uniqueOr409(() => db.insertInto('providers').values(row).execute(), nameTaken(row.name)),
    update: async (id: string, patch: Partial<ProviderRow>) => {
      if (nothingToSet(patch)) return
      await uniqueOr409(() => db.updateTable('providers').set(patch).where('id', '=', id).execute(), nameTaken(patch.name ?? ''))
    },
    delete: (id: string) => db.deleteFrom('providers').where('id', '=', id).execute(),
    agentsUsing: (id: string) => db.selectFrom('agents').select(['name']).where('provider_id', '=', id).execute(),

    models: {
      list: (filter: { providerId?: string; type?: string }) => {
        let q = db.selectFrom('models').selectAll()
        if (filter.providerId) q = q.where('provider_id', '=', filter.providerId)
        if (filter.type) q = q.where('type', '=', filter.type)
        return q.orderBy('provider_id').orderBy('model_id').execute()
      },
      find: (id: string) => db.selectFrom('models').selectAll().where('id', '=', id).executeTakeFirst(),
      insert: (row: Selectable<ModelsTable>) =>
        uniqueOr409(() => db.insertInto('models').values(row).execute(), `The model "${row.model_id}" is already listed for this provider`),
      update: async (id: string, patch: { type?: string; enabled?: boolean }) => {
        const set = { ...(patch.type ? { type: patch.type } : {}), ...(patch.enabled === undefined ? {} : { enabled: int(patch.enabled) }) }
        if (nothingToSet(set)) return
        await db.updateTable('models').set(set).where('id', '=', id).execute()
      },
      delete: (id: string) => db.deleteFrom('models').where('id', '=', id).execute(),
      /** Applies a refresh in one transaction, so a failure leaves the old list whole. */
      applyRefresh: (providerId: string, add: Selectable<ModelsTable>[], remove: string[]) =>
        db.transaction().execute(async (trx) => {
          // The provider may have been deleted while its list was being fetched: that is a 404,
          // whether seen here or by the foreign key on insert (MySQL, a delete in between).
          const gone = () => new AppError('not_found', `No provider with id ${providerId}`)
          if (!(await trx.selectFrom('providers').select('id').where('id', '=', providerId).executeTakeFirst())) throw gone()
          if (remove.length) await trx.deleteFrom('models').where('provider_id', '=', providerId).where('model_id', 'in', remove).execute()
          if (add.length) {
            await trx
              .insertInto('models')
              .values(add)
              .execute()
              .catch((err: unknown) => {
                throw isForeignKeyViolation(err) ? gone() : err
              })
          }
        })
    }
  }
}

/** A row pointing at one that is gone, in either dialect. */
function isForeignKeyViolation(err: unknown): boolean {
  const e = err as { code?: string; errno?: number }
  return e?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || e?.code === 'ER_NO_REFERENCED_ROW_2' || e?.errno === 1452
}
