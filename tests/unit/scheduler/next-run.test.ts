import { describe, expect, it } from 'vitest'
import { checkCron, checkSchedule, nextAfter, nextRuns, onceInstant } from '../../../src-main/core/scheduler/next-run'
import { zonedToUtc } from '../../../src-main/core/scheduler/zoned-time'
import { AppError } from '../../../src-main/contract/errors'
import type { ScheduleSpec } from '../../../src-main/contract/schedules'

const at = (iso: string) => Date.parse(iso)
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
const runs = (spec: ScheduleSpec, tz: string, after: string, count = 3) => nextRuns(spec, tz, { after: at(after), count }).map(iso)
const cronError = (expression: string) => {
  try {
    checkCron(expression)
  } catch (err) {
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('validation_failed')
    return (err as AppError).message
  }
  return 'valid'
}

describe('wall-clock time in a zone', () => {
  it('turns local times into instants, also across daylight-saving changes', () => {
    expect(iso(zonedToUtc(2026, 1, 31, 8, 0, 'Asia/Shanghai'))).toBe('2026-01-31T00:00:00.000Z')
    expect(iso(zonedToUtc(2026, 7, 1, 8, 0, 'America/New_York'))).toBe('2026-07-01T12:00:00.000Z')
    // 02:30 does not exist in Berlin on 29 March 2026: it runs at 03:30 local (01:30Z).
    expect(iso(zonedToUtc(2026, 3, 29, 2, 30, 'Europe/Berlin'))).toBe('2026-03-29T01:30:00.000Z')
    // 02:30 happens twice on 25 October 2026: the first one (still summer time) counts.
    expect(iso(zonedToUtc(2026, 10, 25, 2, 30, 'Europe/Berlin'))).toBe('2026-10-25T00:30:00.000Z')
  })
})

describe('next run times', () => {
  it('daily: today if the time is still ahead, else tomorrow, in the task zone', () => {
    expect(runs({ type: 'daily', time: '08:00' }, 'Asia/Shanghai', '2026-01-30T23:00:00Z')).toEqual([
      '2026-01-31T00:00:00.000Z',
      '2026-02-01T00:00:00.000Z',
      '2026-02-02T00:00:00.000Z'
    ])
    expect(runs({ type: 'daily', time: '08:00' }, 'Asia/Shanghai', '2026-01-31T00:00:00Z', 1)).toEqual(['2026-02-01T00:00:00.000Z'])
    // Across the spring-forward night the task still runs every day.
    expect(runs({ type: 'daily', time: '02:30' }, 'Europe/Berlin', '2026-03-28T12:00:00Z')).toEqual([
      '2026-03-29T01:30:00.000Z',
      '2026-03-30T00:30:00.000Z',
      '2026-03-31T00:30:00.000Z'
    ])
  })

  it('weekly: the next such weekday (0 = Sunday)', () => {
    // 2026-01-31 is a Saturday.
    expect(runs({ type: 'weekly', weekday: 1, time: '09:30' }, 'UTC', '2026-01-31T12:00:00Z', 2)).toEqual([
      '2026-02-02T09:30:00.000Z',
      '2026-02-09T09:30:00.000Z'
    ])
    expect(runs({ type: 'weekly', weekday: 6, time: '13:00' }, 'UTC', '2026-01-31T12:00:00Z', 2)).toEqual([
      '2026-01-31T13:00:00.000Z',
      '2026-02-07T13:00:00.000Z'
    ])
    expect(runs({ type: 'weekly', weekday: 6, time: '11:00' }, 'UTC', '2026-01-31T12:00:00Z', 1)).toEqual(['2026-02-07T11:00:00.000Z'])
  })

  it('monthly: day 29–31 falls on the last day of shorter months', () => {
    expect(runs({ type: 'monthly', day: 31, time: '08:00' }, 'Asia/Shanghai', '2026-01-01T00:00:00Z', 4)).toEqual([
      '2026-01-31T00:00:00.000Z',
      '2026-02-28T00:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
      '2026-04-30T00:00:00.000Z'
    ])
    expect(runs({ type: 'monthly', day: 29, time: '00:00' }, 'UTC', '2028-02-01T00:00:00Z', 2)).toEqual([
      '2028-02-29T00:00:00.000Z',
      '2028-03-29T00:00:00.000Z'
    ])
    expect(runs({ type: 'monthly', day: 1, time: '06:00' }, 'UTC', '2026-12-15T00:00:00Z', 2)).toEqual(['2027-01-01T06:00:00.000Z', '2027-02-01T06:00:00.000Z'])
  })

  it('interval: every N from the previous slot, so a late wake-up does not shift the grid', () => {
    expect(runs({ type: 'interval', every: 90, unit: 'minutes' }, 'UTC', '2026-01-01T00:00:00Z')).toEqual([
      '2026-01-01T01:30:00.000Z',
      '2026-01-01T03:00:00.000Z',
      '2026-01-01T04:30:00.000Z'
    ])
    const slot = at('2026-01-01T10:00:00Z')
    // Woken 7 minutes late: the next slot is still on the 2-hour grid.
    expect(iso(nextAfter({ type: 'interval', every: 2, unit: 'hours' }, 'UTC', slot + 7 * 60_000, slot))).toBe('2026-01-01T12:00:00.000Z')
    // Woken after 5 hours: the grid skips ahead instead of catching up run by run.
    expect(iso(nextAfter({ type: 'interval', every: 2, unit: 'hours' }, 'UTC', slot + 5 * 3_600_000, slot))).toBe('2026-01-01T16:00:00.000Z')
  })

  it('once: a local time in the task zone or an absolute instant; nothing after it', () => {
    expect(iso(onceInstant('2026-12-01T08:00', 'Asia/Shanghai'))).toBe('2026-12-01T00:00:00.000Z')
    expect(iso(onceInstant('2026-12-01 08:00:30', 'UTC'))).toBe('2026-12-01T08:00:30.000Z')
    expect(iso(onceInstant('2026-12-01T08:00:00+02:00', 'Asia/Shanghai'))).toBe('2026-12-01T06:00:00.000Z')
    expect(onceInstant('2026-02-30T08:00', 'UTC')).toBeNull()
    expect(runs({ type: 'once', at: '2026-12-01T08:00:00Z' }, 'UTC', '2026-11-01T00:00:00Z')).toEqual(['2026-12-01T08:00:00.000Z'])
    expect(runs({ type: 'once', at: '2026-12-01T08:00:00Z' }, 'UTC', '2026-12-01T08:00:00Z')).toEqual([])
  })

  it('cron: five fields in the task zone, weekday and day-of-month both applying', () => {
    // Every 15 minutes 09:00–10:59 on weekdays, Shanghai time (Friday 09:50 → 10:00, 10:15, 10:30).
    expect(runs({ type: 'cron', expression: '*/15 9-10 * * 1-5' }, 'Asia/Shanghai', '2026-01-30T01:50:00Z', 3)).toEqual([
      '2026-01-30T02:00:00.000Z',
      '2026-01-30T02:15:00.000Z',
      '2026-01-30T02:30:00.000Z'
    ])
    // Friday at 10:45 → Monday 09:00.
    expect(runs({ type: 'cron', expression: '*/15 9-10 * * 1-5' }, 'Asia/Shanghai', '2026-01-30T02:45:00Z', 1)).toEqual(['2026-02-02T01:00:00.000Z'])
    // "the first Monday of the month": day 1–7 and Monday.
    expect(runs({ type: 'cron', expression: '0 9 1-7 * MON' }, 'UTC', '2026-01-31T00:00:00Z', 3)).toEqual([
      '2026-02-02T09:00:00.000Z',
      '2026-03-02T09:00:00.000Z',
      '2026-04-06T09:00:00.000Z'
    ])
    // Rare dates years apart (how fast: bench/scheduler/next-runs.ts).
    expect(runs({ type: 'cron', expression: '0 0 29 2 *' }, 'UTC', '2026-03-01T00:00:00Z', 2)).toEqual(['2028-02-29T00:00:00.000Z', '2032-02-29T00:00:00.000Z'])
    // Same rule as daily tasks on a spring-forward night.
    expect(runs({ type: 'cron', expression: '30 2 * * *' }, 'Europe/Berlin', '2026-03-28T12:00:00Z', 2)).toEqual([
      '2026-03-29T01:30:00.000Z',
      '2026-03-30T00:30:00.000Z'
    ])
  })
})

