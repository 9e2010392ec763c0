import { AgentExport, type Agent } from '@contract/entities'
import type { ApiInput } from '@contract/api'
import type { FieldMap } from '../../ui/feedback'

/** What the editor's form holds; the model picker packs provider and model into one value. */
export interface AgentFormValues {
  name: string
  avatar: string
  description: string
  model?: string
  systemPrompt: string
  welcomeMessage: string
  quickPhrases: string[]
}

const SEP = '|'
export const packModel = (providerId: string, modelId: string) => `${providerId}${SEP}${modelId}`
export function unpackModel(value: string | undefined): { providerId: string | null; model: string | null } {
  if (!value) return { providerId: null, model: null }
  const at = value.indexOf(SEP)
  return { providerId: value.slice(0, at), model: value.slice(at + 1) }
}

export const emptyAgent: AgentFormValues = {
  name: '',
  avatar: '🤖',
  description: '',
  systemPrompt: '',
  welcomeMessage: '',
  quickPhrases: []
}

export const toFormValues = (a: Agent): AgentFormValues => ({
  name: a.name,
  avatar: a.avatar,
  description: a.description,
  model: a.providerId && a.model ? packModel(a.providerId, a.model) : undefined,
  systemPrompt: a.systemPrompt,
  welcomeMessage: a.welcomeMessage,
  quickPhrases: a.quickPhrases
})

export const toInput = (v: AgentFormValues): ApiInput<'agents.create'> => ({
  name: v.name,
  avatar: v.avatar,
  description: v.description ?? '',
  ...unpackModel(v.model),
  systemPrompt: v.systemPrompt ?? '',
  welcomeMessage: v.welcomeMessage ?? '',
  quickPhrases: (v.quickPhrases ?? []).map((p) => p?.trim()).filter(Boolean)
})

/** A copy keeps everything but identity (ids, public key); the name says it is a copy. */
export function duplicateInput(a: Agent, name: string): ApiInput<'agents.create'> {
  const { id: _id, uuid: _uuid, publicKey: _key, createdAt: _c, updatedAt: _u, ...fields } = a
  return { ...fields, name: name.slice(0, 64), published: false }
}

/** The file an agent is exported as; imported agents start unpublished with fresh keys. */
export function exportAgent(a: Agent): string {
  const { published: _published, ...agent } = duplicateInput(a, a.name)
  const file: AgentExport = { format: 'agenta-agent', version: 1, agent: { ...agent, published: false } as AgentExport['agent'] }
  return JSON.stringify(file, null, 2)
}

/** Reads an exported agent; says which field is wrong when the file does not fit. */
export function parseAgentExport(text: string): ApiInput<'agents.create'> {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw new Error('not JSON')
  }
  const parsed = AgentExport.safeParse(data)
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '))
  return { ...parsed.data.agent, published: false }
}

export const agentFieldFor: FieldMap = (path) => {
  const [head, index] = path.split('.')
  if (head === 'providerId') return ['model']
  if (head === 'quickPhrases' && index !== undefined) return ['quickPhrases', Number(index)]
  return head ? [head] : null
}
