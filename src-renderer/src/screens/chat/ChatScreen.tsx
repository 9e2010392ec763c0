import { EditOutlined, HistoryOutlined, PlusOutlined, RobotOutlined, SearchOutlined } from '@ant-design/icons'
import type { Agent } from '@contract/entities'
import { Button, Empty, Input, Select, Tag } from 'antd'
import { useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ChatView, type ChatPersona } from '../../chat/ChatView'
import { routeTo, useRouteParam } from '../../shell/route'
import { LAST_CHAT_AGENT } from '../../shell/shortcuts'
import { useArea, useStudio } from '../../stores/hooks'
import { roleOf } from '../../stores/auth'
import { useAuth } from '../../stores/auth-context'
import { EmojiAvatar } from '../../ui/EmojiAvatar'
import { useErrorToast } from '../../ui/feedback'
import { ExportMenu } from './ExportMenu'
import { OriginFilter } from './OriginFilter'
import { SessionList } from './SessionList'
import { useCollection } from '../../queries/collections'
import { useSessions } from '../../queries/sessions'

const LAST_AGENT = LAST_CHAT_AGENT

export const personaOf = (agent: Agent, noModel: string): ChatPersona => ({
  name: agent.name,
  avatar: agent.avatar,
  welcomeMessage: agent.welcomeMessage,
  quickPhrases: agent.quickPhrases,
  notice: agent.model ? undefined : noModel
})

export function ChatScreen() {
  // A member builds nothing: with no agent shared with them, they are told whom to ask.
  const member = useAuth((a) => roleOf(a.me)) === 'member'
  const { t } = useTranslation()
  const studio = useStudio()
  const { items: agents, loaded } = useCollection('agents')
  const sessionId = useArea('chat', (s) => s.sessionId)
  const chatAgentId = useArea('chat', (s) => s.agentId)
  const sessionsError = useSessions().error
  const param = useRouteParam()
  const [query, setQuery] = useState('')
  // Phone width only (CSS shows the toggle there): the conversation list folds away above the chat.
  const [listOpen, setListOpen] = useState(false)
  useErrorToast(sessionsError)

  const agent = agents.find((a) => a.id === param) ?? null
  // Without an agent in the route, reopen the last one used (or the first).
  useEffect(() => {
    if (!loaded || agent) return
    const fallback = agents.find((a) => a.id === localStorage.getItem(LAST_AGENT)) ?? agents[0]
    if (fallback) routeTo('chat', fallback.id)
  }, [loaded, agent, agents])

  const agentId = agent?.id ?? null
  useEffect(() => {
    if (!agentId) return
    localStorage.setItem(LAST_AGENT, agentId)
    if (studio.chat.getState().agentId !== agentId) void studio.chat.getState().open(agentId, null)
  }, [studio, agentId])

  // Searching is debounced so typing does not fire a request per key.
  useEffect(() => {
    if (!agentId) return
    const timer = setTimeout(() => studio.sessions.getState().show(agentId, query), query ? 250 : 0)
    return () => clearTimeout(timer)
  }, [studio, agentId, query])

  const options = useMemo(
    () =>
      agents.map((a) => ({
        value: a.id,
        label: (
          <span className="agent-option">
            <EmojiAvatar value={a.avatar} size={20} /> {a.name}
          </span>
        ),
        search: a.name
      })),
    [agents]
  )

  if (loaded && !agents.length)
    return (
      <div className="page">
        <Empty
          className="chat-no-agents"
          image={<RobotOutlined className="chat-no-agents-icon" />}
          description={member ? t('people.noSharedAgents') : t('chat.noAgents')}
          data-testid="chat-no-agents"
        >
          {!member && (
            <Button type="primary" onClick={() => routeTo('agents')}>
              {t('chat.goAgents')}
            </Button>
          )}
        </Empty>
      </div>
    )

  const open = (id: string | null) => {
    setListOpen(false)
    if (agentId) void studio.chat.getState().open(agentId, id)
  }
  return (
    <div className="chat-screen" data-testid="chat-screen">
      <aside className={`split-side chat-side ${listOpen ? 'list-open' : ''}`}>
        <div className="split-side-top">
          <Select
            value={agentId ?? undefined}
            options={options}
            onChange={(id: string) => routeTo('chat', id)}
            showSearch
            optionFilterProp="search"
            placeholder={t('chat.pickAgent')}
            data-testid="chat-agent"
          />
          <Button type="primary" icon={<PlusOutlined />} block onClick={() => open(null)} disabled={!agentId} data-testid="chat-new">
            {t('chat.newChat')}
          </Button>
          <Button
            className="chat-list-toggle"
            icon={<HistoryOutlined />}
            onClick={() => setListOpen(!listOpen)}
            aria-expanded={listOpen}
            data-testid="chat-list-toggle"
          >
            {t('chat.conversations')}
          </Button>
          <Input
            className="chat-search"
            allowClear
            prefix={<SearchOutlined />}
            placeholder={t('chat.searchSessions')}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            data-testid="session-search"
          />
          <OriginFilter />
        </div>
        <div className="split-side-list">
          <SessionList activeId={sessionId} onOpen={(id) => open(id)} />
        </div>
      </aside>
      <section className="chat-main">
        {agent && chatAgentId === agent.id ? (
          <>
            <div className="chat-head">
              <EmojiAvatar value={agent.avatar} size={30} />
              <div className="chat-head-title">
                <div className="chat-head-name">{agent.name}</div>
                {agent.model ? (
                  <Tag color="blue" variant="filled" className="model-tag">
                    {agent.model}
                  </Tag>
                ) : (
                  <Tag variant="filled">{t('agents.noModel')}</Tag>
                )}
              </div>
              <ExportMenu agentName={agent.name} />
              <Button icon={<EditOutlined />} onClick={() => routeTo('agents', agent.id)}>
                {t('chat.editAgent')}
              </Button>
            </div>
            <ChatView store={studio.chat} persona={personaOf(agent, t('chat.noModelNotice'))} onRetry={() => open(sessionId)} modelSwitch />
          </>
        ) : null}
      </section>
    </div>
  )
}
