import { PlusOutlined } from '@ant-design/icons'
import type { Memory } from '@contract/memory'
import { Button } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useArea, useStudio } from '../../stores/hooks'
import { PageHeader } from '../../ui/PageHeader'
import { MemoryEditor } from './MemoryEditor'
import { MemoryList } from './MemoryList'
import { UserList } from './UserList'
import './memory.css'

/** What agents remember about each user, visible and editable, and forgettable. */
export function MemoryScreen() {
  const { t } = useTranslation()
  const studio = useStudio()
  const userId = useArea('memory', (s) => s.userId)
  const filter = useArea('memory', (s) => s.filter)
  const [editing, setEditing] = useState<Memory | 'new' | null>(null)

  useEffect(() => {
    void studio.memory.getState().loadUsers()
    void studio.memory.getState().reload()
    void studio.agents.getState().load()
  }, [studio])

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
