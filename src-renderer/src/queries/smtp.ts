import type { ApiInput } from '@contract/api'
import type { SmtpSettings } from '@contract/schedules'
import { apiKey } from './keys'
import type { ServerState } from './server-state'

export type SmtpPatch = ApiInput<'scheduler.setSmtp'>

/** Saves the outgoing mail server (used to email digital employees' results); the form's query gets the answer. */
export async function saveSmtp({ connection: { api }, queries }: ServerState, patch: SmtpPatch): Promise<SmtpSettings> {
  const smtp = await api.call('scheduler.setSmtp', patch)
  queries.setQueryData(apiKey('scheduler.smtp'), smtp)
  return smtp
}
