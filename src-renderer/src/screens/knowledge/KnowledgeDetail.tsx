import { ArrowLeftOutlined, BookOutlined, EditOutlined, SyncOutlined } from '@ant-design/icons'
import { App, Button, Result, Skeleton, Tabs, Tag, Tooltip } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { routeTo } from '../../shell/route'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'
import { useUnits } from '../../ui/units'
import { DocumentsPanel } from './DocumentsPanel'
import { KnowledgeEditor } from './KnowledgeEditor'
import { SearchPlayground } from './SearchPlayground'
import { SourcesPanel } from './SourcesPanel'
import { useCollection } from '../../queries/collections'
import { useModels } from '../../queries/models'
import { reindexAll, useKbStatus } from '../../queries/knowledge'

/** One knowledge base: its documents and uploads, the search playground and its sources. */
export function KnowledgeDetail({ kbId }: { kbId: string }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { modal } = App.useApp()
  const { fail, ok } = useFeedback()
  const units = useUnits()
  const { items: bases, loaded } = useCollection('knowledgeBases')
  const base = bases.find((b) => b.id === kbId)
  const status = useKbStatus(kbId)
  const embedding = useModels().models.find((m) => m.id === base?.embeddingModelId)
  const [editing, setEditing] = useState(false)

  if (!base) {
    if (!loaded) return <Skeleton active className="page" />
    return (
      <Result
        status="404"
        title={t('kb.notFound')}
        extra={
          <Button type="primary" onClick={() => routeTo('knowledge')}>
            {t('kb.back')}
          </Button>
        }
      />
    )
  }

  const askReindexAll = () =>
    modal.confirm({
      title: t('kb.reindexAllTitle'),
      content: t('kb.reindexAllBody'),
      okText: t('kb.reindexAll'),
      cancelText: t('common.cancel'),
      onOk: () =>
        reindexAll(studio, kbId)
          .then((n) => ok(t('kb.reindexQueued', { count: n })))
          .catch((err) => fail(err))
    })

  const tabs = [
    { key: 'documents', label: t('kb.tabs.documents'), children: <DocumentsPanel kbId={kbId} /> },
    { key: 'search', label: <span data-testid="kb-tab-search">{t('kb.tabs.search')}</span>, children: <SearchPlayground kbId={kbId} /> },
    { key: 'sources', label: <span data-testid="kb-tab-sources">{t('kb.tabs.sources')}</span>, children: <SourcesPanel kbId={kbId} /> }
  ]

  return (
    <div className="page kb-detail" data-testid="kb-detail">
      <div className="kb-head">
        <Tooltip title={t('kb.back')}>
          <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => routeTo('knowledge')} aria-label={t('kb.back')} data-testid="kb-back" />
        </Tooltip>
        <span className="kb-avatar kb-avatar-lg">
          <BookOutlined />
        </span>
        <div className="kb-head-text">
          <h1 className="page-title" data-testid="kb-title">
            {base.name}
          </h1>
          <div className="kb-head-meta">
            <Tag variant="filled">{t('knowledge.docCount', { count: status?.counts.total ?? base.documentCount })}</Tag>
            <Tag variant="filled">{t('kb.chunkCount', { count: status?.chunks ?? 0, n: units.number(status?.chunks ?? 0) })}</Tag>
            {embedding ? (
              <Tag color="purple" variant="filled">
                {embedding.modelId}
              </Tag>
            ) : (
              <Tag variant="filled">{base.embeddingModelId ? t('knowledge.embeddingMissing') : t('knowledge.fullTextOnly')}</Tag>
            )}
            <Tag variant="filled">{t('knowledge.chunking', { size: base.chunkSize, overlap: base.chunkOverlap })}</Tag>
            {base.description && <span className="muted kb-head-desc">{base.description}</span>}
          </div>
        </div>
        <div className="page-header-extra">
          <Button icon={<SyncOutlined />} onClick={askReindexAll} data-testid="kb-reindex-all">
            {t('kb.reindexAll')}
          </Button>
          <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="kb-settings">
            {t('kb.settings')}
          </Button>
        </div>
      </div>
      <Tabs key={kbId} items={tabs} className="kb-tabs" destroyOnHidden={false} />
      <KnowledgeEditor open={editing} base={base} onClose={() => setEditing(false)} />
    </div>
  )
}
