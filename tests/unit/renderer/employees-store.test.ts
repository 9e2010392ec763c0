// The digital-employee queries, SMTP settings and the memory queries against a real server and the fake LLM.
import { InfiniteQueryObserver, QueryObserver } from '@tanstack/react-query'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Memory } from '@contract/memory'
import type { ScheduleRunEvent } from '@contract/schedules'
import { createApi, type Api } from '../../../src-renderer/src/api/client'
import { ApiError, toApiError } from '../../../src-renderer/src/api/errors'
import { httpTransport } from '../../../src-renderer/src/api/http'
import { createMemoryStore, type AgentFilter } from '../../../src-renderer/src/stores/memory'
import { apiQuery } from '../../../src-renderer/src/queries/api-query'
import { createQueryClient } from '../../../src-renderer/src/queries/client'
import { apiKey } from '../../../src-renderer/src/queries/keys'
import {
  createMemory,
  forgetMemories,
  memoriesInput,
  memoriesQuery,
  pickFirst,
  removeMemory,
  updateMemory,
  type MemoryUser
} from '../../../src-renderer/src/queries/memory'
import { saveSmtp } from '../../../src-renderer/src/queries/smtp'
import {
  createSchedule,
  pauseSchedule,
  removeSchedule,
  resumeSchedule,
  runNow,
  runsQuery,
  traceQuery,
  updateSchedule
} from '../../../src-renderer/src/queries/employees'
import { applyEvent } from '../../../src-renderer/src/queries/events'
import { bootServer, type BootedServer } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'

const KEY = 'sk-fake-employees-01'
let srv: BootedServer
let llm: FakeLlm
let api: Api
let agentId: string
let otherAgentId: string

beforeAll(async () => {
  ;[srv, llm] = await Promise.all([bootServer(), startFakeLlm({ apiKey: KEY })])
  api = createApi(httpTransport(srv.url, { token: srv.token }))
  const provider = await api.call('providers.create', { name: 'Fake', baseUrl: llm.baseUrl, apiKey: KEY })
  await api.call('providers.refreshModels', { id: provider.id })
  agentId = (await api.call('agents.create', { name: 'Reporter', providerId: provider.id, model: 'fake-chat' })).id
  otherAgentId = (await api.call('agents.create', { name: 'Guide', providerId: provider.id, model: 'fake-chat' })).id
})
afterAll(() => Promise.all([srv.close(), llm.close()]))

