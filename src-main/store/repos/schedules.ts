import type { Kysely, Selectable } from 'kysely'
import type { DB, ScheduleRunsTable, SchedulesTable } from '../schema'
import type { Delivery, DeliveryResult, MissedPolicy, RunStatus, RunTrigger, ScheduleRun, ScheduleSpec } from '../../contract/schedules'
import { bool, json, num } from '../errors'
import { nothingToSet } from './nothing-to-set'
import { boolColumn, columns } from './columns'

export type ScheduleRow = Selectable<SchedulesTable>
export type ScheduleRunRow = Selectable<ScheduleRunsTable>

/** A schedule row with its JSON and numbers decoded; the service adds what it computes. */
export interface StoredSchedule {
  id: string
  name: string
  instruction: string
  agentId: string
  modelId: string | null
  schedule: ScheduleSpec
  timezone: string
  loopCount: number
  runCount: number
  enabled: boolean
  missedPolicy: MissedPolicy
  delivery: Delivery
  timeoutSeconds: number
  nextRunAt: number | null
  createdAt: number
  updatedAt: number
}

export const toStoredSchedule = (r: ScheduleRow): StoredSchedule => ({
  id: r.id,
  name: r.name,
  instruction: r.instruction,
  agentId: r.agent_id,
  modelId: r.model_override,
  schedule: json<ScheduleSpec>(r.schedule, { type: 'once', at: '1970-01-01T00:00:00Z' }),
  timezone: r.timezone,
  loopCount: num(r.loop_count),
  runCount: num(r.run_count),
  enabled: bool(r.enabled),
  missedPolicy: r.missed_policy as MissedPolicy,
  delivery: json<Delivery>(r.delivery, { notify: false, email: null, webhook: null }),
  timeoutSeconds: num(r.timeout_sec),
  nextRunAt: r.next_run_at === null ? null : num(r.next_run_at),
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at)
})

/** Entity fields → columns; only the fields present are written. */
export const scheduleColumns = (s: Partial<StoredSchedule>): Partial<ScheduleRow> =>
  columns<ScheduleRow>({
    name: s.name,
    instruction: s.instruction,
    agent_id: s.agentId,
    model_override: s.modelId,
    schedule: s.schedule && JSON.stringify(s.schedule),
    timezone: s.timezone,
    loop_count: s.loopCount,
    run_count: s.runCount,
    enabled: boolColumn(s.enabled),
    missed_policy: s.missedPolicy,
    delivery: s.delivery && JSON.stringify(s.delivery),
    timeout_sec: s.timeoutSeconds,
    next_run_at: s.nextRunAt
  })

export const toScheduleRun = (r: ScheduleRunRow): ScheduleRun => {
  const startedAt = num(r.started_at)
  const endedAt = r.ended_at === null ? null : num(r.ended_at)
  return {
    id: r.id,
    scheduleId: r.schedule_id,
    sessionId: r.session_id,
    runId: r.run_id,
    trigger: r.run_trigger as RunTrigger,
    status: r.status as RunStatus,
    output: r.output,
    error: r.error,
    scheduledFor: r.scheduled_for === null ? null : num(r.scheduled_for),
    startedAt,
    endedAt,
    durationMs: endedAt === null ? null : endedAt - startedAt,
    deliveries: json<DeliveryResult[]>(r.deliveries, [])
  }
}

