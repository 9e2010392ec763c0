import { z } from 'zod'
import { says } from './messages'

/**
 * Digital employees: agent tasks that run on a schedule. Shapes are checked here; what needs the
 * core (cron syntax, whether a schedule ever fires, the agent and model exist) is checked there
 * and reported as the same 422 `validation_failed`.
 */

const id = z.string().min(1).max(64)
const timestamp = z.number().int()

/** True for IANA zones the runtime knows (Asia/Shanghai, Europe/Berlin, UTC…). Browser-safe. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

export const TimeZone = z
  .string()
  .trim()
  .min(1, says('not_empty'))
  .max(64)
  .superRefine((tz, ctx) => {
    if (!isTimeZone(tz))
      ctx.addIssue({
        code: 'custom',
        message: `"${tz}" is not a known IANA time zone (e.g. Asia/Shanghai, Europe/Berlin, UTC)`,
        params: { reason: 'time_zone', input: tz }
      })
  })

/** "8:00" is accepted and stored as "08:00". */
const ClockTime = z.preprocess(
  (v) => (typeof v === 'string' && /^\d:\d\d$/.test(v.trim()) ? `0${v.trim()}` : v),
  z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, says('clock_time'))
)

/** Local date-time (read in the task's time zone) or an instant with Z / an offset. */
const IsoDateTime = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/, says('date_time'))

export const ScheduleSpec = z.discriminatedUnion(
  'type',
  [
    z.object({
      type: z.literal('interval'),
      every: z.number().int('every must be a whole number').min(1, 'every must be at least 1').max(10_000, 'every must be at most 10000'),
      unit: z.enum(['minutes', 'hours'], 'unit must be minutes or hours')
    }),
    /** Five fields: minute hour day-of-month month day-of-week (node-cron syntax, checked by the core). */
    z.object({ type: z.literal('cron'), expression: z.string().trim().min(1, 'expression must not be empty').max(120) }),
    z.object({ type: z.literal('daily'), time: ClockTime }),
    z.object({
      type: z.literal('weekly'),
      weekday: z.number().int().min(0, 'weekday must be 0 (Sunday) to 6 (Saturday)').max(6, 'weekday must be 0 (Sunday) to 6 (Saturday)'),
      time: ClockTime
    }),
    /** Day 29–31 runs on the last day of shorter months. */
    z.object({ type: z.literal('monthly'), day: z.number().int().min(1, 'day must be 1 to 31').max(31, 'day must be 1 to 31'), time: ClockTime }),
    z.object({ type: z.literal('once'), at: IsoDateTime })
  ],
  'schedule.type must be one of interval, cron, daily, weekly, monthly, once'
)
export type ScheduleSpec = z.infer<typeof ScheduleSpec>

export const MissedPolicy = z.enum(['skip', 'run_once'])
export type MissedPolicy = z.infer<typeof MissedPolicy>

