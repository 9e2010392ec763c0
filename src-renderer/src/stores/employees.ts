import { createStore, type StoreApi } from 'zustand/vanilla'
import type { ApiInput, ApiOutput } from '@contract/api'
import type { RunStep } from '@contract/chat'
import type { Schedule, ScheduleRun, ScheduleRunEvent } from '@contract/schedules'
import type { Api } from '../api/client'
import { toApiError, type ApiError } from '../api/errors'
import { upsert } from '../queries/collections'

export type ScheduleInput = ApiInput<'schedules.create'>
export type SchedulePatch = Omit<ApiInput<'schedules.update'>, 'id'>
export type PreviewInput = ApiInput<'schedules.preview'>
export type SchedulePreview = ApiOutput<'schedules.preview'>

export interface RunsState {
  items: ScheduleRun[]
  loading: boolean
  error: ApiError | null
  /** A full page came back: older runs may exist. */
  hasMore: boolean
}

export interface EmployeesState {
  items: Schedule[]
  loading: boolean
  loaded: boolean
  error: ApiError | null
  /** Run history per task, for the tasks whose history was opened. */
  runs: Record<string, RunsState>
  load(): Promise<void>
  create(input: ScheduleInput): Promise<Schedule>
  update(id: string, patch: SchedulePatch): Promise<Schedule>
  remove(id: string): Promise<void>
  runNow(id: string): Promise<ScheduleRun>
  cancelRun(id: string): Promise<ScheduleRun>
  pause(id: string): Promise<Schedule>
  resume(id: string): Promise<Schedule>
  /** Loads a task's newest runs, or (more) the page before the oldest one shown. */
  loadRuns(id: string, more?: boolean): Promise<void>
  /** Next run times of a draft schedule; rejects with the server's 422 when it is invalid. */
  preview(input: PreviewInput): Promise<SchedulePreview>
  trace(runId: string): Promise<RunStep[]>
  /** Studio events. */
  onChanged(id: string): void
  onRun(run: ScheduleRunEvent): void
}

export type EmployeesStore = StoreApi<EmployeesState>

const RUN_PAGE = 20
const noRuns: RunsState = { items: [], loading: false, error: null, hasMore: false }

/**
 * A run never goes back to `running`: a "run now" answer (status running) that arrives after the
 * event of its end, as it does when the run fails at once, must not bring it back to life.
 */
const upsertRun = (items: ScheduleRun[], run: ScheduleRun) => {
  const known = items.find((r) => r.id === run.id)
  if (known && known.status !== 'running' && run.status === 'running') return items
  const next = upsert(items, run)
  return next.sort((a, b) => b.startedAt - a.startedAt)
}

/** Digital employees: scheduled agent tasks, their runs and traces. */
export function createEmployeesStore(api: Api): EmployeesStore {
  let loadSeq = 0
  /** Per task, the newest schedules.get asked: answers can overtake each other; only the newest lands. */
  const refreshSeq = new Map<string, number>()
  const traces = new Map<string, Promise<RunStep[]>>()

  return createStore<EmployeesState>()((set, get) => {
    const keep = (schedule: Schedule) => {
      // What a mutation answered is newer than any schedules.get still under way.
      refreshSeq.set(schedule.id, (refreshSeq.get(schedule.id) ?? 0) + 1)
      set((s) => ({ items: upsert(s.items, schedule) }))
      return schedule
    }
    const patchRuns = (id: string, patch: Partial<RunsState> | ((r: RunsState) => Partial<RunsState>)) =>
      set((s) => {
        const cur = s.runs[id] ?? noRuns
        return { runs: { ...s.runs, [id]: { ...cur, ...(typeof patch === 'function' ? patch(cur) : patch) } } }
      })
    const refreshOne = async (id: string) => {
      const seq = (refreshSeq.get(id) ?? 0) + 1
      refreshSeq.set(id, seq)
      try {
        const schedule = await api.call('schedules.get', { id })
        if (refreshSeq.get(id) === seq) keep(schedule)
      } catch (err) {
        if (refreshSeq.get(id) === seq && toApiError(err).code === 'not_found') set((s) => ({ items: s.items.filter((x) => x.id !== id) }))
      }
    }

    return {
      items: [],
      loading: false,
      loaded: false,
      error: null,
      runs: {},

      async load() {
        const seq = ++loadSeq
        set({ loading: true })
        try {
          const items = await api.call('schedules.list', {})
          if (seq === loadSeq) set({ items, loading: false, loaded: true, error: null })
        } catch (err) {
          if (seq === loadSeq) set({ loading: false, error: toApiError(err) })
        }
      },
      create: async (input) => keep(await api.call('schedules.create', input)),
      update: async (id, patch) => keep(await api.call('schedules.update', { ...patch, id })),
      async remove(id) {
        await api.call('schedules.delete', { id })
        set((s) => {
          const runs = { ...s.runs }
          delete runs[id]
          return { items: s.items.filter((x) => x.id !== id), runs }
        })
      },
      async runNow(id) {
        const run = await api.call('schedules.runNow', { id })
        patchRuns(id, (r) => ({ items: upsertRun(r.items, run) }))
        void refreshOne(id)
        return run
      },
      async cancelRun(id) {
        const run = await api.call('schedules.cancelRun', { id })
        patchRuns(id, (r) => ({ items: upsertRun(r.items, run) }))
        void refreshOne(id)
        return run
      },
      pause: async (id) => keep(await api.call('schedules.pause', { id })),
      resume: async (id) => keep(await api.call('schedules.resume', { id })),

      async loadRuns(id, more = false) {
        const cur = get().runs[id] ?? noRuns
        if (more && (cur.loading || !cur.hasMore)) return
        const before = more ? cur.items.at(-1)?.startedAt : undefined
        patchRuns(id, { loading: true })
        try {
          const page = await api.call('schedules.runs', { id, limit: RUN_PAGE, ...(before !== undefined && { before }) })
          patchRuns(id, (r) => ({ items: more ? [...r.items, ...page] : page, loading: false, error: null, hasMore: page.length === RUN_PAGE }))
        } catch (err) {
          patchRuns(id, { loading: false, error: toApiError(err) })
        }
      },
      preview: (input) => api.call('schedules.preview', input),
      trace(runId) {
        let steps = traces.get(runId)
        if (!steps) {
          steps = api.call('runs.get', { id: runId })
          traces.set(runId, steps)
          // A failed read may succeed later (the run was still being written).
          steps.catch(() => traces.delete(runId))
        }
        return steps
      },

      onChanged(id) {
        void refreshOne(id)
      },
      onRun(event) {
        const { scheduleName: _name, notify: _notify, ...run } = event
        // Only histories already open are kept fresh; others load when opened.
        if (get().runs[run.scheduleId]) patchRuns(run.scheduleId, (r) => ({ items: upsertRun(r.items, run) }))
        // A finished run's trace may have been read while it was still going.
        if (run.runId && run.status !== 'running') traces.delete(run.runId)
        void refreshOne(run.scheduleId)
      }
    }
  })
}
