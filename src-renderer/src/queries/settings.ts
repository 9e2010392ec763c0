import { queryOptions, useQuery } from '@tanstack/react-query'
import type { ApiInput, ApiOutput } from '@contract/api'
import type { ServerStatus, Settings } from '@contract/entities'
import type { Api } from '../api/client'
import type { ApiError } from '../api/errors'
import { useStudio } from '../stores/hooks'
import { apiQuery, callUnlessForbidden } from './api-query'
import { apiKey } from './keys'
import type { ServerState } from './server-state'

export type AppInfo = ApiOutput<'app.info'>

// Loaded once by Boot, then pushed by `settings.changed` / `server.changed`: never stale, never dropped.
const pushed = { staleTime: Infinity, gcTime: Infinity } as const

export const settingsQuery = (api: Api) => queryOptions({ ...apiQuery(api, 'settings.get'), ...pushed })
export const appInfoQuery = (api: Api) => queryOptions({ ...apiQuery(api, 'app.info'), ...pushed })
/** The server's status (its token) is for admins: others simply do not see it (null). */
export const serverStatusQuery = (api: Api) =>
  queryOptions<ServerStatus | null, ApiError>({
    queryKey: apiKey('server.status'),
    queryFn: () => callUnlessForbidden(api, 'server.status', {}),
    ...pushed
  })

/** Boot's step before the shell: settings, app info and server status, read afresh (rejects with the first failure). */
export async function loadSettings({ connection: { api }, queries }: ServerState): Promise<void> {
  const fresh = { staleTime: 0 }
  await Promise.all([
    queries.fetchQuery({ ...settingsQuery(api), ...fresh }),
    queries.fetchQuery({ ...appInfoQuery(api), ...fresh }),
    queries.fetchQuery({ ...serverStatusQuery(api), ...fresh })
  ])
}

// Readers only: before Boot has loaded them (the sign-in screens, the theme) they are simply not there yet.
const reader = { enabled: false } as const
export const useSettings = (): Settings | null => useQuery({ ...settingsQuery(useStudio().connection.api), ...reader }).data ?? null
export const useAppInfo = (): AppInfo | null => useQuery({ ...appInfoQuery(useStudio().connection.api), ...reader }).data ?? null
export const useServerStatus = (): ServerStatus | null => useQuery({ ...serverStatusQuery(useStudio().connection.api), ...reader }).data ?? null

export async function updateSettings({ connection: { api }, queries }: ServerState, patch: ApiInput<'settings.update'>): Promise<Settings> {
  const settings = await api.call('settings.update', patch)
  queries.setQueryData(apiKey('settings.get'), settings)
  return settings
}
