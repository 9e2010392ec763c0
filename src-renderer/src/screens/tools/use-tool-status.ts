import type { ToolStatus } from '@contract/entities'
import { useCallback, useEffect, useState } from 'react'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'

export const STATE_BADGE = { idle: 'default', connecting: 'processing', ready: 'success', failed: 'error' } as const

/**
 * Connection state of every MCP server, live from `tools.status` events while the screen is open;
 * `put` records a state learnt otherwise (a connection test).
 */
export function useToolStatus(): [Record<string, ToolStatus>, (s: ToolStatus) => void] {
  const studio = useStudio()
  const { fail } = useFeedback()
  const [status, setStatus] = useState<Record<string, ToolStatus>>({})
  useEffect(() => {
    studio.connection.api.call('tools.status', {}).then(
      (all) => setStatus(Object.fromEntries(all.map((s) => [s.toolId, s]))),
      (err: unknown) => fail(err)
    )
    return studio.connection.events((name, payload) => {
      if (name === 'tools.status') setStatus((s) => ({ ...s, [(payload as ToolStatus).toolId]: payload as ToolStatus }))
    })
  }, [studio, fail])
  const put = useCallback((s: ToolStatus) => setStatus((all) => ({ ...all, [s.toolId]: s })), [])
  return [status, put]
}
