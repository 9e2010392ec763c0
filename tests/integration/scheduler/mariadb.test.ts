import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootRuntime, type BootedRuntime } from '../../utils/boot'
import { createTempMysqlDb } from '../../utils/mariadb'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'
import { AgentCreate } from '../../../src-main/contract/entities'
import { ScheduleCreate } from '../../../src-main/contract/schedules'
import { MEMORY_HEADING } from '../../../src-main/core/memory/memory-service'

/** Team mode: the scheduler's and memory's queries (latest run per task, pruning, grouping) on a real MariaDB. */
let b: BootedRuntime
let llm: FakeLlm
let drop: () => Promise<void>

beforeAll(async () => {
  llm = await startFakeLlm()
  // Memory extraction (the one non-streamed call) finds nothing to learn here.
  llm.onChat((body) => (body.stream ? undefined : { text: '{"operations":[]}' }))
  const db = await createTempMysqlDb()
  drop = db.drop
  b = await bootRuntime({ store: { kind: 'mysql', url: db.url }, scheduler: { keepRuns: 2 } })
})
afterAll(async () => {
  await b?.close()
  await drop?.()
  await llm?.close()
})

describe('scheduler and memory on MariaDB', () => {
  it('runs, lists with the latest run, prunes old runs with their sessions, and remembers', async () => {
    const rt = b.runtime
    const p = await rt.providers.create({ name: 'fake', kind: 'custom', baseUrl: llm.baseUrl, enabled: true })
    const agent = await rt.agents.create(AgentCreate.parse({ name: 'Clerk', providerId: p.id, model: 'fake-chat', memory: { enabled: true, shared: true } }))
    expect((await rt.agents.get(agent.id)).memory).toEqual({ enabled: true, shared: true })
    const s = await rt.scheduler.create(
      ScheduleCreate.parse({
        name: '日报',
        instruction: '汇总昨天的客流',
        agentId: agent.id,
        timezone: 'Asia/Shanghai',
        schedule: { type: 'daily', time: '08:00' }
      })
    )
    const other = await rt.scheduler.create(
      ScheduleCreate.parse({ name: 'Other', instruction: 'x', agentId: agent.id, timezone: 'UTC', schedule: { type: 'cron', expression: '0 9 * * 1' } })
    )

    const runs = []
    for (let i = 0; i < 3; i++) runs.push(await rt.scheduler.runNow(s.id, true))
    expect(runs.map((r) => r.status)).toEqual(['ok', 'ok', 'ok'])
    await rt.memory.idle()

    const listed = await rt.scheduler.list()
    expect(listed.find((t) => t.id === s.id)).toMatchObject({
      name: '日报',
      lastRun: { id: runs[2].id, status: 'ok' },
      nextRuns: [expect.any(Number), expect.any(Number), expect.any(Number)]
    })
    expect(listed.find((t) => t.id === other.id)!.lastRun).toBeNull()
    // Only the newest two runs stay, and the first run's session went with it.
    expect((await rt.scheduler.runs(s.id, { limit: 10 })).map((r) => r.id)).toEqual([runs[2].id, runs[1].id])
    expect((await rt.scheduler.runs(s.id, { limit: 1, before: runs[2].startedAt })).map((r) => r.id)).toEqual([runs[1].id])
    await expect(rt.chat.sessions.get(runs[0].sessionId!)).rejects.toMatchObject({ code: 'not_found' })

    await rt.memory.create({ userId: '访客', agentId: null, text: '对花生过敏' })
    await rt.memory.create({ userId: '访客', agentId: agent.id, text: 'Prefers tea' })
    expect(await rt.memory.users()).toEqual(expect.arrayContaining([{ userId: '访客', count: 2, updatedAt: expect.any(Number) }]))
    expect((await rt.memory.list({ agentId: agent.id, userId: '访客' })).map((m) => m.text).sort()).toEqual(['Prefers tea', '对花生过敏'])
    const session = await rt.chat.sessions.create({ agentId: agent.id, userId: '访客', title: '' })
    await (
      await rt.chat.startTurn({ sessionId: session.id, message: '有花生吗？' })
    ).done
    const system = llm.requests.filter((r) => r.body?.stream).at(-1)!.body.messages[0].content
    expect(system).toContain(MEMORY_HEADING)
    expect(system).toContain('- 对花生过敏')
    await rt.memory.idle()
    expect(await rt.memory.forget('访客')).toEqual({ deleted: 2 })

    expect(await rt.scheduler.delete(s.id)).toEqual({ ok: true })
    await expect(rt.chat.sessions.get(runs[2].sessionId!)).rejects.toMatchObject({ code: 'not_found' })
  })
})
