import { DesktopOutlined, MoonOutlined, SkinOutlined, SunOutlined } from '@ant-design/icons'
import type { ApiInput } from '@contract/api'
import type { Settings } from '@contract/entities'
import { Segmented, Select } from 'antd'
import { useTranslation } from 'react-i18next'
import { useArea, useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'
import { SettingCard, SettingRow } from './SettingRow'

const LANGUAGES: { value: Settings['language']; label: string }[] = [
  { value: 'zh-CN', label: '简体中文' },
  { value: 'en', label: 'English' }
]

export function GeneralSection() {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail } = useFeedback()
  const settings = useArea('settings', (s) => s.settings)
  const update = (patch: ApiInput<'settings.update'>) =>
    studio.settings
      .getState()
      .update(patch)
      .catch((err) => fail(err))
  if (!settings) return null

  const themes = [
    { value: 'light', icon: <SunOutlined />, label: <span data-testid="theme-light">{t('settings.theme.light')}</span> },
    { value: 'dark', icon: <MoonOutlined />, label: <span data-testid="theme-dark">{t('settings.theme.dark')}</span> },
    { value: 'system', icon: <DesktopOutlined />, label: <span data-testid="theme-system">{t('settings.theme.system')}</span> }
  ]

  return (
    <SettingCard title={t('settings.general')} icon={<SkinOutlined />} testId="settings-general">
      <SettingRow label={t('settings.language')} help={t('settings.languageHelp')}>
        <Select
          value={settings.language}
          options={LANGUAGES}
          onChange={(language) => void update({ language })}
          className="setting-select"
          data-testid="language-select"
        />
      </SettingRow>
      <SettingRow label={t('settings.themeLabel')} help={t('settings.themeHelp')}>
        <Segmented value={settings.theme} options={themes} onChange={(theme) => void update({ theme: theme as Settings['theme'] })} />
      </SettingRow>
    </SettingCard>
  )
}
