import { createStore, type StoreApi } from 'zustand/vanilla'
import type { ApiInput, ApiOutput } from '@contract/api'
import type { Model, ModelType, ProviderPreset } from '@contract/entities'
import type { Api } from '../api/client'
import { toApiError, type ApiError } from '../api/errors'
import { collectionSlice, upsert, type CollectionState } from './collection'

export type TestResult = ApiOutput<'providers.test'>
export type RefreshResult = ApiOutput<'providers.refreshModels'>

export interface ProvidersState extends CollectionState<'providers'> {
  presets: ProviderPreset[]
  /** Every provider's models: the agent and knowledge-base pickers need them all. */
  models: Model[]
  modelsError: ApiError | null
  loadPresets(): Promise<void>
  loadModels(): Promise<void>
  test(id: string): Promise<TestResult>
  refreshModels(id: string): Promise<RefreshResult>
  addModel(input: ApiInput<'models.create'>): Promise<Model>
  setModelType(id: string, type: ModelType): Promise<Model>
  removeModel(id: string): Promise<void>
}

export type ProvidersStore = StoreApi<ProvidersState>

export function createProvidersStore(api: Api): ProvidersStore {
  let modelsSeq = 0
  return createStore<ProvidersState>()((set, get) => {
    const collection = collectionSlice(api, 'providers', set)
    return {
      ...collection,
      presets: [],
      models: [],
      modelsError: null,
      async loadPresets() {
        if (get().presets.length) return
        set({ presets: await api.call('providers.presets', {}) })
      },
      async loadModels() {
        const seq = ++modelsSeq
        try {
          const models = await api.call('models.list', {})
          if (seq === modelsSeq) set({ models, modelsError: null })
        } catch (err) {
          if (seq === modelsSeq) set({ modelsError: toApiError(err) })
        }
      },
      test: (id) => api.call('providers.test', { id }),
      async refreshModels(id) {
        const result = await api.call('providers.refreshModels', { id })
        set((s) => ({ models: [...s.models.filter((m) => m.providerId !== id), ...result.models] }))
        return result
      },
      async addModel(input) {
        const model = await api.call('models.create', input)
        set((s) => ({ models: upsert(s.models, model) }))
        return model
      },
      async setModelType(id, type) {
        const model = await api.call('models.update', { id, type })
        set((s) => ({ models: upsert(s.models, model) }))
        return model
      },
      async removeModel(id) {
        await api.call('models.delete', { id })
        set((s) => ({ models: s.models.filter((m) => m.id !== id) }))
      },
      async remove(id) {
        await collection.remove(id)
        // The core deletes a provider's models with it.
        set((s) => ({ models: s.models.filter((m) => m.providerId !== id) }))
      }
    }
  })
}
