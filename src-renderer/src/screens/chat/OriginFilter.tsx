import type { SessionOrigin } from '@contract/chat'
import { Select } from 'antd'
import { useTranslation } from 'react-i18next'
import { useArea, useStudio } from '../../stores/hooks'
import './chat-extras.css'

export const ORIGINS: SessionOrigin[] = ['studio', 'chat', 'api', 'schedule']

/** Which conversations the list shows: all, or those from the studio, phones and websites, the API or scheduled runs. */
export function OriginFilter() {
  const { t } = useTranslation()
  const studio = useStudio()
  const origin = useArea('sessions', (s) => s.origin)
  return (
    <Select
      className="chat-origin"
      value={origin ?? 'all'}
      onChange={(v: SessionOrigin | 'all') => studio.sessions.getState().setOrigin(v === 'all' ? null : v)}
      options={[{ value: 'all', label: t('chatOrigin.all') }, ...ORIGINS.map((o) => ({ value: o, label: t(`chatOrigin.${o}`) }))]}
      aria-label={t('chatOrigin.label')}
      data-testid="session-origin"
    />
  )
}
