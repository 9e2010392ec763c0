import { sql, type Kysely, type Selectable } from 'kysely'
import type { DB, MemoriesTable } from '../schema'
import type { Memory } from '../../contract/memory'
import { num } from '../errors'
import { nothingToSet } from './nothing-to-set'

export type MemoryRow = Selectable<MemoriesTable>

export const toMemory = (r: MemoryRow): Memory => ({
  id: r.id,
  userId: r.user_id,
  agentId: r.agent_id,
  text: r.text,
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at)
})

/** Which memories of a user an agent reads and writes: its own, or the shared pool too. */
export interface MemoryScope {
  userId: string
  agentId: string
  shared: boolean
}

const escapeLike = (s: string) => s.replace(/[%_\\]/g, (c) => '\\' + c)

export function memoriesRepo(db: Kysely<DB>) {
  return {
    list: (f: { userId?: string; agentIds?: (string | null)[]; q?: string; limit?: number }) => {
      let q = db.selectFrom('memories').selectAll()
      if (f.userId) q = q.where('user_id', '=', f.userId)
      if (f.agentIds) {
        const ids = f.agentIds.filter((a): a is string => a !== null)
        const withShared = f.agentIds.includes(null)
        q = q.where((eb) =>
          eb.or([
            ...(ids.length ? [eb('agent_id', 'in', ids)] : []),
            ...(withShared ? [eb('agent_id', 'is', null)] : []),
            ...(!ids.length && !withShared ? [sql<boolean>`1 = 0`] : [])
          ])
        )
      }
      if (f.q) q = q.where('text', 'like', `%${escapeLike(f.q)}%`)
      return q
        .orderBy('updated_at', 'desc')
        .orderBy('id')
        .limit(f.limit ?? 1000)
        .execute()
    },
    /** Everything an agent knows about one user, newest first. */
    ofScope: (s: MemoryScope, limit = 1000) =>
      db
        .selectFrom('memories')
        .selectAll()
        .where('user_id', '=', s.userId)
        .where((eb) => (s.shared ? eb.or([eb('agent_id', '=', s.agentId), eb('agent_id', 'is', null)]) : eb('agent_id', '=', s.agentId)))
        .orderBy('updated_at', 'desc')
        .orderBy('id')
        .limit(limit)
        .execute(),
    users: async () => {
      const rows = await db
        .selectFrom('memories')
        .select(({ fn }) => ['user_id', fn.countAll<number | string>().as('count'), fn.max('updated_at').as('updated_at')])
        .groupBy('user_id')
        .orderBy('updated_at', 'desc')
        .limit(1000)
        .execute()
      return rows.map((r) => ({ userId: r.user_id, count: Number(r.count), updatedAt: num(r.updated_at as number) }))
    },
    find: (id: string) => db.selectFrom('memories').selectAll().where('id', '=', id).executeTakeFirst(),
    insert: (row: MemoryRow) => db.insertInto('memories').values(row).execute(),
    update: async (id: string, patch: Partial<MemoryRow>) => {
      if (nothingToSet(patch)) return
      await db.updateTable('memories').set(patch).where('id', '=', id).execute()
    },
    delete: (id: string) => db.deleteFrom('memories').where('id', '=', id).executeTakeFirst(),
    deleteMany: (ids: string[]) => (ids.length ? db.deleteFrom('memories').where('id', 'in', ids).executeTakeFirst() : Promise.resolve(undefined)),
    /** "Forget me": every memory of the user, or only one agent's own. */
    forget: (userId: string, agentId?: string) => {
      let q = db.deleteFrom('memories').where('user_id', '=', userId)
      if (agentId) q = q.where('agent_id', '=', agentId)
      return q.executeTakeFirst()
    }
  }
}
export type MemoriesRepo = ReturnType<typeof memoriesRepo>
