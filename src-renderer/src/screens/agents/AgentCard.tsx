import { ClockCircleOutlined, CopyOutlined, DeleteOutlined, EditOutlined, ExportOutlined, MessageOutlined, MoreOutlined } from '@ant-design/icons'
import type { Agent } from '@contract/entities'
import { Button, Dropdown, Tag, Tooltip } from 'antd'
import { useTranslation } from 'react-i18next'
import { useStudio } from '../../stores/hooks'
import { EmojiAvatar } from '../../ui/EmojiAvatar'
import { useFeedback } from '../../ui/feedback'
import { useDeleteConfirm } from '../../ui/useDeleteConfirm'
import { useFormatDate } from '../../ui/format'
import { routeTo } from '../../shell/route'
import { duplicateInput } from './agent-form'
import { exportAgentFile } from './agent-file'
import { useTeamSync } from './team-sync'
import { createItem, removeItem } from '../../queries/collections'
import { useProviders } from '../../queries/models'

export function AgentCard({ agent, onEdit }: { agent: Agent; onEdit: () => void }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const confirmDelete = useDeleteConfirm()
  const { fail, ok } = useFeedback()
  const formatDate = useFormatDate()
  const provider = useProviders().items.find((p) => p.id === agent.providerId)
  const teamSync = useTeamSync(agent)

  const duplicate = async () => {
    try {
      await createItem(studio, 'agents', duplicateInput(agent, t('agents.copyName', { name: agent.name })))
      ok(t('agents.duplicated'))
    } catch (err) {
      fail(err)
    }
  }
  const download = async () => {
    let text: string
    try {
      text = await exportAgentFile(studio.connection.api, agent)
    } catch (err) {
      return fail(err)
    }
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }))
    const a = document.createElement('a')
    a.href = url
    a.download = `${agent.name.replace(/[\\/:*?"<>|]+/g, '_')}.agent.json`
    a.click()
    URL.revokeObjectURL(url)
  }
  const remove = () =>
    void confirmDelete({
      kind: 'agent',
      id: agent.id,
      title: t('agents.deleteTitle', { name: agent.name }),
      body: t('agents.deleteBody'),
      remove: () => removeItem(studio, 'agents', agent.id)
    })

  const menu = {
    items: [
      { key: 'edit', icon: <EditOutlined />, label: t('common.edit'), onClick: onEdit },
      {
        key: 'chat',
        icon: <MessageOutlined />,
        label: <span data-testid="agent-chat">{t('workspace.openChat')}</span>,
        onClick: () => routeTo('chat', agent.id)
      },
      { key: 'duplicate', icon: <CopyOutlined />, label: <span data-testid="agent-duplicate">{t('agents.duplicate')}</span>, onClick: () => void duplicate() },
      { key: 'export', icon: <ExportOutlined />, label: <span data-testid="agent-export">{t('agents.export')}</span>, onClick: () => void download() },
      ...teamSync.items,
      { type: 'divider' as const },
      { key: 'delete', icon: <DeleteOutlined />, danger: true, label: <span data-testid="agent-delete">{t('common.delete')}</span>, onClick: remove }
    ]
  }

  return (
    <div className="entity-card" data-testid="agent-card" role="button" tabIndex={0} onClick={onEdit} onKeyDown={(e) => e.key === 'Enter' && onEdit()}>
      <div className="entity-card-head">
        <EmojiAvatar value={agent.avatar} />
        <div className="entity-card-title">
          <div className="entity-name" data-testid="agent-name">
            {agent.name}
          </div>
          <div className="entity-meta">
            <ClockCircleOutlined /> {formatDate(agent.updatedAt)}
          </div>
        </div>
        <span onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
          <Dropdown menu={menu} trigger={['click']} placement="bottomRight" onOpenChange={(open) => open && teamSync.refresh()}>
            <Button type="text" size="small" icon={<MoreOutlined />} aria-label={t('common.more')} data-testid="agent-menu" />
          </Dropdown>
          {/* Inside the span: clicks in the dialogs must not reach the card (which opens the editor). */}
          {teamSync.dialogs}
        </span>
      </div>
      <p className="entity-desc">{agent.description || <span className="muted">{t('agents.noDescription')}</span>}</p>
      <div className="entity-card-foot">
        {agent.model ? (
          <Tooltip title={provider?.name}>
            <Tag color="blue" variant="filled" className="model-tag">
              {agent.model}
            </Tag>
          </Tooltip>
        ) : (
          <Tag variant="filled">{t('agents.noModel')}</Tag>
        )}
        {agent.quickPhrases.length > 0 && <Tag variant="filled">{t('agents.phraseCount', { count: agent.quickPhrases.length })}</Tag>}
      </div>
    </div>
  )
}
