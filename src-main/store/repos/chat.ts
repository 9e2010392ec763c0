import type { Kysely, Selectable } from 'kysely'
import type { ChatSessionsTable, DB, MessagesTable, RunStepsTable } from '../schema'
import { MessageMeta, SessionOrigin, type ChatMessage, type ChatSession, type RunStep } from '../../contract/chat'
import { json, num } from '../errors'
import { nothingToSet } from './nothing-to-set'
import { log } from '../../base/log'

/** A token count as stored; rows from before chunks were validated may hold "0a" or "a": unknown, 0. */
const count = (v: unknown): number => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN
  return Number.isFinite(n) && n >= 0 ? n : 0
}

/**
 * A message's meta as stored. What the contract refuses must not make a session unreadable (its
 * messages endpoint and every later turn's history read it): token counts are read as numbers,
 * other fields that do not fit are left out, with a log line.
 */
function readMeta(text: string | null, messageId: string): MessageMeta {
  const raw = json<unknown>(text, {})
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {}
  if (MessageMeta.safeParse(raw).success) return raw as MessageMeta
  const fields = raw as Record<string, unknown>
  const out: Record<string, unknown> = {}
  const dropped: string[] = []
  for (const [key, schema] of Object.entries(MessageMeta.shape)) {
    if (fields[key] === undefined) continue
    const usage = key === 'usage' ? (fields.usage as { promptTokens?: unknown; completionTokens?: unknown } | null) : undefined
    const value = usage !== undefined ? { promptTokens: count(usage?.promptTokens), completionTokens: count(usage?.completionTokens) } : fields[key]
    const parsed = schema.safeParse(value)
    if (parsed.success) out[key] = parsed.data
    else dropped.push(key)
  }
  log.warn({ messageId, dropped }, 'stored message meta did not fit the contract; read what fits')
  return out as MessageMeta
}

export const toSession = (r: Selectable<ChatSessionsTable>): ChatSession => ({
  id: r.id,
  agentId: r.agent_id,
  userId: r.user_id,
  // Rows read before migration 007 ran in another process have none: the studio's.
  origin: (SessionOrigin.safeParse(r.origin).data ?? 'studio') as ChatSession['origin'],
  title: r.title,
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at)
})

/** A message as the turn writes it; where it goes in the tree is the store's (messages.insert). */
export type NewMessage = Omit<Selectable<MessagesTable>, 'parent_id' | 'selected' | 'hidden'>

export const toMessage = (r: Selectable<MessagesTable>): ChatMessage => ({
  id: r.id,
  sessionId: r.session_id,
  role: r.role as ChatMessage['role'],
  content: r.content,
  meta: readMeta(r.meta, r.id),
  createdAt: num(r.created_at)
})

export const toStep = (r: Selectable<RunStepsTable>): RunStep => ({
  id: r.id,
  runId: r.run_id,
  sessionId: r.session_id,
  kind: r.kind as RunStep['kind'],
  name: r.name,
  input: r.input,
  output: r.output,
  error: r.error,
  tokensIn: count(r.tokens_in),
  tokensOut: count(r.tokens_out),
  startedAt: num(r.started_at),
  endedAt: r.ended_at === null ? null : num(r.ended_at)
})