describe('employees queries', () => {
  test('previews a schedule, or rejects with what is wrong', async () => {
    const ok = await api.call('schedules.preview', { schedule: { type: 'daily', time: '08:00' }, timezone: 'Asia/Shanghai', count: 3 })
    expect(ok.timezone).toBe('Asia/Shanghai')
    expect(ok.nextRuns).toHaveLength(3)
    expect(ok.nextRuns[1] - ok.nextRuns[0]).toBe(24 * 3600_000)

    const err = (await api.call('schedules.preview', { schedule: { type: 'cron', expression: '61 * * * *' } }).catch((e: unknown) => toApiError(e))) as ApiError
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(422)
    expect(err.issues).toEqual([{ path: 'schedule.expression', message: expect.stringContaining('minute 61 is out of range') }])
  })

  test('creates a task, runs it now, reads the run and its trace, pauses, resumes and deletes it', async () => {
    llm.script({ text: 'Report: **all good**' })
    const server = { connection: { api }, queries: createQueryClient() }
    const list = apiQuery(api, 'schedules.list')
    const tasks = () => server.queries.getQueryData(list.queryKey) ?? []
    expect(await server.queries.fetchQuery(list)).toEqual([])

    const task = await createSchedule(server, {
      name: 'Daily report',
      instruction: 'Summarise the day',
      agentId,
      schedule: { type: 'interval', every: 2, unit: 'hours' },
      timezone: 'UTC'
    })
    expect(tasks().map((x) => x.name)).toEqual(['Daily report'])
    expect(task).toMatchObject({ status: 'active', running: false })
    expect(task.nextRuns.length).toBeGreaterThan(0)

    // The history is open: a run started now is in it.
    const history = new InfiniteQueryObserver(server.queries, runsQuery(api, task.id))
    const unsubscribe = history.subscribe(() => undefined)
    const started = await runNow(server, task.id)
    expect(started).toMatchObject({ trigger: 'manual' })
    await expect.poll(() => history.getCurrentResult().data?.[0]?.id).toBe(started.id)
    await expect
      .poll(async () => {
        await history.refetch()
        return history.getCurrentResult().data?.[0]?.status
      })
      .toBe('ok')
    const run = history.getCurrentResult().data![0]
    expect(run.output).toBe('Report: **all good**')
    expect(history.getCurrentResult()).toMatchObject({ error: null, hasNextPage: false })
    unsubscribe()
    const steps = await server.queries.fetchQuery(traceQuery(api, run.runId!))
    expect(steps[0]).toMatchObject({ kind: 'model', name: expect.stringContaining('fake-chat') })
    // Read once, then kept.
    expect(await server.queries.fetchQuery(traceQuery(api, run.runId!))).toBe(steps)

    expect((await pauseSchedule(server, task.id)).status).toBe('paused')
    expect(tasks()[0].status).toBe('paused')
    expect((await resumeSchedule(server, task.id)).status).toBe('active')

    const edited = await updateSchedule(server, task.id, { schedule: { type: 'weekly', weekday: 1, time: '09:30' } })
    expect(edited.schedule).toEqual({ type: 'weekly', weekday: 1, time: '09:30' })
    const bad = (await updateSchedule(server, task.id, { schedule: { type: 'monthly', day: 32, time: '08:00' } }).catch((e: unknown) => e)) as ApiError
    expect(bad.issues[0]?.path).toBe('schedule.day')

    await removeSchedule(server, task.id)
    expect(tasks()).toEqual([])
    expect(server.queries.getQueryData(runsQuery(api, task.id).queryKey)).toBeUndefined()
  })

  test("events: a run event refreshes an open history and the run's trace; a change event re-reads or drops the task", async () => {
    const server = { connection: { api }, queries: createQueryClient() }
    const task = await createSchedule(server, { name: 'Watcher', instruction: 'Look around', agentId, schedule: { type: 'daily', time: '07:00' } })
    const list = new QueryObserver(server.queries, apiQuery(api, 'schedules.list'))
    const history = new InfiniteQueryObserver(server.queries, runsQuery(api, task.id))
    const unsubscribe = [list.subscribe(() => undefined), history.subscribe(() => undefined)]
    await expect.poll(() => history.getCurrentResult().isSuccess && list.getCurrentResult().isSuccess).toBe(true)
    expect(history.getCurrentResult().data).toEqual([])

    // A run the studio did elsewhere: its event brings it into the open history.
    llm.script({ text: 'Looked' })
    const run = await api.call('schedules.runNow', { id: task.id })
    const event: ScheduleRunEvent = { ...run, scheduleName: 'Watcher', notify: false }
    applyEvent(server.queries, 'schedules.run', event)
    await expect.poll(() => history.getCurrentResult().data?.map((r) => r.id)).toEqual([run.id])
    // Its end: a trace read while it went on is read again.
    await expect.poll(async () => (await api.call('schedules.runs', { id: task.id, limit: 1 }))[0].status).toBe('ok')
    const ended = (await api.call('schedules.runs', { id: task.id, limit: 1 }))[0]
    await server.queries.fetchQuery(traceQuery(api, ended.runId!))
    applyEvent(server.queries, 'schedules.run', { ...ended, scheduleName: 'Watcher', notify: true })
    await expect.poll(() => history.getCurrentResult().data?.map((r) => [r.id, r.status, r.output])).toEqual([[run.id, 'ok', 'Looked']])
    expect(server.queries.getQueryState(traceQuery(api, ended.runId!).queryKey)?.isInvalidated).toBe(true)

    // Deleted elsewhere: the change event finds it gone.
    await api.call('schedules.delete', { id: task.id })
    applyEvent(server.queries, 'schedules.changed', { id: task.id })
    await expect.poll(() => list.getCurrentResult().data?.length).toBe(0)
    for (const stop of unsubscribe) stop()
  })
})

