import { MessageOutlined, RobotOutlined, SearchOutlined } from '@ant-design/icons'
import type { ChatSession } from '@contract/chat'
import { Input, Modal } from 'antd'
import { useEffect, useMemo, useState, type KeyboardEvent, type ReactNode } from 'react'
import './palette.css'
import { useTranslation } from 'react-i18next'
import { useStudio } from '../stores/hooks'
import { STUDIO_USER } from '../stores/sessions'
import { EmojiAvatar } from '../ui/EmojiAvatar'
import { ALL_AREAS } from './areas'
import { routeTo } from './route'
import { useCollection } from '../queries/collections'

interface Entry {
  key: string
  icon: ReactNode
  label: string
  kind: string
  go(): void
}

/** Ctrl/⌘+K: type to jump to any screen, agent (its editor or a chat with it) or recent chat. */
export function CommandPalette({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const agents = useCollection('agents').items
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const [chats, setChats] = useState<ChatSession[]>([])

  useEffect(() => {
    if (!open) return
    setQuery('')
    setActive(0)
    let live = true
    studio.connection.api.call('sessions.list', { userId: STUDIO_USER }).then(
      (s) => live && setChats(s.slice(0, 30)),
      () => undefined
    )
    return () => {
      live = false
    }
  }, [open, studio])

  const entries = useMemo<Entry[]>(() => {
    const byId = new Map(agents.map((a) => [a.id, a]))
    return [
      ...ALL_AREAS.map((a) => ({ key: `area:${a.key}`, icon: a.icon, label: t(`nav.${a.key}`), kind: t('palette.screen'), go: () => routeTo(a.key) })),
      ...agents.flatMap((a) => [
        { key: `agent:${a.id}`, icon: <EmojiAvatar value={a.avatar} size={18} />, label: a.name, kind: t('palette.agent'), go: () => routeTo('agents', a.id) },
        {
          key: `chatWith:${a.id}`,
          icon: <RobotOutlined />,
          label: t('palette.chatWith', { name: a.name }),
          kind: t('palette.newChat'),
          go: () => {
            routeTo('chat', a.id)
            void studio.chat.getState().open(a.id, null)
          }
        }
      ]),
      ...chats.flatMap((s) => {
        const agent = byId.get(s.agentId)
        if (!agent) return []
        return [
          {
            key: `chat:${s.id}`,
            icon: <MessageOutlined />,
            label: s.title || t('chat.untitled'),
            kind: agent.name,
            go: () => {
              routeTo('chat', agent.id)
              void studio.chat.getState().open(agent.id, s.id)
            }
          }
        ]
      })
    ]
  }, [agents, chats, studio, t])

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase()
    return (q ? entries.filter((e) => `${e.label} ${e.kind}`.toLowerCase().includes(q)) : entries).slice(0, 50)
  }, [entries, query])

  const choose = (e: Entry | undefined) => {
    if (!e) return
    onClose()
    e.go()
  }
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      const step = e.key === 'ArrowDown' ? 1 : -1
      setActive((i) => (shown.length ? (i + step + shown.length) % shown.length : 0))
    } else if (e.key === 'Enter') {
      e.preventDefault()
      choose(shown[active])
    }
  }

  return (
    <Modal open={open} onCancel={onClose} footer={null} closable={false} width={560} destroyOnHidden className="palette-modal">
      <Input
        autoFocus
        size="large"
        prefix={<SearchOutlined />}
        placeholder={t('palette.placeholder')}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value)
          setActive(0)
        }}
        onKeyDown={onKeyDown}
        data-testid="palette-input"
      />
      <div className="palette-list" role="listbox" data-testid="palette-list">
        {shown.length === 0 && <div className="palette-empty muted">{t('palette.nothing')}</div>}
        {shown.map((e, i) => (
          <div
            key={e.key}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'palette-item active' : 'palette-item'}
            onMouseEnter={() => setActive(i)}
            onClick={() => choose(e)}
            data-testid="palette-item"
          >
            <span className="palette-icon">{e.icon}</span>
            <span className="palette-label">{e.label}</span>
            <span className="palette-kind muted small">{e.kind}</span>
          </div>
        ))}
      </div>
    </Modal>
  )
}
