import { toStoredSchedule, type SchedulesRepo } from '../../store/repos/schedules'
import { num } from '../../store/errors'
import type { StudioEvents } from '../events'
import type { Claims } from '../coordination/types'
import { nextAfter } from './next-run'
import type { ScheduleRunner } from './runner'
import { localTime } from './zoned-time'
import { log } from '../../base/log'

/** A slot's claim outlives any process that could still be looking at that slot. */
const CLAIM_TTL_MS = 24 * 3600_000
/** When the claim cannot be asked (Redis away), the slot is tried again this soon rather than dropped. */
const CLAIM_RETRY_MS = 5_000
/** How often runs left `running` by a process that died (its lease ran out) are looked for. */
const ORPHAN_SWEEP_MS = 60_000

export const loopDone = (s: { loopCount: number; runCount: number }) => s.loopCount > 0 && s.runCount >= s.loopCount

export interface SlotTimerDeps {
  repo: SchedulesRepo
  events: StudioEvents
  /** Which process fires a slot when several share the database: the first to claim it. */
  claims: Claims
  runner: ScheduleRunner
  options: { maxSleepMs: number; missedGraceMs: number }
  changed(id: string): void
}

export type SlotTimer = ReturnType<typeof slotTimer>

/**
 * When tasks run (as Cherry Studio's SchedulerService beside its JobManager): one timer sleeps
 * until the soonest due task (at most maxSleepMs); at a slot it claims it across processes, moves
 * the task to its next slot, and hands the run to the runner — or records why it was skipped.
 */
export function slotTimer(deps: SlotTimerDeps) {
  const { repo, runner, options, changed } = deps
  /** Enabled tasks with a next run: id → next_run_at. */
  const due = new Map<string, number>()
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
    const busy = runner.running(id)
    const skipMissed = late && s.missedPolicy === 'skip'
    try {
      mine = claimed.get(id) === slot || (await deps.claims.claimOnce(`schedule:${id}:${slot}`, CLAIM_TTL_MS))
      if (mine) claimed.set(id, slot)
      // An orphan sweep holds the lock for a moment: wait a little rather than skip for it.
      if (mine && !busy && !skipMissed) release = await runner.takeRun(id, 3_000)
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
      await runner.recordSkipped(s, late ? 'missed' : 'schedule', slot, why)
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
    await runner.start({ ...s, runCount, nextRunAt: next }, late ? 'missed' : 'schedule', slot, release)
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

  /** Marks runs a crash left `running` as failed, then starts the timer (missed runs are handled on its first tick). */
  async function start(): Promise<void> {
    await runner.sweepOrphans()
    sweeper = setInterval(() => void runner.sweepOrphans().catch((err) => log.warn({ err }, 'looking for orphaned scheduled runs failed')), ORPHAN_SWEEP_MS)
    sweeper.unref()
    for (const r of await repo.due()) due.set(r.id, num(r.next_run_at))
    // Tasks created or edited through another process (the events come through the coordination bus).
    unsubscribe = deps.events.subscribe((name, payload) => {
      if (name === 'schedules.changed') void reload((payload as { id: string }).id)
    })
    started = true
    void tick()
  }

  /** No task fires any more (shutdown's first step, and close). */
  async function stopFiring(): Promise<void> {
    firing = false
    clearInterval(sweeper)
    unsubscribe?.()
    clearTimeout(timer)
    await ticking
  }

  return {
    start,
    setDue,
    stopFiring,
    /** Whether a new run may start in this process (not shutting down). */
    get firing() {
      return firing && !closed
    },
    get started() {
      return started && !closed
    },
    /** Resolves when no tick is pending. */
    settled: () => ticking,
    close(): void {
      closed = true
      firing = false
      clearInterval(sweeper)
      unsubscribe?.()
      clearTimeout(timer)
    }
  }
}
