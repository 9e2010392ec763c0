import type { Kysely } from 'kysely'
import type { z } from 'zod'
import { AppError, fieldError } from '../../contract/errors'
import type { Schedule, ScheduleCreate, ScheduleRun, ScheduleSpec, ScheduleUpdate } from '../../contract/schedules'
import {
  schedulesRepo,
  scheduleColumns,
  toScheduleRun,
  toStoredSchedule,
  type ScheduleRow,
  type ScheduleRunRow,
  type StoredSchedule
} from '../../store/repos/schedules'
import type { DB } from '../../store/schema'
import type { AgentsService } from '../agents/agents-service'
import type { ChatService } from '../chat/chat-service'
import type { StudioEvents } from '../events'
import type { Claims, KeyedLock } from '../coordination/types'
import type { SecretBox } from '../secrets/secret-box'
import type { SettingsService } from '../settings/settings-service'
import { resolveModel } from '../providers/resolve-model'
import { newId } from '../util/ids'
import { deliveryService, type DeliveryOptions } from './delivery'
import { scheduleRunner } from './runner'
import { loopDone, slotTimer } from './slot-timer'
import { checkSchedule, nextAfter, nextRuns } from './next-run'
import { localTime, systemTimeZone } from './zoned-time'

export { SCHEDULED_RUN_NOTE } from './runner'

export interface SchedulerOptions {
  /** Run tasks in this process. Off = tasks can be edited but nothing fires (a second process on the same data). */
  enabled: boolean
  /** Longest sleep between checks, so wall-clock jumps (laptop sleep, clock changes) are noticed soon. */
  maxSleepMs: number
  /** A slot found this late counts as missed and follows the task's missed-run policy. */
  missedGraceMs: number
  /** Runs kept per task; older ones go, with their chat sessions. */
  keepRuns: number
  /** The chat user id of scheduled runs (memories, session lists). */
  userId: string
  /** SMTP given by the host instead of the stored settings. */
  smtp?: DeliveryOptions['smtp']
}

export const defaultSchedulerOptions: SchedulerOptions = { enabled: true, maxSleepMs: 60_000, missedGraceMs: 120_000, keepRuns: 200, userId: 'scheduler' }

export interface SchedulerDeps {
  db: Kysely<DB>
  chat: ChatService
  agents: AgentsService
  settings: SettingsService
  secrets: SecretBox
  events: StudioEvents
  /** Which process fires a slot when several share the database: the first to claim it. */
  claims: Claims
  /** A task's run holds `schedule-run:<task id>` while it goes, so no process starts a second one. */
  locks: KeyedLock
}

export type SchedulerService = ReturnType<typeof schedulerService>

/**
 * Digital employees: agent tasks on a schedule. This service is what a task is (CRUD, checks,
 * what the studio shows); when it runs is slot-timer.ts (next-run.ts computes the times), running
 * it is runner.ts, with delivery.ts and retention.ts. The next run time is stored, so downtime is
 * noticed at start-up and missed runs follow each task's policy. See README.md beside this file.
 */
