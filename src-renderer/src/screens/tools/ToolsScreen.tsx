import { PlusOutlined, SearchOutlined } from '@ant-design/icons'
import type { Tool } from '@contract/entities'
import { Button, Input, Skeleton } from 'antd'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { CreateCard } from '../../ui/CreateCard'
import { useErrorToast } from '../../ui/feedback'
import { PageHeader } from '../../ui/PageHeader'
import { ToolCard } from './ToolCard'
import { useToolStatus } from './use-tool-status'
import { ToolEditor } from './ToolEditor'
import { useCollection } from '../../queries/collections'

export function ToolsScreen() {
  const { t } = useTranslation()
  const { items: tools, loaded, error } = useCollection('tools')
  const [query, setQuery] = useState('')
  const [editing, setEditing] = useState<Tool | 'new' | null>(null)
  const [status] = useToolStatus()
  useErrorToast(error)

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase()
    return q ? tools.filter((x) => `${x.name} ${x.remark} ${x.category}`.toLowerCase().includes(q)) : tools
  }, [tools, query])

  return (
    <div className="page">
      <PageHeader
        title={t('nav.tools')}
        subtitle={t('tools.subtitle', { count: tools.length })}
        extra={
          <>
            <Input
              allowClear
              prefix={<SearchOutlined />}
              placeholder={t('tools.search')}
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              className="page-search"
            />
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="tool-new">
              {t('tools.new')}
            </Button>
          </>
        }
      />
      {!loaded ? (
        <Skeleton active />
      ) : (
        <div className="card-grid" data-testid="tool-grid">
          {!query && <CreateCard title={t('tools.createTitle')} hint={t('tools.createHint')} onClick={() => setEditing('new')} />}
          {shown.map((x) => (
            <ToolCard key={x.id} tool={x} status={status[x.id]} onEdit={() => setEditing(x)} />
          ))}
        </div>
      )}
      <ToolEditor open={editing !== null} tool={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
    </div>
  )
}