describe('invalid schedules say exactly what is wrong', () => {
  it('cron expressions', () => {
    expect(cronError('0 8 * * *')).toBe('valid')
    expect(cronError('61 * * * *')).toBe('Invalid schedule: minute 61 is out of range (0–59)')
    expect(cronError('0 24 * * *')).toMatch(/hour 24 is out of range \(0–23\)/)
    expect(cronError('0 8 * 13 *')).toMatch(/month 13 is out of range \(1–12 or JAN–DEC\)/)
    expect(cronError('0 8 * * 8')).toMatch(/weekday 8 is out of range/)
    expect(cronError('0-70 * * * *')).toMatch(/minute 70 is out of range \(0–59\) in "0-70"/)
    expect(cronError('0 8 * *')).toMatch(/expected five fields .* but got 4/)
    expect(cronError('*/5 * * * * *')).toMatch(/seconds are not supported/)
    expect(cronError('0 0 30 2 *')).toMatch(/day 30 never occurs in month 2/)
    expect(cronError('x 8 * * *')).toMatch(/"x" is not a valid minute/)
  })

  it('dates in the past, impossible dates, and schedules that never run', () => {
    const now = at('2026-06-01T00:00:00Z')
    expect(() => checkSchedule({ type: 'once', at: '2026-05-31T08:00' }, 'UTC', now)).toThrow(/2026-05-31T08:00 is in the past/)
    expect(() => checkSchedule({ type: 'once', at: '2026-06-31T08:00' }, 'UTC', now)).toThrow(/is not a real date and time/)
    // Valid field by field, but 31 April never comes.
    expect(() => checkSchedule({ type: 'cron', expression: '0 0 31 4 *' }, 'UTC', now)).toThrow(/never/)
    expect(checkSchedule({ type: 'daily', time: '08:00' }, 'Asia/Shanghai', now)).toBe(at('2026-06-01T00:00:00Z') + 24 * 3_600_000)
  })
})
