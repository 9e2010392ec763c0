import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Empty } from 'antd'
import { useErrorToast } from '../../ui/feedback'
import { PageHeader } from '../../ui/PageHeader'
import { AddProviderModal } from './AddProviderModal'
import { ProviderDetail } from './ProviderDetail'
import { ProviderList } from './ProviderList'
import { useProviders } from '../../queries/models'

export function ModelsScreen() {
  const { t } = useTranslation()
  const { items: providers, error } = useProviders()
  const [selectedId, setSelectedId] = useState<string | null>(null)
  const [adding, setAdding] = useState(false)
  useErrorToast(error)

  // Keep a sensible selection as providers come and go.
  const selected = providers.find((p) => p.id === selectedId) ?? providers[0] ?? null

  return (
    <div className="page page-fill">
      <PageHeader title={t('nav.models')} subtitle={t('models.subtitle')} />
      <div className="split-panel">
        <ProviderList selectedId={selected?.id ?? null} onSelect={setSelectedId} onAdd={() => setAdding(true)} />
        <section className="split-main">
          {selected ? <ProviderDetail key={selected.id} provider={selected} /> : <Empty className="split-empty" description={t('models.noProviders')} />}
        </section>
      </div>
      <AddProviderModal
        open={adding}
        onClose={() => setAdding(false)}
        onCreated={(id) => {
          setAdding(false)
          setSelectedId(id)
        }}
      />
    </div>
  )
}
