import type { z } from 'zod'
import { AgentExport, type Agent } from '@contract/entities'
import type { ApiInput } from '@contract/api'
import { fieldsFromIssues, type FieldError } from '@contract/messages'
import type { FieldMap } from '../../ui/feedback'

const SEP = '|'
export const packModel = (providerId: string, modelId: string) => `${providerId}${SEP}${modelId}`
export function unpackModel(value: string | undefined): { providerId: string | null; model: string | null } {
  if (!value) return { providerId: null, model: null }
  const at = value.indexOf(SEP)
  return { providerId: value.slice(0, at), model: value.slice(at + 1) }
}

/**
 * The agent's form, in the editor and (its basics) in the "new agent" drawer: every agent field
 * that is not a binding (tools, knowledge) or publishing. The model picker packs provider and
 * model into one value.
 */
export interface AgentFormValues {
  name: string
  avatar: string
  description: string
  model?: string
  systemPrompt: string
  welcomeMessage: string
  quickPhrases: string[]
  temperature?: number | null
  topP?: number | null
  maxTokens?: number | null
  presencePenalty?: number | null
  frequencyPenalty?: number | null
  maxSteps: number
  cardTemplates: string[]
  primaryColor?: string | null
  themeMode: 'light' | 'dark' | 'system'
  memoryEnabled: boolean
  memoryShared: boolean
  /** Digital humans of the registry (or a bare built-in look); null = none. */
  chatAvatarId?: string | null
  explainerAvatarId?: string | null
}

export const PARAMS = ['temperature', 'topP', 'maxTokens', 'presencePenalty', 'frequencyPenalty'] as const

export const toFormValues = (a: Agent): AgentFormValues => ({
  name: a.name,
  avatar: a.avatar,
  description: a.description,
  model: a.providerId && a.model ? packModel(a.providerId, a.model) : undefined,
  systemPrompt: a.systemPrompt,
  welcomeMessage: a.welcomeMessage,
  quickPhrases: a.quickPhrases,
  temperature: a.params.temperature ?? null,
  topP: a.params.topP ?? null,
  maxTokens: a.params.maxTokens ?? null,
  presencePenalty: a.params.presencePenalty ?? null,
  frequencyPenalty: a.params.frequencyPenalty ?? null,
  maxSteps: a.maxSteps,
  cardTemplates: a.cardTemplates,
  primaryColor: a.theme.primaryColor ?? null,
  themeMode: a.theme.mode ?? 'system',
  memoryEnabled: a.memory?.enabled ?? false,
  memoryShared: a.memory?.shared ?? false,
  chatAvatarId: a.digitalHuman?.chatAvatarId ?? null,
  explainerAvatarId: a.digitalHuman?.explainerAvatarId ?? null
})

/** The fields the "new agent" drawer shows; the server fills in the rest. */
export type NewAgentValues = Pick<AgentFormValues, 'name' | 'avatar' | 'description' | 'model' | 'systemPrompt' | 'welcomeMessage' | 'quickPhrases'>

export const emptyAgent: NewAgentValues = {
  name: '',
  avatar: '🤖',
  description: '',
  systemPrompt: '',
  welcomeMessage: '',
  quickPhrases: []
}

/** The basics → agents.create (and the first part of agents.update). */
export const toInput = (v: NewAgentValues): ApiInput<'agents.create'> => ({
  name: v.name,
  avatar: v.avatar,
  description: v.description ?? '',
  ...unpackModel(v.model),
  systemPrompt: v.systemPrompt ?? '',
  welcomeMessage: v.welcomeMessage ?? '',
  quickPhrases: (v.quickPhrases ?? []).map((p) => p?.trim()).filter(Boolean)
})

const num = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)

/** The form → agents.update; `current` keeps what the form does not show (the agent's voice overrides). */
export function toUpdate(v: AgentFormValues, current?: Agent): Omit<ApiInput<'agents.update'>, 'id'> {
  const params: Record<string, number> = {}
  for (const key of PARAMS) {
    const value = num(v[key])
    if (value !== undefined) params[key] = value
  }
  return {
    ...toInput(v),
    params,
    maxSteps: v.maxSteps,
    cardTemplates: v.cardTemplates ?? [],
    theme: { ...(v.primaryColor ? { primaryColor: v.primaryColor } : {}), mode: v.themeMode },
    memory: { enabled: !!v.memoryEnabled, shared: !!v.memoryShared },
    digitalHuman: withAvatars(current?.digitalHuman ?? null, v.chatAvatarId, v.explainerAvatarId)
  }
}

