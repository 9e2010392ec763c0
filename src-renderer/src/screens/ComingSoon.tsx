import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { PageHeader } from '../ui/PageHeader'

/** Areas whose feature ships in a later release: say so plainly instead of showing a dead UI. */
export function ComingSoon({ area, icon }: { area: 'chat' | 'employees'; icon: ReactNode }) {
  const { t } = useTranslation()
  return (
    <div className="page">
      <PageHeader title={t(`nav.${area}`)} subtitle={t(`soon.${area}.subtitle`)} />
      <div className="coming-soon" data-testid={`coming-soon-${area}`}>
        <div className="coming-soon-icon">{icon}</div>
        <h2>{t(`soon.${area}.title`)}</h2>
        <p className="muted">{t(`soon.${area}.body`)}</p>
        <span className="coming-soon-badge">{t('soon.badge')}</span>
      </div>
    </div>
  )
}
