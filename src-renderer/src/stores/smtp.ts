import { createStore, type StoreApi } from 'zustand/vanilla'
import type { ApiInput, ApiOutput } from '@contract/api'
import type { SmtpSettings } from '@contract/schedules'
import type { Api } from '../api/client'
import { toApiError, type ApiError } from '../api/errors'

export type SmtpPatch = ApiInput<'scheduler.setSmtp'>
export type SmtpTestResult = ApiOutput<'scheduler.testSmtp'>

export interface SmtpState {
  smtp: SmtpSettings | null
  error: ApiError | null
  load(): Promise<void>
  save(patch: SmtpPatch): Promise<SmtpSettings>
  /** Sends a test message; a refused login or an unknown host is a result, not a rejection. */
  test(to?: string): Promise<SmtpTestResult>
}

export type SmtpStore = StoreApi<SmtpState>

/** The outgoing mail server used to email the results of digital employees. */
export function createSmtpStore(api: Api): SmtpStore {
  return createStore<SmtpState>()((set) => ({
    smtp: null,
    error: null,
    async load() {
      try {
        set({ smtp: await api.call('scheduler.smtp', {}), error: null })
      } catch (err) {
        set({ error: toApiError(err) })
      }
    },
    async save(patch) {
      const smtp = await api.call('scheduler.setSmtp', patch)
      set({ smtp, error: null })
      return smtp
    },
    test: (to) => api.call('scheduler.testSmtp', to ? { to } : {})
  }))
}
