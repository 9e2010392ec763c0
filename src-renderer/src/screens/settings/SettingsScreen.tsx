import { useTranslation } from 'react-i18next'
import { PageHeader } from '../../ui/PageHeader'
import { AboutSection } from './AboutSection'
import { BackupSection } from './BackupSection'
import { AccountSection } from './AccountSection'
import { AccountsSection } from './AccountsSection'
import { roleOf } from '../../stores/auth'
import { useAuth } from '../../stores/auth-context'
import { EmailSection } from './EmailSection'
import { GeneralSection } from './GeneralSection'
import { KioskSection } from './KioskSection'
import { ServerSection } from './ServerSection'
import { TeamServerSection } from './TeamServerSection'
import { useAppInfo } from '../../queries/settings'

export function SettingsScreen() {
  const { t } = useTranslation()
  const role = useAuth((s) => roleOf(s.me))
  // The kiosk admin PIN guards the desktop app's kiosk window; under `agenta serve` there is none to guard.
  const desktop = useAppInfo()?.host === 'electron'
  return (
    <div className="page page-narrow">
      <PageHeader title={t('nav.settings')} subtitle={t('settings.subtitle')} />
      <AccountSection />
      <GeneralSection />
      {role === 'admin' && <AccountsSection />}
      {role === 'admin' && <ServerSection />}
      {role === 'admin' && <EmailSection />}
      {role === 'admin' && <BackupSection />}
      {role === 'admin' && desktop && <KioskSection />}
      {role === 'admin' && <TeamServerSection />}
      <AboutSection />
    </div>
  )
}
