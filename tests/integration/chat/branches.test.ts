import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createConnection } from 'node:net'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Kysely, Migrator, MysqlDialect, SqliteDialect, sql } from 'kysely'
import { migrationProvider } from '../../../src-main/store/migrations'
import { bootRuntime, tempDir, type BootedRuntime } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'
import { createTempMysqlDb, mysqlServerUrl } from '../../utils/mariadb'
import { AgentCreate, type Agent } from '../../../src-main/contract/entities'
import type { ChatMessage } from '../../../src-main/contract/chat'
import { dispatch } from '../../../src-main/core/dispatch'
import { createContext, ownerContext } from '../../../src-main/core/context'
import { AppError } from '../../../src-main/contract/errors'

/**
 * Branches kept when a message is edited or an answer regenerated (core/chat/branches.ts), on the
 * desktop's SQLite and on MariaDB as a team server runs it.
 */
const server = new URL(mysqlServerUrl)
const mariadbAnswers = await new Promise<boolean>((resolve) => {
  const s = createConnection(Number(server.port || 3306), server.hostname)
  s.setTimeout(2_000, () => (s.destroy(), resolve(false)))
  s.once('connect', () => (s.destroy(), resolve(true)))
  s.once('error', () => resolve(false))
})

describe.each([
  ['SQLite', false],
  ['MariaDB', true]
] as const)('conversation branches on %s', (_name, mariadb) => {
  let b: BootedRuntime
  let llm: FakeLlm
  let agent: Agent
  let dropDb: (() => Promise<void>) | undefined

  beforeAll(async () => {
    if (mariadb && !mariadbAnswers) return
    llm = await startFakeLlm()
    const mysql = mariadb ? await createTempMysqlDb() : undefined
    dropDb = mysql?.drop
    b = await bootRuntime(mysql ? { store: { kind: 'mysql', url: mysql.url } } : {})
    const p = await b.runtime.providers.create({ name: 'fake', kind: 'custom', baseUrl: llm.baseUrl, enabled: true })
    agent = await b.runtime.agents.create(AgentCreate.parse({ name: 'Guide', providerId: p.id, model: 'fake-chat', systemPrompt: 'Be brief.' }))
  })
  afterAll(async () => {
    await b?.close()
    await dropDb?.()
    await llm?.close()
  })

  const turn = async (sessionId: string, input: Record<string, unknown>) => {
    const handle = await b.runtime.chat.startTurn({ sessionId, ...input })
    for await (const e of handle.events) void e
    return handle.done
  }
  const shown = async (sessionId: string) => (await dispatch(b.runtime, 'sessions.messages', { id: sessionId }, ownerContext())) as ChatMessage[]
  const show = async (sessionId: string, messageId: string) =>
    (await dispatch(b.runtime, 'sessions.showBranch', { id: sessionId, messageId }, ownerContext())) as ChatMessage[]
  const lastModelInput = () => {
    const calls = llm.requests.filter((r) => r.path.endsWith('/chat/completions'))
    return (calls.at(-1)!.body.messages as { role: string; content: string }[]).filter((m) => m.role !== 'system').map((m) => m.content)
  }

  it('keeps every edit as a branch, shows the one chosen, and the next turn continues it', async (ctx) => {
    if (mariadb && !mariadbAnswers) return ctx.skip()
    llm.script({ text: 'a1' }, { text: 'a2' }, { text: 'a2 second' }, { text: 'a2 third' }, { text: 'a3 on the first branch' })
    const sessionId = (await b.runtime.chat.sessions.create({ agentId: agent.id, userId: 'u1', title: '' })).id
    await turn(sessionId, { message: 'q1' })
    await turn(sessionId, { message: 'q2' })
    const q2 = (await shown(sessionId))[2]
    await turn(sessionId, { message: 'q2 second', editMessageId: q2.id })
    const second = (await shown(sessionId))[2]
    await turn(sessionId, { message: 'q2 third', editMessageId: second.id })

    let messages = await shown(sessionId)
    expect(messages.map((m) => m.content)).toEqual(['q1', 'a1', 'q2 third', 'a2 third'])
    // The edited message has three versions, oldest first; the messages before it have none.
    expect(messages[2].branches).toEqual([q2.id, second.id, messages[2].id])
    expect(messages[0].branches).toBeUndefined()
    expect(messages[3].branches).toBeUndefined()
    const third = messages[2]

    // Back to the first version: its own answer comes back with it.
    messages = await show(sessionId, q2.id)
    expect(messages.map((m) => m.content)).toEqual(['q1', 'a1', 'q2', 'a2'])
    expect(messages[2].branches).toEqual([q2.id, second.id, third.id])
    expect((await shown(sessionId)).map((m) => m.content)).toEqual(['q1', 'a1', 'q2', 'a2'])

    // The chat goes on there, and the model sees that branch only.
    await turn(sessionId, { message: 'q3' })
    expect(lastModelInput()).toEqual(['q1', 'a1', 'q2', 'a2', 'q3'])
    expect((await shown(sessionId)).map((m) => m.content)).toEqual(['q1', 'a1', 'q2', 'a2', 'q3', 'a3 on the first branch'])

    // The third version comes back as it was left; the first keeps its continuation.
    expect((await show(sessionId, third.id)).map((m) => m.content)).toEqual(['q1', 'a1', 'q2 third', 'a2 third'])
    expect((await show(sessionId, q2.id)).map((m) => m.content)).toEqual(['q1', 'a1', 'q2', 'a2', 'q3', 'a3 on the first branch'])
    // A search finds what the shown branch says, not what the others do (as when edits replaced the tail).
    expect((await b.runtime.chat.sessions.list({ agentId: agent.id, q: 'q2 third' })).map((s) => s.id)).not.toContain(sessionId)
  })

  it('keeps the old answer when regenerating, as another branch of the answer', async (ctx) => {
    if (mariadb && !mariadbAnswers) return ctx.skip()
    llm.script({ text: 'first answer' }, { text: 'second answer' }, { text: 'follow-up answer' })
    const sessionId = (await b.runtime.chat.sessions.create({ agentId: agent.id, userId: 'u1', title: '' })).id
    await turn(sessionId, { message: 'question' })
    const first = (await shown(sessionId))[1]
    await turn(sessionId, { regenerate: true })
    let messages = await shown(sessionId)
    expect(messages.map((m) => m.content)).toEqual(['question', 'second answer'])
    expect(messages[1].branches).toEqual([first.id, messages[1].id])
    // The regenerated answer was asked without the old one.
    expect(lastModelInput()).toEqual(['question'])

    messages = await show(sessionId, first.id)
    expect(messages.map((m) => m.content)).toEqual(['question', 'first answer'])
    await turn(sessionId, { message: 'and then?' })
    expect(lastModelInput()).toEqual(['question', 'first answer', 'and then?'])
  })

  it('refuses an unknown message, and a session of someone else', async (ctx) => {
    if (mariadb && !mariadbAnswers) return ctx.skip()
    const sessionId = (await b.runtime.chat.sessions.create({ agentId: agent.id, userId: 'u1', title: '' })).id
    await expect(show(sessionId, 'nope')).rejects.toMatchObject({ code: 'not_found', info: { reason: 'no_message', params: { id: 'nope' } } })
    const someoneElse = createContext({ kind: 'user', userId: 'u2', name: 'Two', role: 'member', scopes: ['chat', 'read'], via: 'session' })
    const refused = await dispatch(b.runtime, 'sessions.showBranch', { id: sessionId, messageId: 'x' }, someoneElse).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(AppError)
    expect((refused as AppError).code).toBe('forbidden')
  })
})

