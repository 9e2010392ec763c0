import { PlusOutlined, SearchOutlined } from '@ant-design/icons'
import type { KnowledgeBase } from '@contract/entities'
import { Button, Input, Skeleton } from 'antd'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { routeTo, useRouteParam } from '../../shell/route'
import { CreateCard } from '../../ui/CreateCard'
import { useErrorToast } from '../../ui/feedback'
import { PageHeader } from '../../ui/PageHeader'
import { KnowledgeCard } from './KnowledgeCard'
import { KnowledgeDetail } from './KnowledgeDetail'
import { KnowledgeEditor } from './KnowledgeEditor'
import './knowledge.css'
import { useCollection } from '../../queries/collections'

/** The grid of knowledge bases, or one of them (#/knowledge/<id>). */
export function KnowledgeScreen() {
  const kbId = useRouteParam()
  return kbId ? <KnowledgeDetail kbId={kbId} /> : <KnowledgeList />
}

function KnowledgeList() {
  const { t } = useTranslation()
  const { items: bases, loaded, error } = useCollection('knowledgeBases')
  const [query, setQuery] = useState('')
  const [editing, setEditing] = useState<KnowledgeBase | 'new' | null>(null)
  useErrorToast(error)

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase()
    return q ? bases.filter((b) => `${b.name} ${b.description}`.toLowerCase().includes(q)) : bases
  }, [bases, query])

  return (
    <div className="page">
      <PageHeader
        title={t('nav.knowledge')}
        subtitle={t('knowledge.subtitle', { count: bases.length })}
        extra={
          <>
            <Input
              allowClear
              prefix={<SearchOutlined />}
              placeholder={t('knowledge.search')}
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              className="page-search"
            />
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="kb-new">
              {t('knowledge.new')}
            </Button>
          </>
        }
      />
      {!loaded ? (
        <Skeleton active />
      ) : (
        <div className="card-grid" data-testid="kb-grid">
          {!query && <CreateCard title={t('knowledge.createTitle')} hint={t('knowledge.createHint')} onClick={() => setEditing('new')} />}
          {shown.map((b) => (
            <KnowledgeCard key={b.id} base={b} onOpen={() => routeTo('knowledge', b.id)} onEdit={() => setEditing(b)} />
          ))}
        </div>
      )}
      <KnowledgeEditor open={editing !== null} base={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
    </div>
  )
}
