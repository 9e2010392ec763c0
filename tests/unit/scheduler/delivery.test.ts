import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import type { ScheduleRun } from '../../../src-main/contract/schedules'
import { deliveryService } from '../../../src-main/core/scheduler/delivery'
import type { SchedulesRepo, StoredSchedule } from '../../../src-main/store/repos/schedules'

// What the runner hands over once a run is recorded (RunDelivery.runEnded): the studio is told,
// then the result goes where the task asks and each channel's result lands on the run.

let hook: Server
let hookUrl = ''
const posted: unknown[] = []
beforeAll(async () => {
  hook = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      posted.push(JSON.parse(body))
      res.end('ok')
    })
  })
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r))
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`
})
afterAll(() => new Promise<void>((r) => hook.close(() => r())))

const task = (delivery: Partial<StoredSchedule['delivery']>): StoredSchedule =>
  ({
    id: 't1',
    name: 'Daily summary',
    instruction: 'sum up',
    agentId: 'a1',
    timezone: 'UTC',
    delivery: { notify: true, email: null, webhook: null, ...delivery }
  }) as StoredSchedule
const run = (status: ScheduleRun['status']): ScheduleRun => ({
  id: 'r1',
  scheduleId: 't1',
  sessionId: 's1',
  runId: null,
  trigger: 'schedule',
  status,
  output: 'all fine',
  error: null,
  scheduledFor: null,
  startedAt: 0,
  endedAt: 1,
  durationMs: 1,
  deliveries: []
})

function setUp() {
  const update = vi.fn(async () => ({}))
  const announce = vi.fn()
  const delivery = deliveryService({ settings: {} as never, secrets: {} as never, repo: { runs: { update } } as unknown as SchedulesRepo, announce })
  return { delivery, update, announce }
}

describe('delivery of a run that ended', () => {
  test('the studio is told (notifying as the task asks), then the webhook gets it and its result is kept on the run', async () => {
    posted.length = 0
    const { delivery, update, announce } = setUp()
    const t = task({ webhook: { url: hookUrl, headers: {} } })
    const ended = await delivery.runEnded(t, run('ok'), false)
    expect(posted).toEqual([expect.objectContaining({ output: 'all fine', schedule: expect.objectContaining({ id: 't1', name: 'Daily summary' }) })])
    expect(ended.deliveries).toEqual([expect.objectContaining({ channel: 'webhook', target: hookUrl, ok: true, error: null })])
    expect(update).toHaveBeenCalledWith('r1', { deliveries: JSON.stringify(ended.deliveries) })
    expect(announce.mock.calls.map(([, r, notify]) => [r.deliveries.length, notify])).toEqual([
      [0, true],
      [1, false]
    ])
  })

  test('a cancelled run is announced without a notification and sent nowhere', async () => {
    posted.length = 0
    const { delivery, update, announce } = setUp()
    const r = run('cancelled')
    await expect(delivery.runEnded(task({ webhook: { url: hookUrl, headers: {} } }), r, false)).resolves.toBe(r)
    expect(announce).toHaveBeenCalledExactlyOnceWith(expect.anything(), r, false)
    expect(posted).toEqual([])
    expect(update).not.toHaveBeenCalled()
  })

  test('a task deleted during its run: the studio is told, nothing is sent', async () => {
    posted.length = 0
    const { delivery, update, announce } = setUp()
    await delivery.runEnded(task({ webhook: { url: hookUrl, headers: {} } }), run('ok'), true)
    expect(announce).toHaveBeenCalledExactlyOnceWith(expect.anything(), expect.anything(), true)
    expect(posted).toEqual([])
    expect(update).not.toHaveBeenCalled()
  })

  test('a task without webhook or email: one announcement, no record to change', async () => {
    const { delivery, update, announce } = setUp()
    await delivery.runEnded(task({ notify: false }), run('error'), false)
    expect(announce).toHaveBeenCalledExactlyOnceWith(expect.anything(), expect.anything(), false)
    expect(update).not.toHaveBeenCalled()
  })
})
