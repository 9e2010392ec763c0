import cron from 'node-cron'
import { fieldError, fieldsError, type AppError } from '../../contract/errors'
import type { ErrorParams, FieldError, MessageCode } from '../../contract/messages'
import type { ScheduleSpec } from '../../contract/schedules'
import { Cron } from 'croner'
import { daysInMonth, localParts, zonedToUtc } from './zoned-time'

/**
 * When a task runs next. Pure functions of (schedule, time zone, a point in time), so every rule
 * is unit-tested without waiting; node-cron validates cron expressions (its findings name the
 * wrong field), croner steps through their matches.
 */

const FIELDS = [
  { key: 'minute', label: 'minute', min: 0, max: 59, names: '' },
  { key: 'hour', label: 'hour', min: 0, max: 23, names: '' },
  { key: 'dayOfMonth', label: 'day of month', min: 1, max: 31, names: '' },
  { key: 'month', label: 'month', min: 1, max: 12, names: ' or JAN–DEC' },
  { key: 'dayOfWeek', label: 'weekday', min: 0, max: 7, names: ' or SUN–SAT' }
] as const

const invalid = (path: string, code: MessageCode, params: ErrorParams | undefined, message: string): AppError =>
  fieldError(path, code, params, message, 'schedule', false)

/** node-cron's findings, said so a person can fix the expression ("minute 61 is out of range (0–59)"). */
function explainCronError(err: { field: string; value?: string; message: string }, parts: string[]): FieldError {
  const path = 'schedule.expression'
  const f = FIELDS.find((x) => x.key === err.field)
  if (!f) return { path, code: 'cron_bad_value', params: { field: err.field, value: err.value ?? '', min: '', max: '' }, message: err.message }
  const value = err.value ?? ''
  const range = `${f.min}–${f.max}${f.names}`
  const params = { field: f.key, value, min: f.min, max: f.max }
  const outOfRange = (value.match(/\d+/g) ?? []).map(Number).find((n) => n < f.min || n > f.max)
  if (outOfRange !== undefined)
    return {
      path,
      code: 'cron_out_of_range',
      params: { ...params, value: outOfRange },
      message: /^\d+$/.test(value) ? `${f.label} ${value} is out of range (${range})` : `${f.label} ${outOfRange} is out of range (${range}) in "${value}"`
    }
  if (/impossible/i.test(err.message))
    return {
      path,
      code: 'cron_day_never',
      params: { day: parts[2] ?? '', month: parts[3] ?? '' },
      message: `day ${parts[2]} never occurs in month ${parts[3]}`
    }
  return { path, code: 'cron_bad_value', params, message: `"${value}" is not a valid ${f.label} (${range})` }
}

/** Throws a 422 naming the problem unless the expression is a valid five-field cron expression. */
export function checkCron(expression: string): void {
  const parts = expression.trim().split(/\s+/)
  const path = 'schedule.expression'
  if (parts.length === 6) throw invalid(path, 'cron_seconds', undefined, 'use five fields (minute hour day-of-month month weekday); seconds are not supported')
  if (parts.length !== 5)
    throw invalid(path, 'cron_field_count', { count: parts.length }, `expected five fields (minute hour day-of-month month weekday) but got ${parts.length}`)
  const v = cron.validateDetailed(parts.join(' '))
  if (!v.valid)
    throw fieldsError(
      v.errors.map((e) => explainCronError(e, parts)),
      'schedule',
      false
    )
}

/** A cron expression that finds no match within this many years is refused as "never runs". */
const CRON_HORIZON_MS = 366 * 8 * 86_400_000

/** A local wall-clock time as if it were UTC: calendar stepping without a zone (see wallClockStepper). */
function wallClock(ms: number, tz: string): number {
  const p = localParts(ms, tz)
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
}

/**
 * The matches of a calendar rule in a zone. The rule steps along the zone's wall clock (croner,
 * reading it as UTC, so it never meets a daylight-saving jump); each wall-clock match becomes an
 * instant by the task's rule (zonedToUtc: a time skipped by the jump runs at the offset from
 * before it, 02:30 → 03:30; a time that occurs twice runs once). croner's own zone handling would
 * run a skipped 02:30 at 03:00, not the documented 03:30.
 */
function wallClockStepper(nextWall: (afterWall: number) => number | null, tz: string): Stepper {
  return {
    next(after) {
      let wall = wallClock(after, tz)
      // A wall-clock time may lie before `after` as an instant (the repeated hour): look further.
      for (let guard = 0; guard < 4; guard++) {
        const w = nextWall(wall)
        if (w === null) return null
        const d = new Date(w)
        const t = zonedToUtc(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), tz)
        if (t > after) return t
        wall = w
      }
      return null
    },
    dispose: () => undefined
  }
}