export function schedulesRepo(db: Kysely<DB>) {
  return {
    list: (f: { agentId?: string } = {}) => {
      let q = db.selectFrom('schedules').selectAll()
      if (f.agentId) q = q.where('agent_id', '=', f.agentId)
      return q.orderBy('created_at', 'desc').orderBy('id').execute()
    },
    /** Enabled tasks that have a next run: what the timer watches. */
    due: () => db.selectFrom('schedules').select(['id', 'next_run_at']).where('enabled', '=', 1).where('next_run_at', 'is not', null).execute(),
    find: (id: string) => db.selectFrom('schedules').selectAll().where('id', '=', id).executeTakeFirst(),
    insert: (row: ScheduleRow) => db.insertInto('schedules').values(row).execute(),
    update: async (id: string, patch: Partial<ScheduleRow>) => {
      if (nothingToSet(patch)) return
      await db.updateTable('schedules').set(patch).where('id', '=', id).execute()
    },
    delete: (id: string) => db.deleteFrom('schedules').where('id', '=', id).execute(),

    runs: {
      insert: (row: ScheduleRunRow) => db.insertInto('schedule_runs').values(row).execute(),
      update: async (id: string, patch: Partial<ScheduleRunRow>) => {
        if (nothingToSet(patch)) return
        await db.updateTable('schedule_runs').set(patch).where('id', '=', id).execute()
      },
      find: (id: string) => db.selectFrom('schedule_runs').selectAll().where('id', '=', id).executeTakeFirst(),
      list: (scheduleId: string, o: { limit: number; before?: number }) => {
        let q = db.selectFrom('schedule_runs').selectAll().where('schedule_id', '=', scheduleId)
        if (o.before !== undefined) q = q.where('started_at', '<', o.before)
        return q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(o.limit).execute()
      },
      /** The newest run of each of these tasks (for the task grid). */
      latest: async (scheduleIds: string[]) => {
        if (!scheduleIds.length) return new Map<string, ScheduleRunRow>()
        const rows = await db
          .selectFrom('schedule_runs as r')
          .selectAll('r')
          .where('r.schedule_id', 'in', scheduleIds)
          .where(({ eb, selectFrom }) =>
            eb(
              'r.started_at',
              '=',
              selectFrom('schedule_runs as r2')
                .select(({ fn }) => fn.max('r2.started_at').as('m'))
                .whereRef('r2.schedule_id', '=', 'r.schedule_id')
            )
          )
          .execute()
        return new Map(rows.map((r) => [r.schedule_id, r]))
      },
      /** How many runs (manual ones too, skipped slots not) each of these tasks has in its history. */
      counts: async (scheduleIds: string[]) => {
        if (!scheduleIds.length) return new Map<string, number>()
        const rows = await db
          .selectFrom('schedule_runs')
          .select(({ fn }) => ['schedule_id', fn.countAll<number | string>().as('n')])
          .where('schedule_id', 'in', scheduleIds)
          .where('status', '!=', 'skipped')
          .groupBy('schedule_id')
          .execute()
        return new Map(rows.map((r) => [r.schedule_id, Number(r.n)]))
      },
      /** Runs a crash left `running`: nothing can finish them any more. */
      /** Runs still marked running, of every task or of one. */
      running: (scheduleId?: string) => {
        let q = db.selectFrom('schedule_runs').selectAll().where('status', '=', 'running')
        if (scheduleId) q = q.where('schedule_id', '=', scheduleId)
        return q.orderBy('started_at', 'desc').limit(1000).execute()
      },
      /** Marks a task's runs left running (by a crashed process) as failed. */
      failOrphans: (scheduleId: string, error: string, endedAt: number) =>
        db
          .updateTable('schedule_runs')
          .set({ status: 'error', error, ended_at: endedAt })
          .where('schedule_id', '=', scheduleId)
          .where('status', '=', 'running')
          .executeTakeFirst(),
      /** Ids of a task's runs beyond the newest `keep`, with their sessions, for pruning. */
      beyond: (scheduleId: string, keep: number) =>
        db
          .selectFrom('schedule_runs')
          .select(['id', 'session_id'])
          .where('schedule_id', '=', scheduleId)
          .orderBy('started_at', 'desc')
          .orderBy('id', 'desc')
          .offset(keep)
          .limit(1000)
          .execute(),
      deleteMany: (ids: string[]) => (ids.length ? db.deleteFrom('schedule_runs').where('id', 'in', ids).execute() : Promise.resolve([]))
    },
    deleteSessions: (ids: string[]) => (ids.length ? db.deleteFrom('chat_sessions').where('id', 'in', ids).execute() : Promise.resolve([]))
  }
}
export type SchedulesRepo = ReturnType<typeof schedulesRepo>
