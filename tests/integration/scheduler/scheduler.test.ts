import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { rmSync } from 'node:fs'
import { bootRuntime, tempDir, type BootedRuntime } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'
import { until } from '../../utils/until'
import { AgentCreate } from '../../../src-main/contract/entities'
import { ScheduleCreate, type ScheduleRun } from '../../../src-main/contract/schedules'
import { SCHEDULED_RUN_NOTE } from '../../../src-main/core/scheduler/scheduler-service'

/**
 * The scheduler as the runtime runs it, on fake time: real SQLite, real agent turns against the
 * fake model, only the clock and timers are simulated. Each test boots its own runtime so the
 * scheduler's timer is created on the fake clock.
 */
let llm: FakeLlm
const MIN = 60_000
const HOUR = 60 * MIN

beforeAll(async () => {
  llm = await startFakeLlm()
})
afterAll(async () => {
  await llm?.close()
})

let booted: BootedRuntime[] = []
const dirs: string[] = []
afterEach(async () => {
  for (const b of booted) await b.close({ keepData: true })
  booted = []
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  vi.useRealTimers()
  llm.reset()
})

function fakeClock(iso: string) {
  // Only the clock and timers: I/O (HTTP to the fake model, SQLite) runs for real.
  vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'], now: new Date(iso) })
}

async function boot(dataDir = tempDir()) {
  if (!dirs.includes(dataDir)) dirs.push(dataDir)
  // No grace period at shutdown: its timer would wait on the fake clock.
  const b = await bootRuntime({ dataDir, scheduler: { maxSleepMs: MIN, missedGraceMs: 2 * MIN }, shutdown: { graceMs: 0 } })
  booted.push(b)
  return b.runtime
}

async function agentOn(rt: Awaited<ReturnType<typeof boot>>) {
  const p = await rt.providers.create({ name: 'fake', kind: 'custom', baseUrl: llm.baseUrl, enabled: true })
  return rt.agents.create(AgentCreate.parse({ name: 'Clerk', providerId: p.id, model: 'fake-chat', systemPrompt: 'You are a clerk.' }))
}

const task = (agentId: string, extra: Record<string, unknown>) =>
  ScheduleCreate.parse({ name: 'Report', instruction: 'Summarise visitor flow', agentId, timezone: 'UTC', ...extra })

/** Moves the fake clock and lets every run that started finish. */
async function advance(rt: Awaited<ReturnType<typeof boot>>, ms: number) {
  await vi.advanceTimersByTimeAsync(ms)
  await rt.scheduler.idle()
}

const chats = () => llm.requests.filter((r) => r.path.endsWith('/chat/completions'))

