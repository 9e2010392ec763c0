import { PlusOutlined, SearchOutlined } from '@ant-design/icons'
import { Button, Input, Skeleton } from 'antd'
import { lazy, useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useArea, useStudio } from '../../stores/hooks'
import { useErrorToast } from '../../ui/feedback'
import { PageHeader } from '../../ui/PageHeader'
import { AgentCard } from './AgentCard'
import { AgentEditor } from './AgentEditor'
import { CreateCard } from '../../ui/CreateCard'
import { routeTo, useRouteParam } from '../../shell/route'

// The editor brings the chat preview (Markdown, math, highlighting): loaded when an agent is opened.
const AgentWorkspace = lazy(() => import('./workspace/AgentWorkspace').then((m) => ({ default: m.AgentWorkspace })))

/** The grid, or one agent's editor when the route names it (#/agents/<id>). */
export function AgentsScreen() {
  const id = useRouteParam()
  return id ? <AgentWorkspace key={id} agentId={id} /> : <AgentGrid />
}

function AgentGrid() {
  const { t } = useTranslation()
  const studio = useStudio()
  const agents = useArea('agents', (s) => s.items)
  const loaded = useArea('agents', (s) => s.loaded)
  const error = useArea('agents', (s) => s.error)
  const [query, setQuery] = useState('')
  const [editing, setEditing] = useState<'new' | null>(null)
  useErrorToast(error)

  useEffect(() => {
    void studio.agents.getState().load()
  }, [studio])

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase()
    return q ? agents.filter((a) => `${a.name} ${a.description}`.toLowerCase().includes(q)) : agents
  }, [agents, query])

  return (
    <div className="page">
      <PageHeader
        title={t('nav.agents')}
        subtitle={t('agents.subtitle', { count: agents.length })}
        extra={
          <>
            <Input
              allowClear
              prefix={<SearchOutlined />}
              placeholder={t('agents.search')}
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              className="page-search"
            />
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="agent-new">
              {t('agents.new')}
            </Button>
          </>
        }
      />
      {!loaded ? (
        <Skeleton active />
      ) : (
        <div className="card-grid" data-testid="agent-grid">
          {!query && <CreateCard title={t('agents.createTitle')} hint={t('agents.createHint')} onClick={() => setEditing('new')} />}
          {shown.map((a) => (
            <AgentCard key={a.id} agent={a} onEdit={() => routeTo('agents', a.id)} />
          ))}
        </div>
      )}
      <AgentEditor open={editing !== null} agent={null} onClose={() => setEditing(null)} />
    </div>
  )
}
