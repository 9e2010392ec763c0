import { AppstoreAddOutlined, ImportOutlined, PlusOutlined, SearchOutlined } from '@ant-design/icons'
import { App, Button, Input, Skeleton } from 'antd'
import { lazy, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { translateFields } from '../../api/errors'
import { useStudio } from '../../stores/hooks'
import { useErrorToast, useFeedback } from '../../ui/feedback'
import { AgentFileError, readAgentFile } from './agent-form'
import { importAgentFile } from './agent-file'
import { PageHeader } from '../../ui/PageHeader'
import { AgentCard } from './AgentCard'
import { NewAgentDrawer } from './NewAgentDrawer'
import { CreateCard } from '../../ui/CreateCard'
import { routeTo, useRouteParam } from '../../shell/route'
import { FirstRunCard } from '../onboarding/FirstRunCard'
import { TemplatePicker } from '../onboarding/TemplatePicker'
import { useCollection, reloadCollection } from '../../queries/collections'

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
  const { items: agents, loaded, error } = useCollection('agents')
  const [query, setQuery] = useState('')
  const [editing, setEditing] = useState<'new' | null>(null)
  const [templatesOpen, setTemplatesOpen] = useState(false)
  const fileInput = useRef<HTMLInputElement>(null)
  const { fail, ok } = useFeedback()
  const { message } = App.useApp()
  // Stays longer than a toast: it lists what the user has to bind by hand.
  const warn = (text: string) => void message.warning({ content: <span data-testid="import-unbound">{text}</span>, duration: 12 })
  useErrorToast(error)

  const importFile = async (file: File) => {
    let parsed
    try {
      parsed = readAgentFile(await file.text())
    } catch (err) {
      const code = err instanceof AgentFileError ? err.code : 'invalid'
      const message = err instanceof AgentFileError && err.fields.length ? translateFields(err.fields, t) : (err as Error).message
      return fail(new Error(t(`agents.file.${code}`, { message })))
    }
    try {
      const taken = agents.map((a) => a.name)
      const { agent, unbound } = await importAgentFile(studio.connection.api, parsed, taken)
      await reloadCollection(studio, 'agents')
      if (unbound.length) warn(t('agents.importedUnbound', { name: agent.name, items: unbound.join(t('deps.separator')) }))
      else ok(t('agents.imported', { name: agent.name }))
    } catch (err) {
      fail(err)
    }
  }

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
            <input
              ref={fileInput}
              type="file"
              accept=".json,application/json"
              hidden
              data-testid="agent-import-input"
              onChange={(e) => {
                const file = e.target.files?.[0]
                e.target.value = ''
                if (file) void importFile(file)
              }}
            />
            <Button icon={<ImportOutlined />} onClick={() => fileInput.current?.click()} data-testid="agent-import">
              {t('agents.import')}
            </Button>
            <Button icon={<AppstoreAddOutlined />} onClick={() => setTemplatesOpen(true)} data-testid="agent-from-template">
              {t('templates.open')}
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="agent-new">
              {t('agents.new')}
            </Button>
          </>
        }
      />
      <FirstRunCard onNewAgent={() => setEditing('new')} onTemplates={() => setTemplatesOpen(true)} />
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
      <NewAgentDrawer open={editing !== null} onClose={() => setEditing(null)} />
      <TemplatePicker open={templatesOpen} onClose={() => setTemplatesOpen(false)} />
    </div>
  )
}
