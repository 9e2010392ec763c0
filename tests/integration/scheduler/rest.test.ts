import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { startSmtpSink, type SmtpSink } from '../../utils/smtp-sink'
import { bootServer, type BootedServer } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'
import type { ScheduleRun } from '../../../src-main/contract/schedules'

/**
 * Digital employees through the REST API with real time: a real run against the fake model whose
 * result reaches a local webhook and a local SMTP sink, and the 422s of invalid schedules.
 */
/** A webhook receiver: /ok answers 200, /fail answers 500; every POST is kept. */
async function startHooks() {
  const calls: { path: string; headers: http.IncomingHttpHeaders; body: any }[] = []
  const waiters: ((n: number) => void)[] = []
  const server = http.createServer((req, res) => {
    let text = ''
    req.on('data', (c) => (text += c))
    req.on('end', () => {
      calls.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(text) })
      waiters.splice(0).forEach((w) => w(calls.length))
      if (req.url === '/fail') res.writeHead(500).end('database is down')
      else res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    next: () => new Promise<number>((resolve) => waiters.push(resolve)),
    close: () => new Promise<void>((r) => server.close(() => r()))
  }
}

/** A port nothing listens on: bind one, note it, release it. */
async function closedPort(): Promise<number> {
  const probe = http.createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

/** "=?UTF-8?Q?...?=" / "=?UTF-8?B?...?=" words of a header, decoded. */
function header(raw: string, name: string): string {
  const m = new RegExp(`^${name}: (.*(?:\\r?\\n[ \\t].*)*)`, 'mi').exec(raw)
  const value = (m?.[1] ?? '').replace(/\?=\s+=\?/g, '?==?').replace(/\r?\n[ \t]/g, ' ')
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_w, enc: string, text: string) =>
    enc.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1'
        ).toString('utf8')
  )
}

const credentials = { user: 'mailer', pass: 'p@ss-word' }
let s: BootedServer
let llm: FakeLlm
let sink: SmtpSink
let hooks: Awaited<ReturnType<typeof startHooks>>
let agentId: string
let providerId: string

beforeAll(async () => {
  ;[llm, sink, hooks] = await Promise.all([startFakeLlm(), startSmtpSink({ credentials, refuse: (a) => a.startsWith('nobody@') }), startHooks()])
  s = await bootServer()
  providerId = (await s.api('POST', '/api/providers', { name: 'fake', kind: 'custom', baseUrl: llm.baseUrl })).body.id
  agentId = (await s.api('POST', '/api/agents', { name: 'Reporter', providerId, model: 'fake-chat', systemPrompt: 'You write short reports.' })).body.id
})
afterAll(async () => {
  await s?.close()
  await Promise.all([llm?.close(), sink?.close(), hooks?.close()])
})

/** The final `schedules.run` event of a run (the one after delivery). */
type RunEvent = ScheduleRun & { notify: boolean; scheduleName: string }

/** The finished run's events: the first says the result (and notifies), a later one carries the deliveries. */
function deliveredRun(scheduleId: string): Promise<{ result: RunEvent; delivered: RunEvent }> {
  return new Promise((resolve) => {
    let result: RunEvent | undefined
    const off = s.runtime.events.subscribe((name, payload) => {
      const run = payload as RunEvent
      if (name !== 'schedules.run' || run.scheduleId !== scheduleId || run.status === 'running') return
      result ??= run
      if (run.deliveries.length > 0) {
        off()
        resolve({ result, delivered: run })
      }
    })
  })
}

const base = () => ({ name: 'Visitor report', instruction: 'Summarise yesterday visitor flow', agentId, timezone: 'Asia/Shanghai' })

