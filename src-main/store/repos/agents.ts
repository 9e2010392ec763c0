import type { Kysely, Selectable } from 'kysely'
import type { AgentsTable, DB } from '../schema'
import type { Agent } from '../../contract/entities'
import { bool, json, num } from '../errors'
import { nothingToSet } from './nothing-to-set'
import { boolColumn, columns, jsonColumn } from './columns'

export type AgentRow = Selectable<AgentsTable>

export const toAgent = (r: AgentRow): Agent => ({
  id: r.id,
  uuid: r.uuid,
  name: r.name,
  description: r.description,
  avatar: r.avatar,
  providerId: r.provider_id,
  model: r.model,
  systemPrompt: r.system_prompt,
  params: json(r.params, {}),
  welcomeMessage: r.welcome_message,
  quickPhrases: json(r.quick_phrases, []),
  theme: json(r.theme, {}),
  cardTemplates: json(r.card_templates, []),
  digitalHuman: json(r.digital_human, null),
  maxSteps: num(r.max_steps),
  published: bool(r.published),
  allowedOrigins: json(r.allowed_origins, []),
  memory: json(r.memory, { enabled: false, shared: false }),
  publicKey: r.public_key ?? '',
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at)
})

/** Entity fields → columns; only the fields present are written. */
export const agentColumns = (a: Partial<Agent>): Partial<AgentRow> =>
  columns<AgentRow>({
    name: a.name,
    description: a.description,
    avatar: a.avatar,
    provider_id: a.providerId,
    model: a.model,
    system_prompt: a.systemPrompt,
    params: a.params && JSON.stringify(a.params),
    welcome_message: a.welcomeMessage,
    quick_phrases: a.quickPhrases && JSON.stringify(a.quickPhrases),
    theme: a.theme && JSON.stringify(a.theme),
    card_templates: a.cardTemplates && JSON.stringify(a.cardTemplates),
    digital_human: jsonColumn(a.digitalHuman),
    max_steps: a.maxSteps,
    published: boolColumn(a.published),
    allowed_origins: a.allowedOrigins && JSON.stringify(a.allowedOrigins),
    memory: a.memory && JSON.stringify(a.memory)
  })

export function agentsRepo(db: Kysely<DB>) {
  return {
    list: () => db.selectFrom('agents').selectAll().orderBy('created_at').execute(),
    /** By id or by the chat protocol's uuid: clients know one or the other. */
    find: (idOrUuid: string) =>
      db
        .selectFrom('agents')
        .selectAll()
        .where((eb) => eb.or([eb('id', '=', idOrUuid), eb('uuid', '=', idOrUuid)]))
        .executeTakeFirst(),
    insert: (row: AgentRow) => db.insertInto('agents').values(row).execute(),
    update: async (id: string, patch: Partial<AgentRow>) => {
      if (nothingToSet(patch)) return
      await db.updateTable('agents').set(patch).where('id', '=', id).execute()
    },
    delete: (id: string) => db.deleteFrom('agents').where('id', '=', id).execute()
  }
}
