import type { RunStatus, RunTrigger, ScheduleRun } from '../../contract/schedules'
import { AppError } from '../../contract/errors'
import { toScheduleRun, toStoredSchedule, type ScheduleRunRow, type SchedulesRepo, type StoredSchedule } from '../../store/repos/schedules'
import type { Kysely } from 'kysely'
import type { DB } from '../../store/schema'
import type { ChatService, TurnHandle } from '../chat/chat-service'
import { LockTimeout, type KeyedLock } from '../coordination/types'
import { isNoModel, resolveModel } from '../providers/resolve-model'
import { newId } from '../util/ids'
import type { RunDelivery } from './delivery'
import { pruneRuns } from './retention'
import { localTime } from './zoned-time'
import { log } from '../../base/log'

/** Told to the agent on every scheduled run: nobody is there to answer its questions. */
export const SCHEDULED_RUN_NOTE =
  'This turn is a scheduled task (a "digital employee" run): nobody is chatting with you now. Do the task with your tools and knowledge, then answer with the result itself; it is saved and may be emailed or posted as it is. Do not ask questions: if something is missing, say what and do what you can.'

const ORPHAN_ERROR = 'The app stopped while this run was going (crash or forced quit)'
/** A run's hold on its task outlives a process killed mid-run by this much at most. */
const RUN_LEASE_MS = 30_000
/** How long "stop" waits for a run in another process to end before answering with its state then. */
const REMOTE_STOP_WAIT_MS = 30_000

const runLock = (taskId: string) => `schedule-run:${taskId}`
/** The wait a run listens on for "stop", reachable from any process of a team server. */
const stopWaitId = (runId: string) => `schedule-stop_${runId}`
const seconds = (s: number) => (s % 3600 === 0 ? `${s / 3600} h` : s % 60 === 0 ? `${s / 60} min` : `${s} s`)

export interface Active {
  runId: string
  startedAt: number
  handle?: TurnHandle
  reason?: 'timeout' | 'user' | 'closing'
  done: Promise<ScheduleRun>
  cancel(reason: 'timeout' | 'user' | 'closing'): void
}

export interface RunnerDeps {
  db: Kysely<DB>
  repo: SchedulesRepo
  chat: ChatService
  /** Tells the studio about a run (event `schedules.run`); `notify`: show a desktop notification. */
  announce(task: StoredSchedule, run: ScheduleRun, notify: boolean): void
  /** A task's run holds `schedule-run:<task id>` while it goes, so no process starts a second one. */
  locks: KeyedLock
  /** Where the result goes once it is recorded (delivery.ts). */
  delivery: RunDelivery
  /** The chat user id of scheduled runs; runs kept per task. */
  options: { userId: string; keepRuns: number }
  /** Tells every process's timer and the studio that a task changed. */
  changed(id: string): void
}

export type ScheduleRunner = ReturnType<typeof scheduleRunner>

/**
 * Running tasks (as Cherry Studio's JobManager beside its SchedulerService): one run per task at
 * a time across processes (the run lock), the agent turn and its record, then retention. When a
 * run starts is the timer's business (slot-timer.ts); where its result goes, delivery's
 * (delivery.ts, through `RunDelivery`); what a task is, the service's.
 */
export function scheduleRunner(deps: RunnerDeps) {
  const { db, repo, chat, announce, delivery, options, changed } = deps
  /** The run going now, per task: the no-overlap rule. */
  const active = new Map<string, Active>()
  let closed = false

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
    announce(s, toScheduleRun(row), false)
  }

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
    announce(s, run, false)
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
    const final = await delivery.runEnded(current ? toStoredSchedule(current) : s, toScheduleRun(row), !current)
    active.delete(s.id)
    changed(s.id)
    if (current) await pruneRuns(repo, s.id, options.keepRuns).catch((err) => log.warn({ err }, 'pruning old scheduled runs failed'))
    return final
  }

  /** Stops a run going in another process of a team server (its stop wait takes the request there). */
  async function stopElsewhere(s: StoredSchedule): Promise<ScheduleRun> {
    const [remote] = await repo.runs.running(s.id)
    if (!remote) throw new AppError('conflict', `"${s.name}" is not running`, undefined, { reason: 'task_not_running', params: { name: s.name } })
    if (!(await chat.waits.answerAnywhere(stopWaitId(remote.id), { stop: true }))) {
      // Nobody listens: the process that ran it is gone. The sweep's rule, at once.
      await sweepOrphans()
      const now = (await repo.runs.running(s.id)).find((r) => r.id === remote.id)
      if (now) throw new AppError('conflict', `"${s.name}" is running on another server process that cannot be reached; try again shortly`)
    }
    const until = Date.now() + REMOTE_STOP_WAIT_MS
    for (;;) {
      const r = await repo.runs.find(remote.id)
      if (!r || r.status !== 'running' || Date.now() > until) return toScheduleRun(r ?? remote)
      await new Promise((res) => setTimeout(res, 200))
    }
  }

  return {
    takeRun,
    sweepOrphans,
    start: startRun,
    recordSkipped,
    stopElsewhere,
    /** The run of a task going in this process, if any. */
    running: (id: string): Active | undefined => active.get(id),
    get size() {
      return active.size
    },
    /** Resolves when the runs going now have ended. */
    allDone: () => Promise.all([...active.values()].map((a) => a.done)),
    /** Shutdown: stops the runs still going (recorded as cancelled, no delivery). */
    async close(): Promise<void> {
      closed = true
      for (const a of active.values()) a.cancel('closing')
      await Promise.all([...active.values()].map((a) => a.done))
    }
  }
}