/** A cron rule on the wall clock; both day-of-month and weekday must match when both are given. */
function cronWall(expression: string): (afterWall: number) => number | null {
  const job = new Cron(expression.trim().split(/\s+/).join(' '), { timezone: 'Etc/UTC', mode: '5-part', domAndDow: true, paused: true })
  return (afterWall) => {
    const next = job.nextRun(new Date(afterWall))?.getTime() ?? null
    return next !== null && next - afterWall <= CRON_HORIZON_MS ? next : null
  }
}

const clock = (time: string) => time.split(':').map(Number) as [number, number]

/** The instant of a `once` schedule, or null if `at` is not a real date and time. */
export function onceInstant(at: string, tz: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(at.trim())
  if (!m) return null
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0))
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return null
  const ms = Number((m[7] ?? '0').padEnd(3, '0'))
  if (m[8]) {
    const zone = m[8] === 'Z' ? 0 : (m[8][0] === '-' ? -1 : 1) * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(-2)))
    return Date.UTC(year, month - 1, day, hour, minute, second, ms) - zone * 60_000
  }
  return zonedToUtc(year, month, day, hour, minute, tz) + second * 1000 + ms
}

type Stepper = { next(after: number): number | null; dispose(): void }

function stepper(spec: ScheduleSpec, tz: string, anchor?: number): Stepper {
  const done = () => undefined
  switch (spec.type) {
    case 'cron':
      return wallClockStepper(cronWall(spec.expression), tz)
    case 'interval': {
      const every = spec.every * (spec.unit === 'hours' ? 3_600_000 : 60_000)
      // Anchored to the previous slot so a late wake-up does not shift every later run.
      return {
        next: (after) => (anchor === undefined ? after + every : anchor > after ? anchor : anchor + (Math.floor((after - anchor) / every) + 1) * every),
        dispose: done
      }
    }
    case 'once': {
      const at = onceInstant(spec.at, tz)
      return { next: (after) => (at !== null && at > after ? at : null), dispose: done }
    }
    case 'daily':
    case 'weekly': {
      const [h, m] = clock(spec.time)
      return wallClockStepper(cronWall(`${m} ${h} * * ${spec.type === 'weekly' ? spec.weekday : '*'}`), tz)
    }
    case 'monthly': {
      const [h, m] = clock(spec.time)
      // Day 31 means "the last day" in shorter months rather than skipping them.
      return wallClockStepper((afterWall) => {
        const a = new Date(afterWall)
        for (let i = 0; i <= 2; i++) {
          const year = a.getUTCFullYear() + Math.floor((a.getUTCMonth() + i) / 12)
          const month = (a.getUTCMonth() + i) % 12
          const w = Date.UTC(year, month, Math.min(spec.day, daysInMonth(year, month + 1)), h, m)
          if (w > afterWall) return w
        }
        return null
      }, tz)
    }
  }
}

/**
 * The first run strictly after `after`. `anchor` is the previous slot of an interval task (its
 * runs stay on that grid); calendar schedules ignore it.
 */
export function nextAfter(spec: ScheduleSpec, tz: string, after: number, anchor?: number): number | null {
  const s = stepper(spec, tz, anchor)
  try {
    return s.next(after)
  } finally {
    s.dispose()
  }
}

/** Up to `count` run times: `first` (already planned) or the first after `after`, then onwards. */
export function nextRuns(spec: ScheduleSpec, tz: string, o: { after: number; first?: number | null; count: number }): number[] {
  const out: number[] = []
  const s = stepper(spec, tz, o.first ?? undefined)
  try {
    let t = o.first ?? s.next(o.after)
    while (t !== null && out.length < o.count) {
      out.push(t)
      t = s.next(t)
    }
    return out
  } finally {
    s.dispose()
  }
}

/** Throws a 422 saying exactly what is wrong, or returns the first run after `now`. */
export function checkSchedule(spec: ScheduleSpec, tz: string, now: number): number {
  if (spec.type === 'cron') checkCron(spec.expression)
  if (spec.type === 'once') {
    const at = onceInstant(spec.at, tz)
    if (at === null) throw invalid('schedule.at', 'at_not_real', { at: spec.at }, `${spec.at} is not a real date and time`)
    if (at <= now) throw invalid('schedule.at', 'at_past', { at: spec.at }, `${spec.at} is in the past`)
  }
  const first = nextAfter(spec, tz, now)
  if (first === null) {
    const expression = spec.type === 'cron' ? spec.expression : spec.type
    throw invalid(
      spec.type === 'cron' ? 'schedule.expression' : 'schedule',
      'schedule_never_runs',
      { expression },
      `"${expression}" never runs (no match in the next 8 years)`
    )
  }
  return first
}
