import { DeleteOutlined, EditOutlined, PlusOutlined, SearchOutlined, UserDeleteOutlined } from '@ant-design/icons'
import type { Memory } from '@contract/memory'
import { App, Button, Empty, Input, Popconfirm, Select, Spin, Tag, Tooltip, type ButtonProps } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { AgentFilter } from '../../stores/memory'
import { useArea, useStudio } from '../../stores/hooks'
import { useErrorToast, useFeedback } from '../../ui/feedback'
import { useFormatDate } from '../../ui/format'
import { useCollection } from '../../queries/collections'
import { forgetMemories, removeMemory, useMemories } from '../../queries/memory'

const ALL = '*'
const SHARED = '~'
const toFilter = (v: string): AgentFilter => (v === ALL ? { kind: 'all' } : v === SHARED ? { kind: 'shared' } : { kind: 'agent', agentId: v })
const fromFilter = (f: AgentFilter) => (f.kind === 'all' ? ALL : f.kind === 'shared' ? SHARED : f.agentId)

function MemoryRow({ memory, onEdit }: { memory: Memory; onEdit: () => void }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail, ok } = useFeedback()
  const formatDate = useFormatDate()
  const agents = useCollection('agents')
  const agent = agents.items.find((a) => a.id === memory.agentId)
  // Until the agents have loaded, a missing one is not yet a deleted one.
  const agentsLoaded = agents.loaded
  return (
    <div className="mem-row" data-testid="memory-row">
      <div className="mem-text" data-testid="memory-text-view">
        {memory.text}
      </div>
      <div className="mem-meta">
        {memory.agentId === null ? (
          <Tag color="geekblue">{t('memory.shared')}</Tag>
        ) : (
          <Tag color="purple">{agent?.name ?? (agentsLoaded ? t('memory.unknownAgent') : '…')}</Tag>
        )}
        <span className="muted small">{formatDate(memory.updatedAt)}</span>
        <span className="grow" />
        <Tooltip title={t('common.edit')}>
          <Button type="text" size="small" icon={<EditOutlined />} onClick={onEdit} aria-label={t('common.edit')} data-testid="memory-edit" />
        </Tooltip>
        <Popconfirm
          title={t('memory.deleteTitle')}
          okText={t('common.delete')}
          cancelText={t('common.cancel')}
          okButtonProps={{ danger: true, 'data-testid': 'memory-delete-confirm' } as never}
          onConfirm={() =>
            removeMemory(studio, memory.id)
              .then(() => ok(t('common.deleted')))
              .catch((err) => fail(err))
          }
        >
          <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} data-testid="memory-delete" />
        </Popconfirm>
      </div>
    </div>
  )
}

/** The picked user's memories: filter by agent, search, add, edit, delete, forget. */
export function MemoryList({ onAdd, onEdit }: { onAdd: () => void; onEdit: (m: Memory) => void }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { modal } = App.useApp()
  const { fail, ok } = useFeedback()
  const userId = useArea('memory', (s) => s.userId)
  const filter = useArea('memory', (s) => s.filter)
  const { items, loading, error } = useMemories()
  const agents = useCollection('agents').items
  const [q, setQ] = useState('')
  useErrorToast(error)
  const store = studio.memory.getState()

  if (!userId) return <Empty className="split-empty" description={t('memory.pickUser')} />

  const forget = () =>
    modal.confirm({
      title: t('memory.forgetTitle', { user: userId }),
      content:
        filter.kind === 'agent' ? t('memory.forgetAgentBody', { agent: agents.find((a) => a.id === filter.agentId)?.name ?? '' }) : t('memory.forgetBody'),
      okText: t('memory.forget'),
      okButtonProps: { danger: true, 'data-testid': 'confirm-forget' } as ButtonProps,
      cancelText: t('common.cancel'),
      onOk: () => {
        const agentId = filter.kind === 'agent' ? filter.agentId : undefined
        return forgetMemories(studio, userId, agentId)
          .then((n) => {
            // Forgotten entirely: the page moves on to the next user.
            if (!agentId) store.select(null)
            ok(t('memory.forgotten', { count: n }))
          })
          .catch((err) => fail(err))
      }
    })

  const filterOptions = [
    { value: ALL, label: t('memory.filterAll') },
    { value: SHARED, label: t('memory.shared') },
    ...agents.map((a) => ({ value: a.id, label: t('memory.filterAgent', { name: a.name }) }))
  ]

  return (
    <div className="mem-main">
      <div className="detail-head">
        <div className="detail-title">
          <h2 className="mono" data-testid="memory-user-title">
            {userId}
          </h2>
          <span className="muted">{t('memory.count', { count: items.length })}</span>
        </div>
        <div className="detail-actions">
          <Button danger icon={<UserDeleteOutlined />} onClick={forget} data-testid="memory-forget">
            {filter.kind === 'agent' ? t('memory.forgetAgent') : t('memory.forget')}
          </Button>
        </div>
      </div>
      <div className="mem-toolbar">
        <Select
          value={fromFilter(filter)}
          options={filterOptions}
          onChange={(v) => store.setFilter(toFilter(v))}
          className="mem-filter"
          data-testid="memory-filter"
        />
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('memory.search')}
          value={q}
          onChange={(e) => {
            setQ(e.target.value)
            if (!e.target.value) store.search('')
          }}
          onPressEnter={() => store.search(q)}
          className="page-search"
        />
        <span className="grow" />
        <Button type="primary" icon={<PlusOutlined />} onClick={onAdd} data-testid="memory-add">
          {t('memory.add')}
        </Button>
      </div>
      {filter.kind === 'agent' && <div className="muted small mem-note">{t('memory.agentViewNote')}</div>}
      <div className="mem-list" data-testid="memory-list">
        {loading && !items.length ? (
          <Spin className="mem-center" />
        ) : items.length ? (
          items.map((m) => <MemoryRow key={m.id} memory={m} onEdit={() => onEdit(m)} />)
        ) : (
          <Empty description={t('memory.empty')} />
        )}
      </div>
    </div>
  )
}
