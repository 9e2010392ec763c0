import type { Kysely } from 'kysely'
import type { z } from 'zod'
import { AppError, fieldError } from '../../contract/errors'
import type { RunStatus, RunTrigger, Schedule, ScheduleCreate, ScheduleRun, ScheduleSpec, ScheduleUpdate } from '../../contract/schedules'
import {
  schedulesRepo,
  scheduleColumns,
  toScheduleRun,
  toStoredSchedule,
  type ScheduleRow,
  type ScheduleRunRow,
  type StoredSchedule
} from '../../store/repos/schedules'
import { num } from '../../store/errors'
import type { DB } from '../../store/schema'
import type { AgentsService } from '../agents/agents-service'
import type { ChatService, TurnHandle } from '../chat/chat-service'
import type { StudioEvents } from '../events'
import { LockTimeout, type Claims, type KeyedLock } from '../coordination/types'
import type { SecretBox } from '../secrets/secret-box'
import type { SettingsService } from '../settings/settings-service'
import { isNoModel, resolveModel } from '../providers/resolve-model'
import { newId } from '../util/ids'
import { deliveryService, type DeliveryOptions } from './delivery'
import { checkSchedule, nextAfter, nextRuns } from './next-run'
import { systemTimeZone } from './zoned-time'
import { log } from '../../base/log'

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

/** Told to the agent on every scheduled run: nobody is there to answer its questions. */
export const SCHEDULED_RUN_NOTE =
  'This turn is a scheduled task (a "digital employee" run): nobody is chatting with you now. Do the task with your tools and knowledge, then answer with the result itself; it is saved and may be emailed or posted as it is. Do not ask questions: if something is missing, say what and do what you can.'

/** A slot's claim outlives any process that could still be looking at that slot. */
const CLAIM_TTL_MS = 24 * 3600_000
/** When the claim cannot be asked (Redis away), the slot is tried again this soon rather than dropped. */
const CLAIM_RETRY_MS = 5_000

const ORPHAN_ERROR = 'The app stopped while this run was going (crash or forced quit)'
/** A run's hold on its task outlives a process killed mid-run by this much at most. */
const RUN_LEASE_MS = 30_000
/** How often runs left `running` by a process that died (its lease ran out) are looked for. */
const ORPHAN_SWEEP_MS = 60_000
/** How long "stop" waits for a run in another process to end before answering with its state then. */
const REMOTE_STOP_WAIT_MS = 30_000

const runLock = (taskId: string) => `schedule-run:${taskId}`
/** The wait a run listens on for "stop", reachable from any process of a team server. */
const stopWaitId = (runId: string) => `schedule-stop_${runId}`

interface Active {
  runId: string
  startedAt: number
  handle?: TurnHandle
  reason?: 'timeout' | 'user' | 'closing'
  done: Promise<ScheduleRun>
  cancel(reason: 'timeout' | 'user' | 'closing'): void
}

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

const seconds = (s: number) => (s % 3600 === 0 ? `${s / 3600} h` : s % 60 === 0 ? `${s / 60} min` : `${s} s`)
const localTime = (ms: number, tz: string) => new Date(ms).toLocaleString('sv-SE', { timeZone: tz }).slice(0, 16)
const loopDone = (s: { loopCount: number; runCount: number }) => s.loopCount > 0 && s.runCount >= s.loopCount

/**
 * Digital employees: agent tasks on a schedule. One timer sleeps until the soonest due task
 * (at most maxSleepMs); the next run time is stored, so downtime is noticed at start-up and
 * missed runs follow each task's policy. See README.md beside this file.
 */