describe('smtp settings', () => {
  test('loads, saves without returning the password (the form shows what was saved), and a failed test is a result', async () => {
    const server = { connection: { api }, queries: createQueryClient() }
    const smtp = apiQuery(api, 'scheduler.smtp')
    expect(await server.queries.fetchQuery(smtp)).toMatchObject({ configured: false, hasPassword: false })
    const saved = await saveSmtp(server, { host: '127.0.0.1', port: 9, secure: false, user: 'bot', password: 'secret', from: 'bot@example.com' })
    expect(saved).toMatchObject({ host: '127.0.0.1', port: 9, configured: true, hasPassword: true })
    expect(JSON.stringify(saved)).not.toContain('secret')
    expect(server.queries.getQueryData(smtp.queryKey)).toEqual(saved)
    const result = await api.call('scheduler.testSmtp', { to: 'someone@example.com' })
    expect(result.ok).toBe(false)
    expect(result.error).toBeTruthy()
    expect((await saveSmtp(server, { password: null })).hasPassword).toBe(false)
  })
})

describe('memory queries', () => {
  test('picks the latest user, filters by agent and text, edits, deletes and forgets', async () => {
    await api.call('memories.create', { userId: 'bob', text: 'Visits on Sundays' })
    const server = { connection: { api }, queries: createQueryClient() }
    const view = createMemoryStore()
    const all: AgentFilter = { kind: 'all' }
    const allKey = apiKey('memories.list', memoriesInput('alice', all))
    const shown = () => server.queries.getQueryData<Memory[]>(allKey) ?? []
    const list = (filter: AgentFilter, q?: string) =>
      new QueryObserver(server.queries, memoriesQuery(api, 'alice', filter, q)).refetch().then((r) => (r.data ?? []).map((m) => m.text))
    await createMemory(server, { userId: 'alice', agentId, text: 'Prefers green tea' })
    await createMemory(server, { userId: 'alice', agentId: otherAgentId, text: 'Asks about exhibits' })
    await createMemory(server, { userId: 'alice', text: 'Lives in Hangzhou' })

    const users = await server.queries.fetchQuery(apiQuery(api, 'memories.users'))
    expect(users.map((u) => [u.userId, u.count])).toEqual([
      ['alice', 3],
      ['bob', 1]
    ])
    pickFirst(view, users)
    expect(view.getState().userId).toBe('alice')
    expect(await list(all)).toHaveLength(3)

    expect(await list({ kind: 'shared' })).toEqual(['Lives in Hangzhou'])
    // What one agent sees: its own (its memory setting is not shared, so not the pool).
    expect(await list({ kind: 'agent', agentId })).toEqual(['Prefers green tea'])
    expect(await list(all, 'tea')).toEqual(['Prefers green tea'])

    const tea = shown().find((m) => m.text === 'Prefers green tea')!
    await updateMemory(server, tea.id, { text: 'Prefers jasmine tea' })
    expect(shown().find((m) => m.id === tea.id)?.text).toBe('Prefers jasmine tea')
    await removeMemory(server, tea.id)
    expect(shown()).toHaveLength(2)

    const err = (await createMemory(server, { userId: 'alice', text: ' ' }).catch((e: unknown) => e)) as ApiError
    expect(err.issues[0]?.path).toBe('text')

    // One agent's own memories only, then everything.
    expect(await forgetMemories(server, 'alice', otherAgentId)).toBe(1)
    expect(server.queries.getQueryState(allKey)?.isInvalidated).toBe(true)
    expect(await list(all)).toEqual(['Lives in Hangzhou'])
    expect(await forgetMemories(server, 'alice')).toBe(1)
    const cached = server.queries.getQueryData<MemoryUser[]>(apiKey('memories.users')) ?? []
    expect(cached.map((u) => u.userId)).toEqual(['bob'])
    expect((await server.queries.fetchQuery(apiQuery(api, 'memories.users'))).map((u) => u.userId)).toEqual(['bob'])
    // The page moves on to the next user.
    view.getState().select(null)
    pickFirst(view, cached)
    expect(view.getState().userId).toBe('bob')
  })
})
