import { useTranslation } from 'react-i18next'
import { PageHeader } from '../../ui/PageHeader'
import { AboutSection } from './AboutSection'
import { BackupSection } from './BackupSection'
import { EmailSection } from './EmailSection'
import { GeneralSection } from './GeneralSection'
import { ServerSection } from './ServerSection'

export function SettingsScreen() {
  const { t } = useTranslation()
  return (
    <div className="page page-narrow">
      <PageHeader title={t('nav.settings')} subtitle={t('settings.subtitle')} />
      <GeneralSection />
      <ServerSection />
      <EmailSection />
      <BackupSection />
      <AboutSection />
    </div>
  )
}
