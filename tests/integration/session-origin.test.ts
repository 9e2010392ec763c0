// Where a conversation came from (issue 15: "filter conversations by where they came from"): each
// way in marks its sessions, sessions.list filters by it, and sessions from before are sorted by
// what is known of them when the migration runs. Real HTTP, real SQLite.
import Database from 'better-sqlite3'
import { Kysely, Migrator, SqliteDialect } from 'kysely'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { migrationProvider } from '../../src-main/store/migrations'
import { bootServer, tempDir, type BootedServer } from '../utils/boot'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'

const API_KEY = 'sk-test-origin-0000'
let srv: BootedServer
let llm: FakeLlm
let agent: { id: string; uuid: string; publicKey: string }

beforeAll(async () => {
  ;[srv, llm] = await Promise.all([bootServer(), startFakeLlm({ apiKey: API_KEY })])
  const provider = (await srv.api('POST', '/api/providers', { name: 'Fake LLM', baseUrl: llm.baseUrl, apiKey: API_KEY })).body
  await srv.api('POST', `/api/providers/${provider.id}/refresh-models`)
  agent = (await srv.api('POST', '/api/agents', { name: 'Desk', providerId: provider.id, model: 'fake-chat' })).body
  agent = (await srv.api('PUT', `/api/agents/${agent.id}`, { published: true })).body
})
afterAll(async () => {
  await Promise.all([srv?.close(), llm?.close()])
})

describe('sessions.list?origin=', () => {
  test('studio, the chat protocol (phone page, widget), /v1 and a scheduled run each mark their sessions', async () => {
    const studio = (await srv.api('POST', '/api/sessions', { agentId: agent.id })).body
    expect(studio.origin).toBe('studio')

    const init = await srv.api(
      'POST',
      '/chat-init',
      { app_uuid: agent.uuid, user_id: 'phone-user' },
      { token: null, headers: { 'x-agenta-key': agent.publicKey } }
    )
    expect(init.status).toBe(200)
    const v1 = await srv.api('POST', '/v1/chat/completions', { model: agent.uuid, messages: [{ role: 'user', content: 'hi' }] })
    expect(v1.status).toBe(200)
    const task = (
      await srv.api('POST', '/api/schedules', { name: 'Report', instruction: 'Report', agentId: agent.id, schedule: { type: 'daily', time: '08:00' } })
    ).body
    expect((await srv.api('POST', `/api/schedules/${task.id}/run`, { wait: true })).status).toBe(200)

    const all = (await srv.api('GET', `/api/sessions?agentId=${agent.id}`)).body as Array<{ origin: string; userId: string }>
    expect(all.map((s) => s.origin).sort()).toEqual(['api', 'chat', 'schedule', 'studio'])
    for (const origin of ['studio', 'chat', 'api', 'schedule']) {
      const only = (await srv.api('GET', `/api/sessions?agentId=${agent.id}&origin=${origin}`)).body as Array<{ origin: string }>
      expect(only.map((s) => s.origin)).toEqual([origin])
    }
    expect(all.find((s) => s.origin === 'chat')?.userId).toBe('phone-user')
    const bad = await srv.api('GET', '/api/sessions?origin=phone')
    expect(bad.status).toBe(422)
  })
})

describe('migration 008 sorts the sessions that exist', () => {
  test('task runs → schedule, the API and MCP users → api, other users → chat, the studio stays studio', async () => {
    const file = join(tempDir(), 'old.db')
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(file) }) })
    const migrator = new Migrator({ db, provider: migrationProvider })
    expect((await migrator.migrateTo('006_provider_timeouts')).error).toBeUndefined()
    const now = Date.now()
    await db
      .insertInto('agents')
      .values({
        id: 'a',
        uuid: 'u',
        name: 'A',
        description: '',
        avatar: '',
        system_prompt: '',
        params: '{}',
        welcome_message: '',
        quick_phrases: '[]',
        theme: '{}',
        card_templates: '[]',
        max_steps: 5,
        published: 0,
        allowed_origins: '[]',
        created_at: now,
        updated_at: now
      })
      .execute()
    const users = { s1: 'studio', s2: 'scheduler', s3: 'openai-api', s4: 'mcp', s5: 'visitor-42', s6: 'someone' }
    for (const [id, user] of Object.entries(users))
      await db.insertInto('chat_sessions').values({ id, agent_id: 'a', user_id: user, title: '', created_at: now, updated_at: now }).execute()
    // s6 belongs to a task run although its user is not the scheduler's.
    await db
      .insertInto('schedules')
      .values({
        id: 't',
        name: 'T',
        instruction: 'x',
        agent_id: 'a',
        model_override: null,
        schedule: '{}',
        timezone: 'UTC',
        loop_count: 0,
        run_count: 0,
        enabled: 1,
        missed_policy: 'skip',
        delivery: '[]',
        next_run_at: null,
        timeout_sec: 60,
        created_at: now,
        updated_at: now
      })
      .execute()
    await db
      .insertInto('schedule_runs')
      .values({
        id: 'r',
        schedule_id: 't',
        session_id: 's6',
        status: 'ok',
        output: '',
        error: null,
        started_at: now,
        ended_at: now,
        run_id: null,
        run_trigger: 'manual',
        scheduled_for: null,
        deliveries: null
      })
      .execute()

    expect((await migrator.migrateToLatest()).error).toBeUndefined()
    const rows = await db.selectFrom('chat_sessions').select(['id', 'origin']).orderBy('id').execute()
    expect(Object.fromEntries(rows.map((r) => [r.id, r.origin]))).toEqual({ s1: 'studio', s2: 'schedule', s3: 'api', s4: 'api', s5: 'chat', s6: 'schedule' })
    await db.destroy()
  })
})
