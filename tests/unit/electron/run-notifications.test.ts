import { describe, expect, it } from 'vitest'
import { runNotification } from '../../../src-main/electron/run-notifications'
import type { ScheduleRunEvent } from '../../../src-main/contract/schedules'

const run = (patch: Partial<ScheduleRunEvent>): ScheduleRunEvent =>
  ({
    id: 'r',
    scheduleId: 's',
    sessionId: null,
    runId: null,
    trigger: 'schedule',
    status: 'ok',
    output: '',
    error: null,
    scheduledFor: null,
    startedAt: 0,
    endedAt: 1,
    scheduleName: 'Daily summary',
    notify: true,
    ...patch
  }) as ScheduleRunEvent

describe('desktop notification of a digital-employee run', () => {
  it('shows the output of a finished run, shortened', () => {
    const spec = runNotification(run({ output: 'x'.repeat(500) }))
    expect(spec?.title).toBe('✓ Daily summary')
    expect(spec?.body).toHaveLength(200)
  })
  it('shows the error of a failed run', () => {
    expect(runNotification(run({ status: 'error', error: 'provider unreachable' }))).toEqual({ title: '✗ Daily summary', body: 'provider unreachable' })
  })
  it('stays quiet while running or when the task did not ask', () => {
    expect(runNotification(run({ status: 'running' }))).toBeNull()
    expect(runNotification(run({ notify: false }))).toBeNull()
  })
})