const emailAddress = z.email(says('email'))
/** One address, several separated by commas/semicolons/spaces, or an array. */
const EmailList = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(/[\s,;，；]+/).filter(Boolean) : v),
  z.array(emailAddress).min(1, 'needs at least one address').max(20)
)
const webhookUrl = z
  .string()
  .trim()
  .url(says('webhook_url'))
  .refine((u) => /^https?:\/\//i.test(u), says('http_url'))

/** Where a run's result goes besides the run history (always kept). */
export const Delivery = z.object({
  /** A desktop notification from the Electron host (the `schedules.run` event carries the flag). */
  notify: z.boolean().default(true),
  email: z.object({ to: EmailList }).nullable().default(null),
  webhook: z
    .object({ url: webhookUrl, headers: z.record(z.string(), z.string()).default({}) })
    .nullable()
    .default(null)
})
export type Delivery = z.infer<typeof Delivery>

const fields = {
  name: z.string().trim().min(1, says('not_empty')).max(25, 'must be at most 25 characters'),
  instruction: z.string().trim().min(1, says('not_empty')).max(500, 'must be at most 500 characters'),
  agentId: id,
  /** A chat model row (models.list); null = the agent's own model. */
  modelId: id.nullable(),
  schedule: ScheduleSpec,
  timezone: TimeZone,
  /** Stop after this many scheduled runs; 0 = forever. "Run now" does not count. */
  loopCount: z.number().int().min(0).max(1_000_000),
  enabled: z.boolean(),
  missedPolicy: MissedPolicy,
  delivery: Delivery,
  /** A run still going after this long is stopped and recorded as `timeout`. */
  timeoutSeconds: z.number().int().min(1).max(86_400)
}

export const ScheduleCreate = z.object({
  ...fields,
  modelId: fields.modelId.default(null),
  /** Default: the time zone of the machine running the core. */
  timezone: fields.timezone.optional(),
  loopCount: fields.loopCount.default(0),
  enabled: fields.enabled.default(true),
  missedPolicy: fields.missedPolicy.default('run_once'),
  delivery: Delivery.default({ notify: true, email: null, webhook: null }),
  timeoutSeconds: fields.timeoutSeconds.default(600)
})
export const ScheduleUpdate = z.object(fields).partial()

export const RunStatus = z.enum(['running', 'ok', 'error', 'timeout', 'skipped', 'cancelled'])
export type RunStatus = z.infer<typeof RunStatus>
export const RunTrigger = z.enum(['schedule', 'manual', 'missed'])
export type RunTrigger = z.infer<typeof RunTrigger>

export const DeliveryResult = z.object({
  channel: z.enum(['webhook', 'email']),
  target: z.string(),
  ok: z.boolean(),
  error: z.string().nullable(),
  at: timestamp
})
export type DeliveryResult = z.infer<typeof DeliveryResult>

export const ScheduleRun = z.object({
  id,
  scheduleId: id,
  /** The chat session the run talked in (null for skipped runs). */
  sessionId: z.string().nullable(),
  /** The turn's trace: `runs.get` with this id lists every model and tool call. */
  runId: z.string().nullable(),
  trigger: RunTrigger,
  status: RunStatus,
  output: z.string(),
  error: z.string().nullable(),
  /** The slot this run was for (null for "run now"). */
  scheduledFor: timestamp.nullable(),
  startedAt: timestamp,
  endedAt: timestamp.nullable(),
  durationMs: z.number().int().nullable(),
  deliveries: z.array(DeliveryResult)
})
export type ScheduleRun = z.infer<typeof ScheduleRun>

export const Schedule = z.object({
  id,
  ...fields,
  /** Scheduled runs of the current loop (what loopCount limits; "run now" does not count). */
  runCount: z.number().int(),
  /** Every run in the history, manual ones too (skipped slots not); pruned runs are gone from it. */
  runTotal: z.number().int(),
  /** paused = disabled by the user; finished = loop count reached or a one-off that has run. */
  status: z.enum(['active', 'paused', 'finished']),
  /** A run of this task is going now. */
  running: z.boolean(),
  nextRunAt: timestamp.nullable(),
  /** The next few run times (epoch ms), for the task card and the dialog. */
  nextRuns: z.array(timestamp),
  lastRun: ScheduleRun.pick({ id: true, status: true, startedAt: true, endedAt: true, error: true }).nullable(),
  createdAt: timestamp,
  updatedAt: timestamp
})
export type Schedule = z.infer<typeof Schedule>

/** `schedules.run` studio event: a run started or ended. */
export const ScheduleRunEvent = ScheduleRun.extend({
  scheduleName: z.string(),
  /** The task wants a desktop notification for this run (set on the final event only). */
  notify: z.boolean()
})
export type ScheduleRunEvent = z.infer<typeof ScheduleRunEvent>

export const ScheduleList = z.object({ agentId: z.string().max(64).optional() })
export const ScheduleRunsQuery = z.object({
  id,
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Only runs started before this time (epoch ms): the cursor for the next page. */
  before: z.coerce.number().int().optional()
})
export const RunNowInput = z.object({
  id,
  /** Answer only when the run has ended (CLI, scripts); by default answer as soon as it starts. */
  wait: z.boolean().default(false)
})
export const SchedulePreviewInput = z.object({
  schedule: ScheduleSpec,
  timezone: TimeZone.optional(),
  count: z.number().int().min(1).max(20).default(3)
})
export const SchedulePreview = z.object({ timezone: z.string(), nextRuns: z.array(timestamp) })

/** Outgoing mail for the `email` delivery. The password is stored encrypted and never returned. */
export const SmtpSettings = z.object({
  host: z.string(),
  port: z.number().int(),
  /** TLS from the first byte (usually port 465); otherwise STARTTLS when the server offers it. */
  secure: z.boolean(),
  user: z.string(),
  hasPassword: z.boolean(),
  from: z.string(),
  /** Host and sender are set, so email delivery can be tried. */
  configured: z.boolean()
})
export type SmtpSettings = z.infer<typeof SmtpSettings>
export const SmtpSettingsUpdate = z.object({
  host: z.string().trim().max(255).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  secure: z.boolean().optional(),
  user: z.string().trim().max(255).optional(),
  /** A string replaces the password, null removes it, absent keeps it. */
  password: z.string().max(512).nullable().optional(),
  from: z.string().trim().max(255).optional()
})
export const SmtpTestInput = z.object({ to: emailAddress.optional() })
export const SmtpTestResult = z.object({ ok: z.boolean(), error: z.string().optional() })