export function schedulerService(deps: SchedulerDeps, opts: Partial<SchedulerOptions> = {}) {
  const options = { ...defaultSchedulerOptions, ...opts }
  const { db, chat, agents, events } = deps
  const repo = schedulesRepo(db)
  const changed = (id: string) => events.emit('schedules.changed', { id })
  const announce = (task: StoredSchedule, run: ScheduleRun, notify: boolean) => events.emit('schedules.run', { ...run, scheduleName: task.name, notify })
  const delivery = deliveryService({ settings: deps.settings, secrets: deps.secrets, repo, announce }, { smtp: options.smtp })
  const runner = scheduleRunner({ db, repo, chat, announce, locks: deps.locks, delivery, options, changed })
  const timer = slotTimer({ repo, events, claims: deps.claims, runner, options, changed })
  const setDue = (id: string, at: number | null) => timer.setDue(id, at)
  let closing = false

  async function stored(id: string): Promise<StoredSchedule> {
    const r = await repo.find(id)
    if (!r) throw new AppError('not_found', `No scheduled task with id ${id}`)
    return toStoredSchedule(r)
  }

  function present(s: StoredSchedule, last: ScheduleRunRow | undefined, runTotal: number): Schedule {
    let upcoming: number[] = []
    if (s.enabled && s.nextRunAt !== null) {
      const left = s.loopCount > 0 ? s.loopCount - s.runCount : 3
      try {
        upcoming = nextRuns(s.schedule, s.timezone, { after: Date.now(), first: s.nextRunAt, count: Math.max(1, Math.min(3, left)) })
      } catch {
        upcoming = [s.nextRunAt]
      }
    }
    const { nextRunAt, ...rest } = s
    const lastRun = last ? toScheduleRun(last) : null
    return {
      ...rest,
      status: !s.enabled ? 'paused' : nextRunAt === null ? 'finished' : 'active',
      // Also a run going in another process of a team server (a crashed one's is swept within a minute).
      running: !!runner.running(s.id) || lastRun?.status === 'running',
      runTotal,
      nextRunAt,
      nextRuns: upcoming,
      lastRun: lastRun && { id: lastRun.id, status: lastRun.status, startedAt: lastRun.startedAt, endedAt: lastRun.endedAt, error: lastRun.error },
      createdAt: s.createdAt,
      updatedAt: s.updatedAt
    }
  }

  async function get(id: string): Promise<Schedule> {
    const s = await stored(id)
    const [last, counts] = await Promise.all([repo.runs.latest([id]), repo.runs.counts([id])])
    return present(s, last.get(id), counts.get(id) ?? 0)
  }

  async function checkRefs(agentId: string | undefined, modelId: string | null | undefined): Promise<string | undefined> {
    let resolved: string | undefined
    if (agentId !== undefined) {
      const agent = await agents.row(agentId).catch(() => undefined)
      if (!agent) throw fieldError('agentId', 'no_agent', { id: agentId }, `no agent with id ${agentId}`)
      resolved = agent.id
    }
    if (modelId) await resolveModel(db, modelId, 'chat')
    return resolved
  }

  return {
    delivery,

    /** Marks runs a crash left `running` as failed, then starts the timer (missed runs are handled on its first tick). */
    async start(): Promise<void> {
      if (!options.enabled || timer.started || closing) return
      await timer.start()
    },

    async list(f: { agentId?: string } = {}): Promise<Schedule[]> {
      const agentId = f.agentId ? (await agents.get(f.agentId)).id : undefined
      const rows = (await repo.list({ agentId })).map(toStoredSchedule)
      const ids = rows.map((r) => r.id)
      const [last, counts] = await Promise.all([repo.runs.latest(ids), repo.runs.counts(ids)])
      return rows.map((s) => present(s, last.get(s.id), counts.get(s.id) ?? 0))
    },
    get,

    async create(input: z.output<typeof ScheduleCreate>): Promise<Schedule> {
      const agentId = (await checkRefs(input.agentId, input.modelId))!
      const timezone = input.timezone ?? systemTimeZone()
      const now = Date.now()
      const first = checkSchedule(input.schedule, timezone, now)
      const s: StoredSchedule = {
        ...input,
        agentId,
        timezone,
        runCount: 0,
        nextRunAt: input.enabled ? first : null,
        id: newId(),
        createdAt: now,
        updatedAt: now
      }
      await repo.insert({
        id: s.id,
        created_at: now,
        updated_at: now,
        ...(scheduleColumns(s) as Omit<ScheduleRow, 'id' | 'created_at' | 'updated_at'>),
        next_run_at: s.nextRunAt
      })
      setDue(s.id, s.nextRunAt)
      changed(s.id)
      return get(s.id)
    },

    async update(id: string, patch: z.output<typeof ScheduleUpdate>): Promise<Schedule> {
      const cur = await stored(id)
      const agentId = await checkRefs(patch.agentId, patch.modelId)
      const next: StoredSchedule = { ...cur, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)), ...(agentId && { agentId }) }
      const now = Date.now()
      const timing = JSON.stringify([next.schedule, next.timezone]) !== JSON.stringify([cur.schedule, cur.timezone])
      const first = timing ? checkSchedule(next.schedule as ScheduleSpec, next.timezone, now) : undefined
      if (!next.enabled || loopDone(next)) next.nextRunAt = null
      else if (timing || !cur.enabled || cur.nextRunAt === null) next.nextRunAt = first ?? nextAfter(next.schedule, next.timezone, now)
      await repo.update(id, { ...scheduleColumns(next), next_run_at: next.nextRunAt, updated_at: now })
      setDue(id, next.nextRunAt)
      changed(id)
      return get(id)
    },

    async delete(id: string): Promise<{ ok: true }> {
      await stored(id)
      runner.running(id)?.cancel('user')
      const sessions = (await repo.runs.beyond(id, 0)).flatMap((r) => (r.session_id ? [r.session_id] : []))
      await repo.delete(id)
      await repo.deleteSessions(sessions)
      setDue(id, null)
      changed(id)
      return { ok: true }
    },

    async pause(id: string): Promise<Schedule> {
      await stored(id)
      await repo.update(id, { enabled: 0, next_run_at: null, updated_at: Date.now() })
      setDue(id, null)
      changed(id)
      return get(id)
    },

    /** Re-enables a task from now on; a task that used up its loop count starts a new count. */
    async resume(id: string): Promise<Schedule> {
      const s = await stored(id)
      if (s.enabled && s.nextRunAt !== null) return get(id)
      const now = Date.now()
      const nextRunAt = nextAfter(s.schedule, s.timezone, now)
      if (nextRunAt === null)
        throw new AppError('conflict', `"${s.name}" has no run left: its time has passed. Change its schedule to run it again`, undefined, {
          reason: 'no_run_left',
          params: { name: s.name }
        })
      await repo.update(id, { enabled: 1, run_count: loopDone(s) ? 0 : s.runCount, next_run_at: nextRunAt, updated_at: now })
      setDue(id, nextRunAt)
      changed(id)
      return get(id)
    },

    /** Starts a run now, outside the schedule (does not count toward the loop count). */
    async runNow(id: string, wait = false): Promise<ScheduleRun> {
      const s = await stored(id)
      if (closing || !timer.firing) throw new AppError('conflict', 'The app is shutting down')
      const busy = runner.running(id)
      if (busy)
        throw new AppError('conflict', `"${s.name}" is already running (started ${localTime(busy.startedAt, s.timezone)}); wait for it or stop it`, undefined, {
          reason: 'task_running',
          params: { name: s.name }
        })
      const release = await runner.takeRun(id)
      if (!release)
        throw new AppError('conflict', `"${s.name}" is already running (on another server process); wait for it or stop it`, undefined, {
          reason: 'task_running',
          params: { name: s.name }
        })
      const { run, done } = await runner.start(s, 'manual', null, release)
      changed(id)
      return wait ? done : run
    },

    async cancelRun(id: string): Promise<ScheduleRun> {
      const s = await stored(id)
      const busy = runner.running(id)
      if (busy) {
        busy.cancel('user')
        return busy.done
      }
      return runner.stopElsewhere(s)
    },

    async runs(id: string, o: { limit: number; before?: number }): Promise<ScheduleRun[]> {
      await stored(id)
      return (await repo.runs.list(id, o)).map(toScheduleRun)
    },

    preview(spec: ScheduleSpec, timezone: string | undefined, count: number) {
      const tz = timezone ?? systemTimeZone()
      const now = Date.now()
      checkSchedule(spec, tz, now)
      return { timezone: tz, nextRuns: nextRuns(spec, tz, { after: now, count }) }
    },

    /** Resolves when no tick is pending and no run is going (tests, scripted hosts, shutdown's grace period). */
    async idle(): Promise<void> {
      for (;;) {
        await timer.settled()
        if (!runner.size) return
        await runner.allDone()
      }
    },

    /** Shutdown, first step: no task fires any more; runs under way go on. */
    stopFiring: () => timer.stopFiring(),

    /** Stops the runs still going (recorded as cancelled) and the timer. */
    async close(): Promise<void> {
      closing = true
      timer.close()
      await runner.close()
      await timer.settled()
    },

    /** For the host: whether this process fires tasks. */
    get enabled() {
      return options.enabled && timer.started
    }
  }
}
