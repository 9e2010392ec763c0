import type { Model, ModelType } from '@contract/entities'
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { useModels, useProviders } from '../queries/models'

export interface ModelOption {
  label: string
  value: string
  model: Model
  /** False when the model or its provider is turned off. */
  enabled: boolean
}
export interface ModelGroup {
  label: string
  title: string
  options: ModelOption[]
}

/** Models of one type as Select options grouped by provider, the way the original's picker shows them. */
export function useModelOptions(type: ModelType, valueOf: (m: Model) => string): ModelGroup[] {
  const { t } = useTranslation()
  const providers = useProviders().items
  const models = useModels().models
  return useMemo(
    () =>
      providers
        .map((p) => ({
          label: p.enabled ? p.name : `${p.name} · ${t('models.disabled')}`,
          title: p.name,
          options: models
            .filter((m) => m.providerId === p.id && m.type === type)
            .map((m) => ({ label: m.modelId, value: valueOf(m), model: m, enabled: p.enabled && m.enabled }))
        }))
        .filter((g) => g.options.length > 0),
    [providers, models, type, valueOf, t]
  )
}
