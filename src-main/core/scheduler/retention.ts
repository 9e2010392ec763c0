import type { SchedulesRepo } from '../../store/repos/schedules'

/** Retention: the newest `keep` runs of a task are kept; older runs go, with their chat sessions. */
export async function pruneRuns(repo: SchedulesRepo, taskId: string, keep: number): Promise<void> {
  const old = await repo.runs.beyond(taskId, keep)
  if (!old.length) return
  await repo.runs.deleteMany(old.map((r) => r.id))
  await repo.deleteSessions(old.flatMap((r) => (r.session_id ? [r.session_id] : [])))
}
