import { PlusOutlined, SearchOutlined } from '@ant-design/icons'
import type { Provider } from '@contract/entities'
import { Button, Input, Switch } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'
import { ProviderMark } from './ProviderMark'
import { updateItem } from '../../queries/collections'
import { useProviders } from '../../queries/models'

interface Props {
  selectedId: string | null
  onSelect: (id: string) => void
  onAdd: () => void
}

export function ProviderList({ selectedId, onSelect, onAdd }: Props) {
  const { t } = useTranslation()
  const providers = useProviders().items
  const [query, setQuery] = useState('')
  const q = query.trim().toLowerCase()
  const shown = q ? providers.filter((p) => p.name.toLowerCase().includes(q)) : providers
  const enabled = shown.filter((p) => p.enabled)
  const disabled = shown.filter((p) => !p.enabled)

  return (
    <aside className="split-side">
      <div className="split-side-top">
        <Input allowClear prefix={<SearchOutlined />} placeholder={t('models.searchProviders')} value={query} onChange={(e) => setQuery(e.target.value)} />
        <Button type="primary" icon={<PlusOutlined />} onClick={onAdd} block data-testid="provider-add">
          {t('models.addProvider')}
        </Button>
      </div>
      <div className="split-side-list" data-testid="provider-list">
        <ProviderGroup title={t('models.enabledGroup', { count: enabled.length })} items={enabled} selectedId={selectedId} onSelect={onSelect} />
        <ProviderGroup title={t('models.disabledGroup', { count: disabled.length })} items={disabled} selectedId={selectedId} onSelect={onSelect} />
      </div>
    </aside>
  )
}

function ProviderGroup({ title, items, selectedId, onSelect }: { title: string; items: Provider[] } & Pick<Props, 'selectedId' | 'onSelect'>) {
  if (!items.length) return null
  return (
    <div className="side-group">
      <div className="side-group-title">{title}</div>
      {items.map((p) => (
        <ProviderItem key={p.id} provider={p} active={p.id === selectedId} onSelect={() => onSelect(p.id)} />
      ))}
    </div>
  )
}

function ProviderItem({ provider, active, onSelect }: { provider: Provider; active: boolean; onSelect: () => void }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail } = useFeedback()
  const toggle = (enabled: boolean) => updateItem(studio, 'providers', provider.id, { enabled }).catch((err) => fail(err))
  return (
    <div
      className={`side-item ${active ? 'active' : ''}`}
      role="button"
      tabIndex={0}
      onClick={onSelect}
      onKeyDown={(e) => e.key === 'Enter' && onSelect()}
      data-testid="provider-item"
    >
      <ProviderMark kind={provider.kind} name={provider.name} />
      <div className="side-item-text">
        <div className="side-item-name">{provider.name}</div>
        <div className="side-item-sub mono" data-testid="provider-key-hint">
          {provider.hasApiKey ? provider.apiKeyHint : t('models.noKey')}
        </div>
      </div>
      <span onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
        <Switch size="small" checked={provider.enabled} onChange={toggle} aria-label={t('models.enabled')} />
      </span>
    </div>
  )
}
