import { PlusOutlined } from '@ant-design/icons'
import type { Memory } from '@contract/memory'
import { Alert, Button } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useMemoryFailures } from '../../queries/memory'
import { useArea } from '../../stores/hooks'
import { useErrorToast } from '../../ui/feedback'
import { PageHeader } from '../../ui/PageHeader'
import { useFormatDate } from '../../ui/format'
import { MemoryEditor } from './MemoryEditor'
import { MemoryList } from './MemoryList'
import { UserList } from './UserList'
import './memory.css'
import { useCollection } from '../../queries/collections'

/** What agents remember about each user, visible and editable, and forgettable. */
export function MemoryScreen() {
  const { t } = useTranslation()
  const userId = useArea('memory', (s) => s.userId)
  const filter = useArea('memory', (s) => s.filter)
  const [editing, setEditing] = useState<Memory | 'new' | null>(null)

  return (
    <div className="page page-fill">
      <PageHeader
        title={t('nav.memory')}
        subtitle={t('memory.subtitle')}
        extra={
          <Button icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="memory-new">
            {t('memory.newForUser')}
          </Button>
        }
      />
      <MemoryFailures />
      <div className="split-panel" data-testid="memory-panel">
        <UserList />
        <main className="split-main">
          <MemoryList onAdd={() => setEditing('new')} onEdit={setEditing} />
        </main>
      </div>
      <MemoryEditor
        open={editing !== null}
        memory={editing === 'new' ? null : editing}
        userId={userId}
        agentId={filter.kind === 'agent' ? filter.agentId : null}
        onClose={() => setEditing(null)}
      />
    </div>
  )
}

/** Learning that failed (model down, an answer without JSON): otherwise only in the server log. */
function MemoryFailures() {
  const { t } = useTranslation()
  const { failures, error } = useMemoryFailures()
  // The memories still work without it; the next event or visit asks again.
  useErrorToast(error)
  const agents = useCollection('agents').items
  const formatDate = useFormatDate()
  if (!failures.length) return null
  return (
    <Alert
      type="warning"
      showIcon
      className="memory-failures"
      data-testid="memory-failures"
      title={t('memory.failures.title')}
      description={
        <ul>
          {failures.map((f) => (
            <li key={f.agentId} data-testid="memory-failure">
              {t('memory.failures.item', {
                agent: agents.find((a) => a.id === f.agentId)?.name ?? f.agentId,
                user: f.userId,
                time: formatDate(f.at),
                message: f.message
              })}
            </li>
          ))}
        </ul>
      }
    />
  )
}
