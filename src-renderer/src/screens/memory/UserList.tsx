import { SearchOutlined, UserOutlined } from '@ant-design/icons'
import { Alert, Empty, Input, Skeleton } from 'antd'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useMemoryUsers } from '../../queries/memory'
import { useArea, useStudio } from '../../stores/hooks'
import { useFormatDate } from '../../ui/format'
import { translateError } from '../../api/errors'

/** Users with memories, most recently updated first. */
export function UserList() {
  const { t } = useTranslation()
  const studio = useStudio()
  const formatDate = useFormatDate()
  const { users, loaded, error } = useMemoryUsers()
  const selected = useArea('memory', (s) => s.userId)
  const [q, setQ] = useState('')
  const shown = useMemo(() => users.filter((u) => u.userId.toLowerCase().includes(q.trim().toLowerCase())), [users, q])

  return (
    <aside className="split-side">
      <div className="split-side-top">
        <Input allowClear prefix={<SearchOutlined />} placeholder={t('memory.searchUsers')} value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
      <div className="split-side-list" data-testid="memory-users">
        {error && <Alert type="error" showIcon title={translateError(error)} />}
        {!loaded && !error ? (
          <Skeleton active />
        ) : shown.length ? (
          shown.map((u) => (
            <div
              key={u.userId}
              className={`side-item ${u.userId === selected ? 'active' : ''}`}
              role="button"
              tabIndex={0}
              onClick={() => studio.memory.getState().select(u.userId)}
              onKeyDown={(e) => e.key === 'Enter' && studio.memory.getState().select(u.userId)}
              data-testid="memory-user"
            >
              <span className="mem-user-icon">
                <UserOutlined />
              </span>
              <div className="side-item-text">
                <div className="side-item-name mono">{u.userId}</div>
                <div className="side-item-sub">{t('memory.userMeta', { count: u.count, time: formatDate(u.updatedAt) })}</div>
              </div>
            </div>
          ))
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={users.length ? t('memory.noUserMatch') : t('memory.noUsers')} />
        )}
      </div>
    </aside>
  )
}
