import type { ApiInput } from '@contract/api'
import type { Agent } from '@contract/entities'
import type { FieldMap } from '../../../ui/feedback'
import { packModel, unpackModel } from '../agent-form'

/** The full editor's form: every agent field that is not a binding (tools, knowledge) or publishing. */
export interface WorkspaceValues {
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

export const toWorkspaceValues = (a: Agent): WorkspaceValues => ({
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

const num = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)

/** The form → agents.update; `current` keeps what the form does not show (the agent's voice overrides). */
export function toUpdate(v: WorkspaceValues, current?: Agent): Omit<ApiInput<'agents.update'>, 'id'> {
  const params: Record<string, number> = {}
  for (const key of PARAMS) {
    const value = num(v[key])
    if (value !== undefined) params[key] = value
  }
  return {
    name: v.name,
    avatar: v.avatar,
    description: v.description ?? '',
    ...unpackModel(v.model),
    systemPrompt: v.systemPrompt ?? '',
    welcomeMessage: v.welcomeMessage ?? '',
    quickPhrases: (v.quickPhrases ?? []).map((p) => p?.trim()).filter(Boolean),
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
export const workspaceFieldFor: FieldMap = (path) => {
  const [head, sub] = path.split('.')
  if (head === 'providerId') return ['model']
  if (head === 'params' && sub) return [sub]
  if (head === 'theme') return sub === 'mode' ? ['themeMode'] : ['primaryColor']
  if (head === 'memory') return sub === 'shared' ? ['memoryShared'] : ['memoryEnabled']
  if (head === 'digitalHuman') return sub === 'explainerAvatarId' ? ['explainerAvatarId'] : ['chatAvatarId']
  if (head === 'quickPhrases' && sub !== undefined) return ['quickPhrases', Number(sub)]
  return head ? [head] : null
}
