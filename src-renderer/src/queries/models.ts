import { useQuery } from '@tanstack/react-query'
import type { ApiInput, ApiOutput } from '@contract/api'
import type { Model, ModelType, ProviderPreset } from '@contract/entities'
import type { ApiError } from '../api/errors'
import { roleOf } from '../stores/auth'
import { useAuth } from '../stores/auth-context'
import { useStudio } from '../stores/hooks'
import { apiQuery, useApiQuery } from './api-query'
import { upsert, useCollection, type CollectionView } from './collections'
import { apiKey } from './keys'
import type { ServerState } from './server-state'

export type TestResult = ApiOutput<'providers.test'>
export type RefreshResult = ApiOutput<'providers.refreshModels'>

const none: Model[] = []

/** Providers and models are for builders and admins: a member's studio never asks for them. */
const useMayRead = () => useAuth((s) => roleOf(s.me) !== 'member')

export const useProviders = (): CollectionView<'providers'> => useCollection('providers', { enabled: useMayRead() })

/** Every provider's models: the agent and knowledge-base pickers need them all. */
export function useModels(): { models: Model[]; error: ApiError | null } {
  const q = useApiQuery('models.list', {}, { enabled: useMayRead() })
  return { models: q.data ?? none, error: q.error }
}

/** The provider presets: part of the build, read once. */
export function usePresets(opts: { enabled?: boolean } = {}): { presets: ProviderPreset[]; error: ApiError | null } {
  const q = useQuery({ ...apiQuery(useStudio().connection.api, 'providers.presets'), staleTime: Infinity, ...opts })
  return { presets: q.data ?? [], error: q.error }
}

const setModels = ({ queries }: ServerState, change: (models: Model[]) => Model[]) =>
  queries.setQueryData<Model[]>(apiKey('models.list'), (models) => (models ? change(models) : models))

export async function refreshModels(s: ServerState, providerId: string): Promise<RefreshResult> {
  const result = await s.connection.api.call('providers.refreshModels', { id: providerId })
  setModels(s, (models) => [...models.filter((m) => m.providerId !== providerId), ...result.models])
  return result
}

export async function addModel(s: ServerState, input: ApiInput<'models.create'>): Promise<Model> {
  const model = await s.connection.api.call('models.create', input)
  setModels(s, (models) => upsert(models, model))
  return model
}

export async function setModelType(s: ServerState, id: string, type: ModelType): Promise<Model> {
  const model = await s.connection.api.call('models.update', { id, type })
  setModels(s, (models) => upsert(models, model))
  return model
}

export async function removeModel(s: ServerState, id: string): Promise<void> {
  await s.connection.api.call('models.delete', { id })
  setModels(s, (models) => models.filter((m) => m.id !== id))
}
