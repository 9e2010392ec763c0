import { createStore, type StoreApi } from 'zustand/vanilla'
import type { ApiInput, ApiOutput } from '@contract/api'
import type { ServerStatus, Settings } from '@contract/entities'
import type { Api } from '../api/client'
import { toApiError, type ApiError } from '../api/errors'

export type AppInfo = ApiOutput<'app.info'>

export interface SettingsState {
  settings: Settings | null
  info: AppInfo | null
  server: ServerStatus | null
  error: ApiError | null
  load(): Promise<void>
  update(patch: ApiInput<'settings.update'>): Promise<Settings>
  /** Pushed by studio events. */
  apply(next: { settings?: Settings; server?: ServerStatus }): void
}

export type SettingsStore = StoreApi<SettingsState>

export function createSettingsStore(api: Api): SettingsStore {
  return createStore<SettingsState>()((set) => ({
    settings: null,
    info: null,
    server: null,
    error: null,
    async load() {
      try {
        // The server's status (its token) is for admins: others simply do not see it.
        const status = api.call('server.status', {}).catch((err: unknown) => {
          if (toApiError(err).code === 'forbidden') return null
          throw err
        })
        const [settings, info, server] = await Promise.all([api.call('settings.get', {}), api.call('app.info', {}), status])
        set({ settings, info, server, error: null })
      } catch (err) {
        set({ error: toApiError(err) })
      }
    },
    async update(patch) {
      const settings = await api.call('settings.update', patch)
      set({ settings })
      return settings
    },
    apply: (next) => set(next)
  }))
}
