import type { QueryClient } from '@tanstack/react-query'
import type { EndpointName, StudioEvent, StudioEventName } from '@contract/api'
import { documentsChanged, ingestionProgress } from './knowledge'
import { sourcesChanged } from './knowledge-sources'
import { apiKey } from './keys'
import { memoriesChanged, memoryFailed } from './memory'

type OnEvent = { [N in StudioEventName]?: (queries: QueryClient, payload: StudioEvent<N>) => void }

/** Marks every cached answer of these endpoints stale; the ones on screen refetch. */
const invalidate = (queries: QueryClient, ...names: EndpointName[]) => {
  for (const name of names) void queries.invalidateQueries({ queryKey: [name] })
}

/**
 * Studio events → the cache. An event that carries the new value sets it; one that names what
 * changed invalidates the endpoints that answer about it.
 */
const onEvent: OnEvent = {
  'settings.changed': (queries, settings) => queries.setQueryData(apiKey('settings.get'), settings),
  'server.changed': (queries, server) => queries.setQueryData(apiKey('server.status'), server),
  'providers.changed': (queries) => invalidate(queries, 'providers.list', 'models.list'),
  'agents.changed': (queries) => invalidate(queries, 'agents.list'),
  'tools.changed': (queries) => invalidate(queries, 'tools.list'),
  'knowledgeBases.changed': (queries) => invalidate(queries, 'knowledgeBases.list'),
  'knowledge.progress': (queries, progress) => ingestionProgress(queries, progress),
  'knowledge.documents': (queries, { kbId }) => documentsChanged(queries, kbId),
  'knowledge.sources': (queries, { kbId }) => sourcesChanged(queries, kbId),
  'digitalHumans.changed': (queries) => invalidate(queries, 'digitalHumans.list'),
  'sessions.changed': (queries, { agentId }) => void queries.invalidateQueries({ queryKey: ['sessions.list', { agentId }] }),
  'memories.changed': (queries, { userId }) => memoriesChanged(queries, userId),
  'memories.failed': (queries, failure) => memoryFailed(queries, failure),
  'schedules.changed': (queries) => invalidate(queries, 'schedules.list'),
  'schedules.run': (queries, run) => {
    invalidate(queries, 'schedules.list')
    void queries.invalidateQueries({ queryKey: ['schedules.runs', { id: run.scheduleId }] })
    // A finished run's trace may have been read while it was still going.
    if (run.runId && run.status !== 'running') void queries.invalidateQueries({ queryKey: apiKey('runs.get', { id: run.runId }) })
  }
}

/** Applies one studio event (its payload already checked against the contract). */
export function applyEvent<N extends StudioEventName>(queries: QueryClient, name: N, payload: StudioEvent<N>): void {
  onEvent[name]?.(queries, payload)
}