describe('scheduler on fake time', () => {
  it('runs an interval task on its grid as a full agent turn, and stops after its loop count', async () => {
    fakeClock('2026-01-30T12:00:00Z')
    const rt = await boot()
    const agent = await agentOn(rt)
    const t0 = Date.now()
    const s = await rt.scheduler.create(task(agent.id, { schedule: { type: 'interval', every: 5, unit: 'minutes' }, loopCount: 3 }))
    expect(s).toMatchObject({ status: 'active', runCount: 0, nextRunAt: t0 + 5 * MIN, nextRuns: [t0 + 5 * MIN, t0 + 10 * MIN, t0 + 15 * MIN] })

    await advance(rt, 5 * MIN - 1000)
    expect(await rt.scheduler.runs(s.id, { limit: 10 })).toEqual([])
    await advance(rt, 1000)
    const [first] = await rt.scheduler.runs(s.id, { limit: 10 })
    expect(first).toMatchObject({ status: 'ok', trigger: 'schedule', scheduledFor: t0 + 5 * MIN, output: 'You said: Summarise visitor flow', error: null })
    expect(first.durationMs).toBeGreaterThanOrEqual(0)
    // The run is a real turn: its own session as the scheduler user, the instruction as the message, traced.
    const body = chats()[0].body
    expect(body.messages[0]).toEqual({ role: 'system', content: `You are a clerk.\n\n${SCHEDULED_RUN_NOTE}` })
    expect(body.messages.at(-1)).toEqual({ role: 'user', content: 'Summarise visitor flow' })
    expect(await rt.chat.sessions.get(first.sessionId!)).toMatchObject({ agentId: agent.id, userId: 'scheduler' })
    expect((await rt.chat.runSteps(first.runId!)).map((x) => x.kind)).toEqual(['model'])
    expect(await rt.scheduler.get(s.id)).toMatchObject({ runCount: 1, nextRuns: [t0 + 10 * MIN, t0 + 15 * MIN] })

    await advance(rt, 5 * MIN)
    await advance(rt, 5 * MIN)
    expect(await rt.scheduler.get(s.id)).toMatchObject({ status: 'finished', runCount: 3, nextRunAt: null, nextRuns: [], lastRun: { status: 'ok' } })
    await advance(rt, HOUR)
    const all = await rt.scheduler.runs(s.id, { limit: 10 })
    expect(all.map((r) => r.scheduledFor)).toEqual([t0 + 15 * MIN, t0 + 10 * MIN, t0 + 5 * MIN])

    // "Run now" does not count toward the loop; resuming a finished loop starts a new count.
    await rt.scheduler.runNow(s.id, true)
    expect((await rt.scheduler.get(s.id)).runCount).toBe(3)
    const resumed = await rt.scheduler.resume(s.id)
    expect(resumed).toMatchObject({ status: 'active', runCount: 0, nextRunAt: Date.now() + 5 * MIN })
  })

  it('fires cron, daily, weekly, monthly and once tasks at their wall-clock time in the task zone', async () => {
    // Friday 30 Jan 2026, 07:50 in Shanghai; the tasks all want Saturday 31 Jan 08:00 Shanghai (00:00Z).
    fakeClock('2026-01-30T23:50:00Z')
    const rt = await boot()
    const agent = await agentOn(rt)
    const tz = 'Asia/Shanghai'
    const specs = {
      cron: { type: 'cron', expression: '0 8 * * 6' },
      daily: { type: 'daily', time: '08:00' },
      weekly: { type: 'weekly', weekday: 6, time: '08:00' },
      monthly: { type: 'monthly', day: 31, time: '08:00' },
      once: { type: 'once', at: '2026-01-31T08:00' }
    }
    const ids: Record<string, string> = {}
    for (const [name, schedule] of Object.entries(specs)) {
      const s = await rt.scheduler.create(task(agent.id, { name, schedule, timezone: tz }))
      expect(s.nextRunAt, name).toBe(Date.parse('2026-01-31T00:00:00Z'))
      ids[name] = s.id
    }
    await advance(rt, 9 * MIN)
    expect(chats()).toHaveLength(0)
    await advance(rt, MIN)
    expect(chats()).toHaveLength(5)
    const next = async (name: string) => (await rt.scheduler.get(ids[name])).nextRunAt
    expect(await next('cron')).toBe(Date.parse('2026-02-07T00:00:00Z'))
    expect(await next('daily')).toBe(Date.parse('2026-02-01T00:00:00Z'))
    expect(await next('weekly')).toBe(Date.parse('2026-02-07T00:00:00Z'))
    expect(await next('monthly')).toBe(Date.parse('2026-02-28T00:00:00Z'))
    expect(await rt.scheduler.get(ids.once)).toMatchObject({ status: 'finished', nextRunAt: null })
    for (const id of Object.values(ids)) expect((await rt.scheduler.runs(id, { limit: 5 })).map((r) => r.status)).toEqual(['ok'])

    // A day later only the daily task runs again.
    await advance(rt, 24 * HOUR)
    expect(chats()).toHaveLength(6)
  })

  it('never overlaps a run that is still going, and the timeout stops a stuck run', async () => {
    fakeClock('2026-01-30T12:00:00Z')
    const rt = await boot()
    const agent = await agentOn(rt)
    llm.onChat(() => ({ hang: true }))
    const s = await rt.scheduler.create(task(agent.id, { schedule: { type: 'interval', every: 1, unit: 'minutes' }, timeoutSeconds: 90 }))
    const events: ScheduleRun[] = []
    rt.events.subscribe((name, payload) => name === 'schedules.run' && events.push(payload as ScheduleRun))

    await vi.advanceTimersByTimeAsync(MIN)
    await until(() => llm.requests.length === 1, 'the run to reach the model')
    expect(await rt.scheduler.get(s.id)).toMatchObject({ running: true, lastRun: { status: 'running' } })
    await expect(rt.scheduler.runNow(s.id)).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/already running/) })

    await vi.advanceTimersByTimeAsync(MIN)
    let runs = await rt.scheduler.runs(s.id, { limit: 10 })
    expect(runs.map((r) => r.status)).toEqual(['skipped', 'running'])
    expect(runs[0].error).toMatch(/previous run \(started 2026-01-30 12:01\) was still going/)
    expect(llm.requests).toHaveLength(1)

    // 90 s after it started the run is stopped; the model request is aborted.
    await vi.advanceTimersByTimeAsync(30_000)
    await rt.scheduler.idle()
    runs = await rt.scheduler.runs(s.id, { limit: 10 })
    expect(runs.map((r) => r.status)).toEqual(['skipped', 'timeout'])
    expect(runs[1].error).toBe('The run did not finish within 90 s and was stopped')
    await until(() => llm.requests[0].aborted, 'the stopped run to abort its model request')
    expect(events.filter((e) => e.id === runs[1].id).map((e) => e.status)).toEqual(['running', 'timeout'])

    // The next slot starts a fresh run; the user stops it.
    await vi.advanceTimersByTimeAsync(30_000)
    await until(() => llm.requests.length === 2, 'the next run to reach the model')
    const stopped = await rt.scheduler.cancelRun(s.id)
    expect(stopped).toMatchObject({ status: 'cancelled', error: 'Stopped by the user' })
    const paused = await rt.scheduler.pause(s.id)
    expect(paused).toMatchObject({ status: 'paused', running: false, nextRunAt: null, nextRuns: [] })
    await advance(rt, 10 * MIN)
    expect(llm.requests).toHaveLength(2)
  })

  it("after downtime, missed runs follow each task's policy; a run left running by a crash is marked failed", async () => {
    fakeClock('2026-01-30T07:00:00Z')
    const dataDir = tempDir()
    let rt = await boot(dataDir)
    const agent = await agentOn(rt)
    const catchUp = await rt.scheduler.create(task(agent.id, { name: 'catch up', schedule: { type: 'daily', time: '08:00' }, missedPolicy: 'run_once' }))
    const skipper = await rt.scheduler.create(task(agent.id, { name: 'skipper', schedule: { type: 'daily', time: '08:00' }, missedPolicy: 'skip' }))
    const slot = Date.parse('2026-01-30T08:00:00Z')
    // A crash in the middle of a run leaves its record `running`.
    await rt.store.db
      .insertInto('schedule_runs')
      .values({
        id: 'crashed',
        schedule_id: skipper.id,
        session_id: null,
        status: 'running',
        output: 'half',
        error: null,
        started_at: Date.now() - 1000,
        ended_at: null,
        run_id: null,
        run_trigger: 'manual',
        scheduled_for: null,
        deliveries: null
      })
      .execute()
    await booted.pop()!.close({ keepData: true })

    // Closed for two and a half days: two 08:00 slots passed.
    vi.setSystemTime(new Date('2026-02-01T10:30:00Z'))
    rt = await boot(dataDir)
    await rt.scheduler.idle()

    const caught = await rt.scheduler.runs(catchUp.id, { limit: 10 })
    expect(caught).toHaveLength(1)
    expect(caught[0]).toMatchObject({ status: 'ok', trigger: 'missed', scheduledFor: slot })
    const skipped = await rt.scheduler.runs(skipper.id, { limit: 10 })
    expect(skipped.map((r) => [r.id === 'crashed' ? 'crashed' : r.trigger, r.status])).toEqual([
      ['missed', 'skipped'],
      ['crashed', 'error']
    ])
    expect(skipped[0].error).toMatch(/Missed at 2026-01-30 08:00 \(UTC\) while the app was not running; this task skips missed runs/)
    expect(skipped[1]).toMatchObject({ error: 'The app stopped while this run was going (crash or forced quit)', output: 'half' })
    expect(chats()).toHaveLength(1)
    // Both go on from the next slot, counted only for the run that happened.
    expect(await rt.scheduler.get(catchUp.id)).toMatchObject({ runCount: 1, nextRunAt: Date.parse('2026-02-02T08:00:00Z') })
    expect(await rt.scheduler.get(skipper.id)).toMatchObject({ runCount: 0, nextRunAt: Date.parse('2026-02-02T08:00:00Z') })

    // A slot that comes while the app runs is on time, whatever the policy.
    await advance(rt, 21 * HOUR + 30 * MIN)
    expect((await rt.scheduler.runs(skipper.id, { limit: 1 }))[0]).toMatchObject({ trigger: 'schedule', status: 'ok' })
  })

  it('stops a run when the app closes and records it as cancelled', async () => {
    fakeClock('2026-01-30T12:00:00Z')
    const dataDir = tempDir()
    let rt = await boot(dataDir)
    const agent = await agentOn(rt)
    llm.onChat(() => ({ hang: true }))
    const s = await rt.scheduler.create(task(agent.id, { schedule: { type: 'daily', time: '23:00' } }))
    await rt.scheduler.runNow(s.id)
    await until(() => llm.requests.length === 1, 'the run to reach the model')
    await booted.pop()!.close({ keepData: true })
    rt = await boot(dataDir)
    expect(await rt.scheduler.runs(s.id, { limit: 5 })).toEqual([
      expect.objectContaining({ status: 'cancelled', trigger: 'manual', error: 'The app was closing, so the run was stopped' })
    ])
  })

  it('edits recompute the next run; a model that disappeared fails the run with a clear error', async () => {
    fakeClock('2026-01-30T12:00:00Z')
    const rt = await boot()
    const agent = await agentOn(rt)
    const model = await rt.providers.models.create({ providerId: agent.providerId!, modelId: 'fake-chat', type: 'chat' })
    const s = await rt.scheduler.create(task(agent.id, { schedule: { type: 'daily', time: '18:00' }, modelId: model.id }))
    expect(s.nextRunAt).toBe(Date.parse('2026-01-30T18:00:00Z'))
    const moved = await rt.scheduler.update(s.id, { schedule: { type: 'weekly', weekday: 1, time: '09:00' }, timezone: 'Asia/Shanghai' })
    expect(moved.nextRunAt).toBe(Date.parse('2026-02-02T01:00:00Z'))
    expect((await rt.scheduler.update(s.id, { name: 'Renamed' })).nextRunAt).toBe(moved.nextRunAt)
    expect(await rt.scheduler.update(s.id, { enabled: false })).toMatchObject({ status: 'paused', nextRunAt: null })

    await rt.providers.models.delete(model.id)
    const run = await rt.scheduler.runNow(s.id, true)
    expect(run).toMatchObject({ status: 'error', error: 'The model chosen for this task no longer exists: pick another one' })
  })
})