function withAvatars(current: Agent['digitalHuman'], chat: string | null | undefined, explainer: string | null | undefined): Agent['digitalHuman'] {
  const { chatAvatarId: _c, explainerAvatarId: _e, ...rest } = current ?? {}
  const next = { ...rest, ...(chat ? { chatAvatarId: chat } : {}), ...(explainer ? { explainerAvatarId: explainer } : {}) }
  return Object.keys(next).length || current ? next : null
}

/** Contract paths (params.temperature, theme.primaryColor…) → this form's fields. */
export const agentFieldFor: FieldMap = (path) => {
  const [head, sub] = path.split('.')
  if (head === 'providerId') return ['model']
  if (head === 'params' && sub) return [sub]
  if (head === 'theme') return sub === 'mode' ? ['themeMode'] : ['primaryColor']
  if (head === 'memory') return sub === 'shared' ? ['memoryShared'] : ['memoryEnabled']
  if (head === 'digitalHuman') return sub === 'explainerAvatarId' ? ['explainerAvatarId'] : ['chatAvatarId']
  if (head === 'quickPhrases' && sub !== undefined) return ['quickPhrases', Number(sub)]
  return head ? [head] : null
}

/** A copy keeps everything but identity (ids, public key); the name says it is a copy. */
export function duplicateInput(a: Agent, name: string): ApiInput<'agents.create'> {
  const { id: _id, uuid: _uuid, publicKey: _key, createdAt: _c, updatedAt: _u, ...fields } = a
  return { ...fields, name: name.slice(0, 64), published: false }
}

export type AgentFile = z.output<typeof AgentExport>
type Bindings = Pick<z.input<typeof AgentExport>, 'tools' | 'knowledgeBases'>

/** The file an agent is exported as, with its bindings; imported agents start unpublished with fresh keys. */
export function exportAgent(a: Agent, bindings: Bindings = {}): string {
  const { published: _published, ...agent } = duplicateInput(a, a.name)
  const file: z.input<typeof AgentExport> = {
    format: 'agenta-agent',
    version: 1,
    agent: { ...agent, published: false },
    tools: bindings.tools ?? [],
    knowledgeBases: bindings.knowledgeBases ?? []
  }
  return JSON.stringify(file, null, 2)
}

/** Why a file cannot be imported: `code` picks the translated sentence, `message` and `fields` have the details. */
export class AgentFileError extends Error {
  constructor(
    readonly code: 'notJson' | 'notAgentFile' | 'versionMissing' | 'newerVersion' | 'invalid',
    message: string,
    readonly fields: FieldError[] = []
  ) {
    super(message)
  }
}

/** Reads an exported agent with its bindings; says which field is wrong when the file does not fit. */
export function readAgentFile(text: string): AgentFile {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw new AgentFileError('notJson', 'not JSON')
  }
  const head = (data ?? {}) as { format?: unknown; version?: unknown }
  if (typeof data !== 'object' || head.format !== 'agenta-agent') throw new AgentFileError('notAgentFile', 'format: not an Agenta agent file')
  if (head.version === undefined) throw new AgentFileError('versionMissing', 'version missing: not an Agenta Studio export')
  if (typeof head.version === 'number' && head.version > 1) throw new AgentFileError('newerVersion', `version ${head.version}: made by a newer Agenta Studio`)
  const parsed = AgentExport.safeParse(data)
  if (!parsed.success) {
    const fields = fieldsFromIssues(parsed.error.issues)
    throw new AgentFileError('invalid', fields.map((f) => (f.path ? `${f.path}: ${f.message}` : f.message)).join('; '), fields)
  }
  return { ...parsed.data, agent: { ...parsed.data.agent, published: false } }
}

/** The agent of an exported file, as agents.create takes it. */
export const parseAgentExport = (text: string): ApiInput<'agents.create'> => readAgentFile(text).agent

/** `name`, or `name (2)`, `name (3)`… : the first not taken (an import never makes a second agent of the same name). */
export function uniqueName(name: string, taken: Iterable<string>): string {
  const names = new Set(taken)
  if (!names.has(name)) return name
  for (let n = 2; ; n++) {
    const suffix = ` (${n})`
    const candidate = name.slice(0, 64 - suffix.length) + suffix
    if (!names.has(candidate)) return candidate
  }
}
