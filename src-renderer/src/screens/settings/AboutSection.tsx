import { InfoCircleOutlined } from '@ant-design/icons'
import { Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { Logo } from '../../ui/Logo'
import { SettingCard, SettingRow } from './SettingRow'
import { useAppInfo } from '../../queries/settings'

export function AboutSection() {
  const { t } = useTranslation()
  const info = useAppInfo()
  if (!info) return null
  return (
    <SettingCard title={t('settings.about.title')} icon={<InfoCircleOutlined />} testId="settings-about">
      <div className="about-head">
        <Logo size={44} />
        <div>
          <div className="about-name">{info.name}</div>
          <div className="muted">{t('settings.about.tagline')}</div>
        </div>
      </div>
      <SettingRow label={t('settings.about.version')}>
        <span data-testid="app-version">{info.version}</span>
      </SettingRow>
      <SettingRow label={t('settings.about.host')}>
        <Tag variant="filled">{t(`settings.about.hosts.${info.host}`)}</Tag>
      </SettingRow>
      <SettingRow label={t('settings.about.database')}>
        <Tag variant="filled">{info.dbKind === 'sqlite' ? 'SQLite' : 'MySQL'}</Tag>
      </SettingRow>
      <SettingRow label={t('settings.about.dataDir')} help={t('settings.about.dataDirHelp')}>
        <Typography.Text copyable className="mono data-dir" data-testid="data-dir">
          {info.dataDir}
        </Typography.Text>
      </SettingRow>
    </SettingCard>
  )
}
