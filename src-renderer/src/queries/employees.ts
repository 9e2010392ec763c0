import { infiniteQueryOptions, useInfiniteQuery, useQuery } from '@tanstack/react-query'
import type { ApiInput, ApiOutput } from '@contract/api'
import type { RunStep } from '@contract/chat'
import type { Schedule, ScheduleRun } from '@contract/schedules'
import type { Api } from '../api/client'
import { toApiError, type ApiError } from '../api/errors'
import { useStudio } from '../stores/hooks'
import { apiQuery, useApiQuery } from './api-query'
import { upsert } from './collections'
import { apiKey } from './keys'
import type { ServerState } from './server-state'

export type ScheduleInput = ApiInput<'schedules.create'>
export type SchedulePatch = Omit<ApiInput<'schedules.update'>, 'id'>

export const RUN_PAGE = 20
const none: Schedule[] = []

/** Digital employees: scheduled agent tasks, kept fresh by `schedules.changed` and `schedules.run`. */
export function useSchedules(): { items: Schedule[]; loaded: boolean; error: ApiError | null } {
  const q = useApiQuery('schedules.list')
  return { items: q.data ?? none, loaded: q.isSuccess, error: q.error }
}

/**
 * A task's runs, newest first, a page at a time (each page before the oldest run shown). A
 * `schedules.run` event invalidates them, so what lands is always the server's newest answer.
 */
export const runsQuery = (api: Api, id: string) =>
  infiniteQueryOptions<ScheduleRun[], ApiError, ScheduleRun[], ReturnType<typeof apiKey<'schedules.runs'>>, number | undefined>({
    queryKey: apiKey('schedules.runs', { id, limit: RUN_PAGE }),
    queryFn: ({ pageParam: before }) =>
      api.call('schedules.runs', { id, limit: RUN_PAGE, ...(before !== undefined && { before }) }).catch((err: unknown) => Promise.reject(toApiError(err))),
    initialPageParam: undefined,
    // A full page came back: older runs may exist.
    getNextPageParam: (last) => (last.length === RUN_PAGE ? last.at(-1)?.startedAt : undefined),
    select: (data) => data.pages.flat()
  })

export const useRuns = (id: string) => useInfiniteQuery(runsQuery(useStudio().connection.api, id))

/** A run's trace: read once; the `schedules.run` event of its end invalidates one read while it went on. */
export const traceQuery = (api: Api, runId: string) => ({ ...apiQuery(api, 'runs.get', { id: runId }), staleTime: Infinity })

export function useTrace(runId: string): { steps: RunStep[] | null; error: string | null } {
  const q = useQuery(traceQuery(useStudio().connection.api, runId))
  return { steps: q.data ?? null, error: q.error?.message ?? null }
}

const keep = ({ queries }: ServerState, schedule: Schedule) => {
  queries.setQueryData<Schedule[]>(apiKey('schedules.list'), (items) => (items ? upsert(items, schedule) : items))
  return schedule
}

/** After a run starts or stops: the task (running, last run) and its history are read afresh. */
const runChanged = ({ queries }: ServerState, id: string) => {
  void queries.invalidateQueries({ queryKey: apiKey('schedules.list') })
  void queries.invalidateQueries({ queryKey: ['schedules.runs', { id }] })
}

export const createSchedule = async (s: ServerState, input: ScheduleInput) => keep(s, await s.connection.api.call('schedules.create', input))
export const updateSchedule = async (s: ServerState, id: string, patch: SchedulePatch) =>
  keep(s, await s.connection.api.call('schedules.update', { ...patch, id }))
export const pauseSchedule = async (s: ServerState, id: string) => keep(s, await s.connection.api.call('schedules.pause', { id }))
export const resumeSchedule = async (s: ServerState, id: string) => keep(s, await s.connection.api.call('schedules.resume', { id }))

export async function removeSchedule(s: ServerState, id: string): Promise<void> {
  await s.connection.api.call('schedules.delete', { id })
  s.queries.setQueryData<Schedule[]>(apiKey('schedules.list'), (items) => items?.filter((x) => x.id !== id))
  s.queries.removeQueries({ queryKey: ['schedules.runs', { id }] })
}

export async function runNow(s: ServerState, id: string): Promise<ScheduleRun> {
  const run = await s.connection.api.call('schedules.runNow', { id })
  runChanged(s, id)
  return run
}

export async function cancelRun(s: ServerState, id: string): Promise<ScheduleRun> {
  const run = await s.connection.api.call('schedules.cancelRun', { id })
  runChanged(s, id)
  return run
}

export type SchedulePreview = ApiOutput<'schedules.preview'>