describe('digital employees over REST', () => {
  it('rejects invalid schedules with 422 and says exactly what is wrong', async () => {
    const bad = async (patch: Record<string, unknown>) => {
      const res = await s.api('POST', '/api/schedules', { ...base(), schedule: { type: 'daily', time: '08:00' }, ...patch })
      expect(res.status, JSON.stringify(res.body)).toBe(422)
      expect(res.body.error.code).toBe('validation_failed')
      return res.body.error.message as string
    }
    expect(await bad({ schedule: { type: 'cron', expression: '61 * * * *' } })).toBe('Invalid schedule: minute 61 is out of range (0–59)')
    expect(await bad({ schedule: { type: 'cron', expression: '0 8 * *' } })).toMatch(/expected five fields .* but got 4/)
    expect(await bad({ schedule: { type: 'daily', time: '25:00' } })).toMatch(/schedule\.time: time must be HH:MM between 00:00 and 23:59/)
    expect(await bad({ schedule: { type: 'weekly', weekday: 7, time: '08:00' } })).toMatch(/weekday must be 0 \(Sunday\) to 6 \(Saturday\)/)
    expect(await bad({ schedule: { type: 'monthly', day: 32, time: '08:00' } })).toMatch(/day must be 1 to 31/)
    expect(await bad({ schedule: { type: 'interval', every: 0, unit: 'minutes' } })).toMatch(/every must be at least 1/)
    expect(await bad({ schedule: { type: 'interval', every: 5, unit: 'days' } })).toMatch(/unit must be minutes or hours/)
    expect(await bad({ schedule: { type: 'once', at: '2020-01-01T08:00' } })).toMatch(/2020-01-01T08:00 is in the past/)
    expect(await bad({ schedule: { type: 'yearly' } })).toMatch(/schedule.type must be one of interval, cron, daily, weekly, monthly, once/)
    expect(await bad({ timezone: 'Mars/Olympus' })).toMatch(/"Mars\/Olympus" is not a known IANA time zone/)
    expect(await bad({ name: 'x'.repeat(26) })).toMatch(/name: must be at most 25 characters/)
    expect(await bad({ instruction: 'x'.repeat(501) })).toMatch(/instruction: must be at most 500 characters/)
    expect(await bad({ agentId: 'nope' })).toMatch(/agentId: no agent with id nope/)
    expect(await bad({ delivery: { email: { to: 'not-an-address' } } })).toMatch(/delivery\.email\.to\.0: must be an email address/)
    expect(await bad({ delivery: { webhook: { url: 'ftp://x' } } })).toMatch(/delivery\.webhook\.url/)

    const preview = await s.api('POST', '/api/schedule-preview', { schedule: { type: 'cron', expression: '0 9 * * 1' }, timezone: 'UTC', count: 2 })
    expect(preview.status).toBe(200)
    expect(preview.body.nextRuns).toHaveLength(2)
    expect(new Date(preview.body.nextRuns[0]).getUTCDay()).toBe(1)
    expect((await s.api('POST', '/api/schedule-preview', { schedule: { type: 'cron', expression: '0 8 31 2 *' } })).body.error.message).toMatch(
      /day 31 never occurs in month 2/
    )
    expect((await s.api('GET', '/api/schedules')).body).toEqual([])
  })

  it('runs a task on its schedule end to end: agent turn, history, trace, webhook and email', async () => {
    const smtp = await s.api('PUT', '/api/scheduler/smtp', {
      host: '127.0.0.1',
      port: sink.port,
      secure: false,
      user: credentials.user,
      password: credentials.pass,
      from: 'Agenta <bot@agenta.test>'
    })
    expect(smtp.body).toEqual({
      host: '127.0.0.1',
      port: sink.port,
      secure: false,
      user: credentials.user,
      hasPassword: true,
      from: 'Agenta <bot@agenta.test>',
      configured: true
    })
    expect(JSON.stringify(await s.runtime.settings.raw.get('scheduler.smtp'))).not.toContain(credentials.pass)

    llm.script({ text: 'Yesterday 1,204 visitors came; the peak was at 14:00.' })
    const at = new Date(Date.now() + 1200).toISOString()
    const created = await s.api('POST', '/api/schedules', {
      ...base(),
      schedule: { type: 'once', at },
      delivery: { notify: true, email: { to: 'boss@example.com, ops@example.com' }, webhook: { url: `${hooks.url}/ok`, headers: { 'x-token': 'abc' } } }
    })
    expect(created.status).toBe(201)
    const task = created.body
    expect(task).toMatchObject({
      status: 'active',
      nextRunAt: Date.parse(at),
      nextRuns: [Date.parse(at)],
      missedPolicy: 'run_once',
      timeoutSeconds: 600,
      loopCount: 0
    })
    expect(task.delivery.email.to).toEqual(['boss@example.com', 'ops@example.com'])

    const { result, delivered: run } = await deliveredRun(task.id)
    // The result is announced (with the desktop notification) before e-mail and webhook are done.
    expect(result).toMatchObject({
      status: 'ok',
      trigger: 'schedule',
      scheduleName: 'Visitor report',
      notify: true,
      deliveries: [],
      output: 'Yesterday 1,204 visitors came; the peak was at 14:00.'
    })
    expect(run).toMatchObject({ id: result.id, status: 'ok', notify: false })
    expect(run.deliveries!.map((d) => [d.channel, d.ok, d.error])).toEqual([
      ['webhook', true, null],
      ['email', true, null]
    ])

    // History, with the trace of the turn.
    const runs = (await s.api('GET', `/api/schedules/${task.id}/runs`)).body
    expect(runs).toEqual([expect.objectContaining({ id: run.id, status: 'ok', output: run.output, scheduledFor: Date.parse(at) })])
    expect(runs[0].durationMs).toBeGreaterThanOrEqual(0)
    const trace = (await s.api('GET', `/api/runs/${run.runId}`)).body
    expect(trace.map((x: { kind: string; name: string }) => `${x.kind}:${x.name}`)).toEqual(['model:fake-chat'])
    const messages = (await s.api('GET', `/api/sessions/${run.sessionId}/messages`)).body
    expect(messages.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
      ['user', 'Summarise yesterday visitor flow'],
      ['assistant', run.output]
    ])
    expect((await s.api('GET', `/api/schedules/${task.id}`)).body).toMatchObject({
      status: 'finished',
      nextRunAt: null,
      runCount: 1,
      lastRun: { id: run.id, status: 'ok' }
    })

    // The webhook got {schedule, run, output} with its headers.
    const hook = hooks.calls.at(-1)!
    expect(hook.path).toBe('/ok')
    expect(hook.headers['x-token']).toBe('abc')
    expect(hook.body).toMatchObject({ schedule: { id: task.id, name: 'Visitor report', agentId }, run: { id: run.id, status: 'ok' }, output: run.output })

    // The mail went through the SMTP server with the stored (encrypted) credentials.
    const mail = sink.received.at(-1)!
    expect(mail).toMatchObject({ from: 'bot@agenta.test', to: ['boss@example.com', 'ops@example.com'], user: credentials.user })
    expect(header(mail.raw, 'Subject')).toMatch(/^Visitor report — done \(\d{4}-\d\d-\d\d \d\d:\d\d\)$/)
    expect(mail.raw).toContain('Yesterday 1,204 visitors came; the peak was at 14:00.')
    expect(mail.raw).toContain('<p>Yesterday 1,204 visitors came; the peak was at 14:00.</p>')
  })

  it('records delivery failures on the run without stopping the scheduler', async () => {
    const created = (
      await s.api('POST', '/api/schedules', {
        ...base(),
        name: 'Flaky delivery',
        schedule: { type: 'daily', time: '03:00' },
        delivery: { notify: false, email: { to: 'nobody@example.com' }, webhook: { url: `${hooks.url}/fail` } }
      })
    ).body
    const ran = await s.api('POST', `/api/schedules/${created.id}/run`, { wait: true })
    expect(ran.status).toBe(200)
    expect(ran.body).toMatchObject({ status: 'ok', trigger: 'manual', scheduledFor: null })
    expect(ran.body.deliveries).toEqual([
      expect.objectContaining({ channel: 'webhook', ok: false, error: 'answered HTTP 500: database is down' }),
      expect.objectContaining({ channel: 'email', ok: false, error: expect.stringMatching(/No such user here/) })
    ])
    // An unreachable webhook is said plainly too; the task keeps working afterwards.
    const port = await closedPort()
    await s.api('PUT', `/api/schedules/${created.id}`, { delivery: { notify: false, email: null, webhook: { url: `http://127.0.0.1:${port}/hook` } } })
    const again = (await s.api('POST', `/api/schedules/${created.id}/run`, { wait: true })).body
    expect(again.status).toBe('ok')
    expect(again.deliveries).toEqual([
      expect.objectContaining({ channel: 'webhook', ok: false, error: `cannot reach http://127.0.0.1:${port}/hook: ECONNREFUSED` })
    ])
    expect((await s.api('GET', `/api/schedules/${created.id}`)).body).toMatchObject({ status: 'active', runCount: 0 })

    const badLogin = await s.api('PUT', '/api/scheduler/smtp', { password: 'wrong' })
    expect(badLogin.body.hasPassword).toBe(true)
    const test = await s.api('POST', '/api/scheduler/smtp/test', { to: 'boss@example.com' })
    expect(test.body).toEqual({ ok: false, error: expect.stringMatching(/SMTP login as "mailer" was refused by 127\.0\.0\.1:\d+/) })
    await s.api('PUT', '/api/scheduler/smtp', { password: credentials.pass })
    expect((await s.api('POST', '/api/scheduler/smtp/test', { to: 'boss@example.com' })).body).toEqual({ ok: true })
  })

  it('edits, pauses, resumes, runs with its own model, and deletes a task with its runs', async () => {
    llm.setModels([{ id: 'fake-chat' }, { id: 'fake-chat-pro' }])
    const model = (await s.api('POST', '/api/models', { providerId, modelId: 'fake-chat-pro', type: 'chat' })).body
    const embed = (await s.api('POST', '/api/models', { providerId, modelId: 'fake-embed', type: 'embedding' })).body
    expect((await s.api('POST', '/api/schedules', { ...base(), schedule: { type: 'daily', time: '08:00' }, modelId: embed.id })).body.error.message).toMatch(
      /modelId: model .* is a embedding model, not a chat model/
    )

    const task = (
      await s.api('POST', '/api/schedules', {
        ...base(),
        name: 'Weekly',
        schedule: { type: 'weekly', weekday: 1, time: '9:00' },
        modelId: model.id,
        loopCount: 2
      })
    ).body
    expect(task.schedule).toEqual({ type: 'weekly', weekday: 1, time: '09:00' })
    expect(task.nextRuns).toHaveLength(2) // only two runs left in its loop
    const ran = (await s.api('POST', `/api/schedules/${task.id}/run`, { wait: true })).body
    expect(ran.status).toBe('ok')
    expect(llm.requests.filter((r) => r.path.endsWith('/chat/completions')).at(-1)!.body.model).toBe('fake-chat-pro')

    const paused = (await s.api('POST', `/api/schedules/${task.id}/pause`)).body
    expect(paused).toMatchObject({ status: 'paused', enabled: false, nextRuns: [] })
    const resumed = (await s.api('POST', `/api/schedules/${task.id}/resume`)).body
    expect(resumed).toMatchObject({ status: 'active', enabled: true })
    expect(new Date(resumed.nextRunAt).getUTCDay()).toBe(1)
    expect((await s.api('GET', `/api/schedules?agentId=${agentId}`)).body.map((t: { name: string }) => t.name)).toContain('Weekly')
    expect((await s.api('POST', `/api/schedules/${task.id}/cancel`)).status).toBe(409)

    expect((await s.api('DELETE', `/api/schedules/${task.id}`)).body).toEqual({ ok: true })
    expect((await s.api('GET', `/api/schedules/${task.id}`)).status).toBe(404)
    expect((await s.api('GET', `/api/sessions/${ran.sessionId}`)).status).toBe(404)
  })
})
