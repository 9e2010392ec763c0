import type { ScheduleSpec } from '@contract/schedules'
import { useEffect, useState } from 'react'
import { toApiError, translateError, translateField } from '../../api/errors'
import { useStudio } from '../../stores/hooks'

export interface PreviewState {
  loading: boolean
  nextRuns: number[]
  /** The server's reason the schedule is invalid (422), or why it could not be asked. */
  error: string | null
}

const idle: PreviewState = { loading: false, nextRuns: [], error: null }

/** Next run times of the schedule being edited, asked of the core a moment after typing stops. */
export function useSchedulePreview(spec: ScheduleSpec | null, timezone: string | undefined, enabled: boolean, delayMs = 350): PreviewState {
  const studio = useStudio()
  const [state, setState] = useState<PreviewState>(idle)
  const key = enabled && spec ? JSON.stringify([spec, timezone]) : ''

  useEffect(() => {
    if (!key) return setState(idle)
    const [schedule, tz] = JSON.parse(key) as [ScheduleSpec, string | undefined]
    let live = true
    setState((s) => ({ ...s, loading: true }))
    const timer = setTimeout(() => {
      studio.connection.api.call('schedules.preview', { schedule, ...(tz && { timezone: tz }), count: 3 }).then(
        (p) => live && setState({ loading: false, nextRuns: p.nextRuns, error: null }),
        (err: unknown) => {
          if (!live) return
          const e = toApiError(err)
          // The fields say what is wrong (in the user's language); the message prefixes them.
          const reason = e.fields.length ? e.fields.map((f) => translateField(f)).join('; ') : translateError(e)
          setState({ loading: false, nextRuns: [], error: reason })
        }
      )
    }, delayMs)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [studio, key, delayMs])

  return state
}
