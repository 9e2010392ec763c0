import type { Kysely } from 'kysely'
import type { z } from 'zod'
import { defaultSettings, Settings, type SettingsUpdate } from '../../contract/entities'
import type { DB } from '../../store/schema'
import { settingsRepo } from '../../store/repos/settings'
import type { StudioEvents } from '../events'
import { KeyedMutex } from '../../base/keyed-mutex'
import type { KeyedLock } from '../coordination/types'

export type SettingsService = ReturnType<typeof settingsService>

const KEY = 'app'

/** `locks`: the team server's shared lock, so processes updating settings together lose no change. */
export function settingsService(db: Kysely<DB>, events: StudioEvents, locks: KeyedLock = new KeyedMutex()) {
  const repo = settingsRepo(db)

  async function get(): Promise<Settings> {
    const stored = await repo.get<unknown>(KEY)
    // Stored settings from an older version may lack newer fields: fill them from the defaults.
    const merged = { ...defaultSettings, ...(stored as object), server: { ...defaultSettings.server, ...(stored as Settings | undefined)?.server } }
    const parsed = Settings.safeParse(merged)
    return parsed.success ? parsed.data : defaultSettings
  }

  // Updates are read-modify-write: run them one at a time (across processes) so none is lost.

  return {
    get,
    update: (patch: z.output<typeof SettingsUpdate>): Promise<Settings> =>
      locks.run(`settings:${KEY}`, async () => {
        const current = await get()
        const next = Settings.parse({ ...current, ...patch, server: { ...current.server, ...patch.server } })
        await repo.set(KEY, next)
        events.emit('settings.changed', next)
        return next
      }),
    /** Other keys (server token, window state) share the table. */
    raw: repo
  }
}
