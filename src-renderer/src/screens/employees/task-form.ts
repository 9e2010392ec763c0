import type { MissedPolicy, Schedule, ScheduleSpec } from '@contract/schedules'
import type { ScheduleInput } from '../../queries/employees'
import type { FieldMap } from '../../ui/feedback'

/** How the dialog splits a schedule: the original's two types, "interval" and "expression". */
export type ScheduleKind = 'interval' | 'expression'
export type ExpressionMode = 'daily' | 'weekly' | 'monthly' | 'once' | 'cron'
export const EXPRESSION_MODES: ExpressionMode[] = ['daily', 'weekly', 'monthly', 'once', 'cron']

export interface TaskFormValues {
  name: string
  instruction: string
  agentId?: string
  /** Empty: the agent's own model. */
  modelId?: string
  loopCount: number
  scheduleKind: ScheduleKind
  every: number
  unit: 'minutes' | 'hours'
  exprMode: ExpressionMode
  /** HH:MM */
  time: string
  weekday: number
  day: number
  /** YYYY-MM-DDTHH:MM in the task's time zone. */
  at: string
  expression: string
  timezone: string
  missedPolicy: MissedPolicy
  timeoutMinutes: number
  notify: boolean
  /** Addresses separated by commas, semicolons or spaces; empty = no email. */
  emailTo: string
  webhookUrl: string
}

export const localTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'

export const emptyTask = (): TaskFormValues => ({
  name: '',
  instruction: '',
  agentId: undefined,
  modelId: undefined,
  loopCount: 0,
  scheduleKind: 'expression',
  every: 30,
  unit: 'minutes',
  exprMode: 'daily',
  time: '08:00',
  weekday: 1,
  day: 1,
  at: '',
  expression: '0 8 * * 1-5',
  timezone: localTimeZone(),
  missedPolicy: 'run_once',
  timeoutMinutes: 10,
  notify: true,
  emailTo: '',
  webhookUrl: ''
})

/** The schedule the fields describe, or null while a field it needs is still empty. */
export function toScheduleSpec(v: Partial<TaskFormValues>): ScheduleSpec | null {
  if (v.scheduleKind === 'interval') return v.every && v.unit ? { type: 'interval', every: v.every, unit: v.unit } : null
  switch (v.exprMode) {
    case 'daily':
      return v.time ? { type: 'daily', time: v.time } : null
    case 'weekly':
      return v.time && v.weekday !== undefined ? { type: 'weekly', weekday: v.weekday, time: v.time } : null
    case 'monthly':
      return v.time && v.day ? { type: 'monthly', day: v.day, time: v.time } : null
    case 'once':
      return v.at ? { type: 'once', at: v.at } : null
    case 'cron':
      return v.expression?.trim() ? { type: 'cron', expression: v.expression.trim() } : null
    default:
      return null
  }
}

export function fromSchedule(s: Schedule): TaskFormValues {
  const base: TaskFormValues = {
    ...emptyTask(),
    name: s.name,
    instruction: s.instruction,
    agentId: s.agentId,
    modelId: s.modelId ?? undefined,
    loopCount: s.loopCount,
    timezone: s.timezone,
    missedPolicy: s.missedPolicy,
    timeoutMinutes: Math.max(1, Math.round(s.timeoutSeconds / 60)),
    notify: s.delivery.notify,
    emailTo: s.delivery.email?.to.join(', ') ?? '',
    webhookUrl: s.delivery.webhook?.url ?? ''
  }
  const spec = s.schedule
  switch (spec.type) {
    case 'interval':
      return { ...base, scheduleKind: 'interval', every: spec.every, unit: spec.unit }
    case 'daily':
      return { ...base, exprMode: 'daily', time: spec.time }
    case 'weekly':
      return { ...base, exprMode: 'weekly', weekday: spec.weekday, time: spec.time }
    case 'monthly':
      return { ...base, exprMode: 'monthly', day: spec.day, time: spec.time }
    case 'once':
      // datetime-local wants YYYY-MM-DDTHH:MM; stored values may carry seconds.
      return { ...base, exprMode: 'once', at: spec.at.replace(' ', 'T').slice(0, 16) }
    case 'cron':
      return { ...base, exprMode: 'cron', expression: spec.expression }
  }
}

/** The create/update body; `previous` keeps what the dialog does not show (webhook headers). */
export function toTaskInput(v: TaskFormValues, previous?: Schedule | null): ScheduleInput {
  const schedule = toScheduleSpec(v)
  const email = v.emailTo.trim()
  const webhook = v.webhookUrl.trim()
  return {
    name: v.name.trim(),
    instruction: v.instruction.trim(),
    agentId: v.agentId ?? '',
    modelId: v.modelId || null,
    // An incomplete schedule goes as is: the server answers with what is missing.
    schedule: schedule ?? ({ type: v.scheduleKind === 'interval' ? 'interval' : v.exprMode } as ScheduleSpec),
    timezone: v.timezone,
    loopCount: v.loopCount ?? 0,
    missedPolicy: v.missedPolicy,
    timeoutSeconds: Math.round((v.timeoutMinutes || 10) * 60),
    delivery: {
      notify: v.notify,
      email: email ? { to: email } : null,
      webhook: webhook ? { url: webhook, headers: previous?.delivery.webhook?.headers ?? {} } : null
    }
  }
}

const SCHEDULE_FIELDS: Record<string, keyof TaskFormValues> = {
  every: 'every',
  unit: 'unit',
  time: 'time',
  weekday: 'weekday',
  day: 'day',
  at: 'at',
  expression: 'expression'
}
const TOP_FIELDS: Record<string, keyof TaskFormValues> = {
  name: 'name',
  instruction: 'instruction',
  agentId: 'agentId',
  modelId: 'modelId',
  loopCount: 'loopCount',
  timezone: 'timezone',
  missedPolicy: 'missedPolicy',
  timeoutSeconds: 'timeoutMinutes',
  'delivery.email': 'emailTo',
  'delivery.email.to': 'emailTo',
  'delivery.webhook': 'webhookUrl',
  'delivery.webhook.url': 'webhookUrl'
}

/** Where the server's issue paths land in the dialog ("schedule.time" → time, "delivery.email.to.1" → emailTo). */
export const taskFieldFor: FieldMap = (path) => {
  const p = path.replace(/\.\d+$/, '')
  if (p.startsWith('schedule.')) {
    const f = SCHEDULE_FIELDS[p.slice('schedule.'.length)]
    return f ? [f] : null
  }
  const f = TOP_FIELDS[p]
  return f ? [f] : null
}
