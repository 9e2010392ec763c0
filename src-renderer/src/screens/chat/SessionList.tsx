import { DeleteOutlined, EditOutlined, MessageOutlined } from '@ant-design/icons'
import type { ChatSession } from '@contract/chat'
import { Button, Empty, Input, Popconfirm, Skeleton, Tag, Tooltip } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { removeSession, renameSession, useSessions } from '../../queries/sessions'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'
import { useFormatDate } from '../../ui/format'
import { translateError } from '../../api/errors'

interface Props {
  activeId: string | null
  onOpen: (id: string) => void
}

export function SessionList({ activeId, onOpen }: Props) {
  const { t } = useTranslation()
  const { items, loading, error } = useSessions()
  if (error) return <div className="session-error">{t('chat.sessionsFailed', { message: translateError(error) })}</div>
  if (loading && !items.length) return <Skeleton active paragraph={{ rows: 4 }} className="session-skeleton" />
  if (!items.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('chat.noSessions')} />
  return (
    <div className="session-list" data-testid="session-list">
      {items.map((s) => (
        <SessionItem key={s.id} session={s} active={s.id === activeId} onOpen={() => onOpen(s.id)} />
      ))}
    </div>
  )
}

function SessionItem({ session, active, onOpen }: { session: ChatSession; active: boolean; onOpen: () => void }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail } = useFeedback()
  const formatDate = useFormatDate()
  const [renaming, setRenaming] = useState<string | null>(null)
  const title = session.title || t('chat.untitled')

  const rename = async () => {
    const next = renaming?.trim()
    setRenaming(null)
    if (!next || next === session.title) return
    await renameSession(studio, session.id, next).catch((err: unknown) => fail(err))
  }
  const remove = async () => {
    try {
      await removeSession(studio, session.id)
      if (active) await studio.chat.getState().open(session.agentId, null)
    } catch (err) {
      fail(err)
    }
  }
  const stop = (e: { stopPropagation(): void }) => e.stopPropagation()

  if (renaming !== null)
    return (
      <div className="side-item active">
        <Input
          size="small"
          value={renaming}
          autoFocus
          maxLength={200}
          onChange={(e) => setRenaming(e.target.value)}
          onPressEnter={() => void rename()}
          onBlur={() => void rename()}
          onKeyDown={(e) => e.key === 'Escape' && setRenaming(null)}
          data-testid="session-rename-input"
        />
      </div>
    )
  return (
    <div
      className={`side-item session-item ${active ? 'active' : ''}`}
      role="button"
      tabIndex={0}
      onClick={onOpen}
      onKeyDown={(e) => e.key === 'Enter' && onOpen()}
      data-testid="session-item"
    >
      <MessageOutlined className="muted" />
      <div className="side-item-text">
        <div className="side-item-name" data-testid="session-title">
          {title}
        </div>
        <div className="side-item-sub">
          {formatDate(session.updatedAt)}
          {session.origin !== 'studio' && (
            <Tag variant="filled" color="geekblue" className="session-origin" data-testid="session-origin-tag">
              {t(`chatOrigin.${session.origin}`)}
            </Tag>
          )}
          {session.userId !== 'studio' && (
            <Tag variant="filled" className="session-user">
              {t('chat.remoteUser', { id: session.userId.slice(0, 8) })}
            </Tag>
          )}
        </div>
      </div>
      <span className="session-actions" onClick={stop} onKeyDown={stop}>
        <Tooltip title={t('chat.rename')}>
          <Button
            type="text"
            size="small"
            icon={<EditOutlined />}
            onClick={() => setRenaming(session.title)}
            aria-label={t('chat.rename')}
            data-testid="session-rename"
          />
        </Tooltip>
        <Popconfirm
          title={t('chat.deleteSession')}
          okText={t('common.delete')}
          cancelText={t('common.cancel')}
          okButtonProps={{ danger: true }}
          onConfirm={() => void remove()}
        >
          <Button type="text" size="small" icon={<DeleteOutlined />} aria-label={t('common.delete')} data-testid="session-delete" />
        </Popconfirm>
      </span>
    </div>
  )
}