export function schedulerService(deps: SchedulerDeps, opts: Partial<SchedulerOptions> = {}) {
  const options = { ...defaultSchedulerOptions, ...opts }
  const { db, chat, agents, events } = deps
  const repo = schedulesRepo(db)
  const delivery = deliveryService(deps.settings, deps.secrets, { smtp: options.smtp })
  /** Enabled tasks with a next run: id → next_run_at. */
  const due = new Map<string, number>()
  /** The run going now, per task: the no-overlap rule. */
  const active = new Map<string, Active>()
  let timer: NodeJS.Timeout | undefined
  let started = false
  let closed = false
  /** False from the start of shutdown: runs under way may finish, no new one fires. */
  let firing = true
  let ticking: Promise<void> = Promise.resolve()
  let unsubscribe: (() => void) | undefined
  let sweeper: NodeJS.Timeout | undefined
  /** Slots this process claimed but could not start yet (the lock could not be asked): retried without claiming again. */
  const claimed = new Map<string, number>()

  /**
   * Takes the task's run lock for as long as a run goes: the release function, or null when a
   * run holds it in another process. Rejects when the lock cannot be asked (Redis away).
   */
  async function takeRun(id: string, waitMs = 0): Promise<(() => void) | null> {
    let release!: () => void
    const running = new Promise<void>((r) => (release = r))
    let held!: () => void
    const holding = new Promise<void>((r) => (held = r))
    const lock = deps.locks.run(
      runLock(id),
      async () => {
        held()
        await running
      },
      { leaseMs: RUN_LEASE_MS, waitMs }
    )
    try {
      await Promise.race([holding, lock])
    } catch (err) {
      if (err instanceof LockTimeout) return null
      throw err
    }
    lock.catch((err) => log.warn({ err, taskId: id }, 'scheduled run lock not released; it expires with its lease'))
    return release
  }

  /** Runs left `running` by a process that is gone (nobody holds their task's lock) are marked failed. */
  async function sweepOrphans(): Promise<void> {
    const ids = new Set((await repo.runs.running()).map((r) => r.schedule_id))
    for (const id of ids) {
      if (active.has(id) || closed) continue
      const release = await takeRun(id)
      if (!release) continue
      try {
        if (active.has(id)) continue
        const r = await repo.runs.failOrphans(id, ORPHAN_ERROR, Date.now())
        if (Number(r.numUpdatedRows)) changed(id)
      } finally {
        release()
      }
    }
  }

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
      running: active.has(s.id) || lastRun?.status === 'running',
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

  const changed = (id: string) => events.emit('schedules.changed', { id })

  function setDue(id: string, at: number | null) {
    if (at === null) due.delete(id)
    else due.set(id, at)
    plan()
  }

  // ---------- the timer ----------
  function plan() {
    clearTimeout(timer)
    timer = undefined
    if (!started || closed || !firing || !due.size) return
    const soonest = Math.min(...due.values())
    timer = setTimeout(() => void tick(), Math.min(Math.max(soonest - Date.now(), 0), options.maxSleepMs))
    // A waiting task must not keep `agenta serve` or a test process alive on its own.
    timer.unref?.()
  }

  function tick(): Promise<void> {
    ticking = ticking
      .then(async () => {
        timer = undefined
        const now = Date.now()
        for (const [id, at] of [...due]) {
          if (closed || !firing) return
          if (at > now) continue
          try {
            await fire(id)
          } catch (err) {
            log.error({ err, taskId: id }, 'scheduled task could not start')
            setDue(id, null) // retried when the task is edited or the app restarts, not in a hot loop
          }
        }
      })
      .finally(plan)
    return ticking
  }

  /** A task's slot has come: run it, or record why not, and move on to its next slot. */
  async function fire(id: string): Promise<void> {
    const r = await repo.find(id)
    const s = r && toStoredSchedule(r)
    if (!s || !s.enabled || s.nextRunAt === null) return setDue(id, null)
    const now = Date.now()
    if (s.nextRunAt > now) return setDue(id, s.nextRunAt)
    const slot = s.nextRunAt
    const late = now - slot > options.missedGraceMs
    let next: number | null
    try {
      next = nextAfter(s.schedule, s.timezone, now, slot)
    } catch {
      next = null
    }
    // Several processes on one database all see the slot come; the one that claims it handles it
    // (runs or records the skip). The others only move on to the next slot, which the winner stores.
    let mine: boolean
    // The run lock is taken after the claim: a process that lost the claim never holds it, so
    // the winner finds it free unless a run is really going (maybe in another process).
    let release: (() => void) | null = null
    const busy = active.get(id)
    const skipMissed = late && s.missedPolicy === 'skip'
    try {
      mine = claimed.get(id) === slot || (await deps.claims.claimOnce(`schedule:${id}:${slot}`, CLAIM_TTL_MS))
      if (mine) claimed.set(id, slot)
      // An orphan sweep holds the lock for a moment: wait a little rather than skip for it.
      if (mine && !busy && !skipMissed) release = await takeRun(id, 3_000)
    } catch (err) {
      log.warn({ err, taskId: id }, 'scheduled slot not claimed or not started; trying again soon')
      return setDue(id, Date.now() + CLAIM_RETRY_MS)
    }
    claimed.delete(id)
    if (!mine) return setDue(id, next)
    if (!release) {
      await repo.update(id, { next_run_at: next })
      setDue(id, next)
      const why = busy
        ? `Skipped: the previous run (started ${localTime(busy.startedAt, s.timezone)}) was still going`
        : skipMissed
          ? `Missed at ${localTime(slot, s.timezone)} (${s.timezone}) while the app was not running; this task skips missed runs`
          : 'Skipped: the previous run was still going (on another server process)'
      await recordSkipped(s, late ? 'missed' : 'schedule', slot, why)
      changed(id)
      return
    }
    const runCount = s.runCount + 1
    if (loopDone({ loopCount: s.loopCount, runCount })) next = null
    try {
      await repo.update(id, { run_count: runCount, next_run_at: next })
    } catch (err) {
      release()
      throw err
    }
    setDue(id, next)
    await startRun({ ...s, runCount, nextRunAt: next }, late ? 'missed' : 'schedule', slot, release)
    changed(id)
  }

  /** Takes a task's next run time from the database (it changed, maybe in another process). */
  async function reload(id: string) {
    try {
      const r = await repo.find(id)
      if (closed) return
      setDue(id, r && r.enabled ? (r.next_run_at === null ? null : num(r.next_run_at)) : null)
    } catch (err) {
      log.warn({ err, taskId: id }, 'scheduled task not reloaded')
    }
  }

  async function recordSkipped(s: StoredSchedule, trigger: RunTrigger, slot: number, why: string) {
    const now = Date.now()
    const row: ScheduleRunRow = {
      id: newId(),
      schedule_id: s.id,
      session_id: null,
      status: 'skipped',
      output: '',
      error: why,
      started_at: now,
      ended_at: now,
      run_id: null,
      run_trigger: trigger,
      scheduled_for: slot,
      deliveries: null
    }
    await repo.runs.insert(row)
    emitRun(s, toScheduleRun(row), false)
  }

  function emitRun(s: StoredSchedule, run: ScheduleRun, notify: boolean) {
    events.emit('schedules.run', { ...run, scheduleName: s.name, notify })
  }

  // ---------- runs ----------
  /** Records the run and starts it; resolves once it is under way (its end comes through `done`). */
  async function startRun(
    s: StoredSchedule,
    trigger: RunTrigger,
    slot: number | null,
    release: () => void
  ): Promise<{ run: ScheduleRun; done: Promise<ScheduleRun> }> {
    let finish!: (run: ScheduleRun) => void
    const entry: Active = {
      runId: newId(),
      startedAt: Date.now(),
      done: new Promise<ScheduleRun>((resolve) => (finish = resolve)),
      cancel(reason) {
        entry.reason ??= reason
        entry.handle?.cancel()
      }
    }
    // Taken before the first await, so two "run now" clicks cannot both start a run.
    active.set(s.id, entry)
    const row: ScheduleRunRow = {
      id: entry.runId,
      schedule_id: s.id,
      session_id: null,
      status: 'running',
      output: '',
      error: null,
      started_at: entry.startedAt,
      ended_at: null,
      run_id: null,
      run_trigger: trigger,
      scheduled_for: slot,
      deliveries: null
    }
    try {
      await repo.runs.insert(row)
    } catch (err) {
      active.delete(s.id)
      release()
      throw err
    }
    void entry.done.finally(release)
    const run = toScheduleRun(row)
    emitRun(s, run, false)
    void execute(s, entry, row).then(finish, (err) => {
      log.error({ err, taskId: s.id }, 'scheduled run failed to finish')
      active.delete(s.id)
      finish({ ...run, status: 'error', error: 'Internal error', endedAt: Date.now() })
    })
    return { run, done: entry.done }
  }

  async function modelOverride(modelId: string | null) {
    if (!modelId) return undefined
    const m = await resolveModel(db, modelId, 'chat').catch((err: unknown) => {
      // The run's history says it in the words of the delete confirmation that warned about it.
      throw isNoModel(err) ? new Error('The model chosen for this task no longer exists: pick another one') : err
    })
    return { providerId: m.providerId, model: m.modelId }
  }

  async function execute(s: StoredSchedule, entry: Active, row: ScheduleRunRow): Promise<ScheduleRun> {
    let status: RunStatus = 'ok'
    let error: string | null = null
    let output = ''
    const timeout = setTimeout(() => entry.cancel('timeout'), s.timeoutSeconds * 1000)
    // "Stop" may be asked of another process of a team server: it reaches this run through its wait.
    const ended = new AbortController()
    void chat.waits
      .wait({ id: stopWaitId(row.id), timeoutMs: s.timeoutSeconds * 1000 + 60_000, signal: ended.signal, start: () => undefined })
      .then((o) => o.status === 'answered' && entry.cancel('user'))
    try {
      const session = await chat.sessions.create({
        agentId: s.agentId,
        userId: options.userId,
        origin: 'schedule',
        title: `⏰ ${s.name} · ${localTime(entry.startedAt, s.timezone)}`
      })
      row.session_id = session.id
      await repo.runs.update(row.id, { session_id: session.id })
      if (entry.reason) throw new Error('stopped before it began')
      const handle = await chat.startTurn({
        sessionId: session.id,
        message: s.instruction,
        userId: options.userId,
        interactive: false,
        extraSystem: SCHEDULED_RUN_NOTE,
        modelOverride: await modelOverride(s.modelId)
      })
      entry.handle = handle
      // Nobody streams a scheduled run: end the event queue so deltas are dropped, not buffered.
      void handle.events[Symbol.asyncIterator]().return?.()
      if (entry.reason) handle.cancel()
      void handle.runId.then((id) => {
        row.run_id = id
        return repo.runs.update(row.id, { run_id: id })
      })
      const summary = await handle.done
      row.run_id = summary.runId
      output = summary.text
      if (summary.status === 'error') {
        status = 'error'
        error = summary.error?.message ?? 'The agent turn failed'
      }
    } catch (err) {
      status = 'error'
      error = err instanceof AppError ? err.message : ((err as Error)?.message ?? String(err))
    } finally {
      clearTimeout(timeout)
      ended.abort()
    }
    if (entry.reason === 'timeout') {
      status = 'timeout'
      error = `The run did not finish within ${seconds(s.timeoutSeconds)} and was stopped`
    } else if (entry.reason) {
      status = 'cancelled'
      error = entry.reason === 'closing' ? 'The app was closing, so the run was stopped' : 'Stopped by the user'
    }
    Object.assign(row, { status, output, error, ended_at: Date.now() })
    await repo.runs.update(row.id, { status, output, error, ended_at: row.ended_at, run_id: row.run_id, session_id: row.session_id })

    // Delivery uses the task as it is now: it may have been edited (or deleted) during the run.
    const current = await repo.find(s.id)
    const task = current ? toStoredSchedule(current) : s
    // The result is known now: say so (and notify) before e-mail and webhooks, which can take up
    // to their timeouts; a second event then carries the delivery results, without notifying again.
    emitRun(task, toScheduleRun(row), task.delivery.notify && status !== 'cancelled')
    if (current && status !== 'cancelled') {
      const results = await delivery.deliver(task, toScheduleRun(row))
      if (results.length) {
        row.deliveries = JSON.stringify(results)
        await repo.runs.update(row.id, { deliveries: row.deliveries })
        emitRun(task, toScheduleRun(row), false)
      }
    }
    active.delete(s.id)
    const final = toScheduleRun(row)
    changed(s.id)
    if (current) await prune(s.id).catch((err) => log.warn({ err }, 'pruning old scheduled runs failed'))
    return final
  }

  async function prune(id: string) {
    const old = await repo.runs.beyond(id, options.keepRuns)
    if (!old.length) return
    await repo.runs.deleteMany(old.map((r) => r.id))
    await repo.deleteSessions(old.flatMap((r) => (r.session_id ? [r.session_id] : [])))
  }

  return {
    delivery,

    /** Marks runs a crash left `running` as failed, then starts the timer (missed runs are handled on its first tick). */
    async start(): Promise<void> {
      if (!options.enabled || started || closed) return
      await sweepOrphans()
      sweeper = setInterval(() => void sweepOrphans().catch((err) => log.warn({ err }, 'looking for orphaned scheduled runs failed')), ORPHAN_SWEEP_MS)
      sweeper.unref()
      for (const r of await repo.due()) due.set(r.id, num(r.next_run_at))
      // Tasks created or edited through another process (the events come through the coordination bus).
      unsubscribe = events.subscribe((name, payload) => {
        if (name === 'schedules.changed') void reload((payload as { id: string }).id)
      })
      started = true
      void tick()
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
      active.get(id)?.cancel('user')
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
      if (closed || !firing) throw new AppError('conflict', 'The app is shutting down')
      const busy = active.get(id)
      if (busy)
        throw new AppError('conflict', `"${s.name}" is already running (started ${localTime(busy.startedAt, s.timezone)}); wait for it or stop it`, undefined, {
          reason: 'task_running',
          params: { name: s.name }
        })
      const release = await takeRun(id)
      if (!release)
        throw new AppError('conflict', `"${s.name}" is already running (on another server process); wait for it or stop it`, undefined, {
          reason: 'task_running',
          params: { name: s.name }
        })
      const { run, done } = await startRun(s, 'manual', null, release)
      changed(id)
      return wait ? done : run
    },

    async cancelRun(id: string): Promise<ScheduleRun> {
      const s = await stored(id)
      const busy = active.get(id)
      if (busy) {
        busy.cancel('user')
        return busy.done
      }
      // Maybe running in another process of a team server: its stop wait takes the request there.
      const [remote] = await repo.runs.running(id)
      if (!remote) throw new AppError('conflict', `"${s.name}" is not running`, undefined, { reason: 'task_not_running', params: { name: s.name } })
      if (!(await chat.waits.answerAnywhere(stopWaitId(remote.id), { stop: true }))) {
        // Nobody listens: the process that ran it is gone. The sweep's rule, at once.
        await sweepOrphans()
        const now = (await repo.runs.running(id)).find((r) => r.id === remote.id)
        if (now) throw new AppError('conflict', `"${s.name}" is running on another server process that cannot be reached; try again shortly`)
      }
      const until = Date.now() + REMOTE_STOP_WAIT_MS
      for (;;) {
        const r = await repo.runs.find(remote.id)
        if (!r || r.status !== 'running' || Date.now() > until) return toScheduleRun(r ?? remote)
        await new Promise((res) => setTimeout(res, 200))
      }
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
        await ticking
        if (!active.size) return
        await Promise.all([...active.values()].map((a) => a.done))
      }
    },

    /** Stops the timer and every run (recorded as cancelled). */
    /** Shutdown, first step: no task fires any more; runs under way go on. */
    async stopFiring(): Promise<void> {
      firing = false
      clearInterval(sweeper)
      unsubscribe?.()
      clearTimeout(timer)
      await ticking
    },

    /** Stops the runs still going (recorded as cancelled) and the timer. */
    async close(): Promise<void> {
      closed = true
      firing = false
      clearInterval(sweeper)
      unsubscribe?.()
      clearTimeout(timer)
      for (const a of active.values()) a.cancel('closing')
      await Promise.all([...active.values()].map((a) => a.done))
      await ticking
    },

    /** For the host: whether this process fires tasks. */
    get enabled() {
      return options.enabled && started && !closed
    }
  }
}
