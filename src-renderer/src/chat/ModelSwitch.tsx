import type { Model } from '@contract/entities'
import { Select } from 'antd'
import { useTranslation } from 'react-i18next'
import { useStore } from 'zustand'
import type { ConversationStore } from '../stores/conversation'
import { useModelOptions } from '../ui/useModelOptions'

const rowId = (m: Model) => m.id

/** Answers the next turns with another chat model; the agent keeps its own (empty = the agent's). */
export function ModelSwitch({ store }: { store: ConversationStore }) {
  const { t } = useTranslation()
  const modelId = useStore(store, (s) => s.modelId)
  const groups = useModelOptions('chat', rowId)
  return (
    <Select
      size="small"
      allowClear
      showSearch
      optionFilterProp="label"
      className="chat-model-switch"
      popupMatchSelectWidth={false}
      placeholder={t('chat.agentModel')}
      value={modelId ?? undefined}
      onChange={(v?: string) => store.getState().setModel(v ?? null)}
      options={groups.map((g) => ({
        label: g.label,
        title: g.title,
        options: g.options.filter((o) => o.enabled).map(({ label, value }) => ({ label, value }))
      }))}
      data-testid="chat-model"
    />
  )
}
