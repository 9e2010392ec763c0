import type { RunStep } from '@contract/chat'
import { useEffect, useState } from 'react'
import { toApiError } from '../api/errors'

/** The steps of a run, loaded once per run id; `error` holds why they could not be read. */
export function useRunSteps(load: (runId: string) => Promise<RunStep[]>, runId: string) {
  const [steps, setSteps] = useState<RunStep[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    load(runId).then(
      (s) => live && setSteps(s),
      (err: unknown) => live && setError(toApiError(err).message)
    )
    return () => {
      live = false
    }
  }, [load, runId])
  return { steps, error }
}

/** Where a run's steps sit on one time line: its start, end and length (at least 1 ms). */
export function runSpan(steps: RunStep[]) {
  const start = Math.min(...steps.map((s) => s.startedAt))
  const end = Math.max(...steps.map((s) => s.endedAt ?? s.startedAt))
  return { start, end, span: Math.max(1, end - start) }
}