export function chatRepo(db: Kysely<DB>) {
  return {
    sessions: {
      find: (id: string) => db.selectFrom('chat_sessions').selectAll().where('id', '=', id).executeTakeFirst(),
      list: (f: { agentId?: string; userId?: string; q?: string; origin?: string }) => {
        let q = db.selectFrom('chat_sessions').selectAll()
        if (f.agentId) q = q.where('agent_id', '=', f.agentId)
        if (f.origin) q = q.where('origin', '=', f.origin)
        if (f.userId) q = q.where('user_id', '=', f.userId)
        if (f.q) {
          const like = `%${f.q.replace(/[%_\\]/g, (c) => '\\' + c)}%`
          // A session matches by its title or by anything said on the branch it shows.
          q = q.where((eb) =>
            eb.or([
              eb('title', 'like', like),
              eb.exists(
                eb
                  .selectFrom('messages as m')
                  .select('m.id')
                  .whereRef('m.session_id', '=', 'chat_sessions.id')
                  .where('m.hidden', '=', 0)
                  .where('m.content', 'like', like)
              )
            ])
          )
        }
        return q.orderBy('updated_at', 'desc').limit(500).execute()
      },
      insert: (row: Selectable<ChatSessionsTable>) => db.insertInto('chat_sessions').values(row).execute(),
      update: async (id: string, patch: Partial<Selectable<ChatSessionsTable>>) => {
        if (nothingToSet(patch)) return
        await db.updateTable('chat_sessions').set(patch).where('id', '=', id).execute()
      },
      /** Names a session after its first message; one statement, so a queued turn cannot rename it afterwards. */
      titleIfUntitled: (id: string, title: string) =>
        db
          .updateTable('chat_sessions')
          .set({ title })
          .where('id', '=', id)
          .where((eb) => eb.or([eb('title', '=', ''), eb('title', 'is', null)]))
          .execute(),
      delete: (id: string) => db.deleteFrom('chat_sessions').where('id', '=', id).execute()
    },
    messages: {
      /** The branch shown now, oldest first (other branches are kept, hidden: migration 012). */
      list: (sessionId: string) =>
        db.selectFrom('messages').selectAll().where('session_id', '=', sessionId).where('hidden', '=', 0).orderBy('created_at').orderBy('id').execute(),
      /** The newest `limit` messages of the branch shown, oldest first: history windows never read a whole long session. */
      recent: async (sessionId: string, limit: number) =>
        (
          await db
            .selectFrom('messages')
            .selectAll()
            .where('session_id', '=', sessionId)
            .where('hidden', '=', 0)
            .orderBy('created_at', 'desc')
            .orderBy('id', 'desc')
            .limit(limit)
            .execute()
        ).reverse(),
      find: (id: string) => db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst(),
      /** Appends a message to the branch shown: it follows the branch's last message. */
      insert: async (row: NewMessage) => {
        const last = await db
          .selectFrom('messages')
          .select('id')
          .where('session_id', '=', row.session_id)
          .where('hidden', '=', 0)
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst()
        await db
          .insertInto('messages')
          .values({ ...row, parent_id: last?.id ?? null, selected: 1, hidden: 0 })
          .execute()
      },
      update: async (id: string, patch: Partial<Selectable<MessagesTable>>) => {
        if (nothingToSet(patch)) return
        await db.updateTable('messages').set(patch).where('id', '=', id).execute()
      },
      /** Every message of the session, all branches, as a tree needs them (no contents). */
      tree: (sessionId: string) =>
        db
          .selectFrom('messages')
          .select(['id', 'parent_id', 'selected', 'hidden', 'created_at'])
          .where('session_id', '=', sessionId)
          .orderBy('created_at')
          .orderBy('id')
          .execute(),
      /** Makes `id` the child of `parentId` (NULL: a first message) shown from now on. */
      select: async (sessionId: string, parentId: string | null, id: string | null) => {
        await db
          .updateTable('messages')
          .set({ selected: 0 })
          .where('session_id', '=', sessionId)
          .where('parent_id', parentId === null ? 'is' : '=', parentId)
          .execute()
        if (id) await db.updateTable('messages').set({ selected: 1 }).where('id', '=', id).execute()
      },
      setHidden: async (ids: string[], hidden: boolean) => {
        for (let i = 0; i < ids.length; i += 500)
          await db
            .updateTable('messages')
            .set({ hidden: hidden ? 1 : 0 })
            .where('id', 'in', ids.slice(i, i + 500))
            .execute()
      }
    },
    steps: {
      insert: (row: Selectable<RunStepsTable>) => db.insertInto('run_steps').values(row).execute(),
      update: async (id: string, patch: Partial<Selectable<RunStepsTable>>) => {
        if (nothingToSet(patch)) return
        await db.updateTable('run_steps').set(patch).where('id', '=', id).execute()
      },
      forRun: (runId: string) => db.selectFrom('run_steps').selectAll().where('run_id', '=', runId).orderBy('started_at').orderBy('id').execute()
    }
  }
}
export type ChatRepo = ReturnType<typeof chatRepo>