describe.each([
  ['SQLite', false],
  ['MariaDB', true]
] as const)('migration 012 on %s', (_name, mariadb) => {
  it('makes the messages that exist one branch, each following the one before it', async (ctx) => {
    if (mariadb && !mariadbAnswers) return ctx.skip()
    const mysql = mariadb ? await createTempMysqlDb() : undefined
    const db = new Kysely<any>({
      dialect: mysql
        ? new MysqlDialect({ pool: (await import('mysql2')).createPool({ uri: mysql.url, connectionLimit: 1 }) })
        : new SqliteDialect({ database: new Database(join(tempDir(), 'old.db')) })
    })
    try {
      const migrator = new Migrator({ db, provider: migrationProvider })
      expect((await migrator.migrateTo('009_accounts')).error).toBeUndefined()
      // Only the messages matter here: the rows they belong to are not written.
      await (mysql ? sql`SET FOREIGN_KEY_CHECKS = 0` : sql`PRAGMA foreign_keys = OFF`).execute(db)
      const row = (id: string, session: string, at: number) => ({ id, session_id: session, role: 'user', content: id, meta: '{}', created_at: at })
      await db
        .insertInto('messages')
        .values([row('s1-b', 's1', 2), row('s1-a', 's1', 1), row('s2-a', 's2', 1), row('s1-c', 's1', 3)])
        .execute()
      expect((await migrator.migrateToLatest()).error).toBeUndefined()
      const rows = await db.selectFrom('messages').select(['id', 'parent_id', 'selected', 'hidden']).orderBy('id').execute()
      expect(rows.map((r) => [r.id, r.parent_id, Number(r.selected), Number(r.hidden)])).toEqual([
        ['s1-a', null, 1, 0],
        ['s1-b', 's1-a', 1, 0],
        ['s1-c', 's1-b', 1, 0],
        ['s2-a', null, 1, 0]
      ])
    } finally {
      await db.destroy()
      await mysql?.drop()
    }
  })
})
