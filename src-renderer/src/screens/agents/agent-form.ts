import type { z } from 'zod'
import { AgentExport, type Agent } from '@contract/entities'
import type { ApiInput } from '@contract/api'
import { fieldsFromIssues, type FieldError } from '@contract/messages'
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

export const agentFieldFor: FieldMap = (path) => {
  const [head, index] = path.split('.')
  if (head === 'providerId') return ['model']
  if (head === 'quickPhrases' && index !== undefined) return ['quickPhrases', Number(index)]
  return head ? [head] : null
}
