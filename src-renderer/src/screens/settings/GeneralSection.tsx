import { DesktopOutlined, MoonOutlined, SkinOutlined, SunOutlined } from '@ant-design/icons'
import type { ApiInput } from '@contract/api'
import type { Settings } from '@contract/entities'
import { Segmented, Select } from 'antd'
import { useContext } from 'react'
import { useTranslation } from 'react-i18next'
import { AuthContext, useAuth } from '../../stores/auth-context'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'
import { SettingCard, SettingRow } from './SettingRow'
import { updateSettings, useSettings } from '../../queries/settings'

const LANGUAGES: { value: Settings['language']; label: string }[] = [
  { value: 'zh-CN', label: '简体中文' },
  { value: 'en', label: 'English' }
]

export function GeneralSection() {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail } = useFeedback()
  const settings = useSettings()
  const auth = useContext(AuthContext)
  const person = useAuth((s) => s.me?.kind === 'user')
  const prefs = useAuth((s) => s.prefs)
  // A signed-in person changes their own language and theme; the owner (no accounts) the studio's.
  const update = (patch: Pick<ApiInput<'settings.update'>, 'language' | 'theme'>) =>
    (person ? studio.connection.api.call('me.preferences.update', patch).then((p) => auth.getState().setPrefs(p)) : updateSettings(studio, patch)).catch(
      (err) => fail(err)
    )
  if (!settings) return null
  const language = (person && prefs?.language) || settings.language
  const theme = (person && prefs?.theme) || settings.theme

  const themes = [
    { value: 'light', icon: <SunOutlined />, label: <span data-testid="theme-light">{t('settings.theme.light')}</span> },
    { value: 'dark', icon: <MoonOutlined />, label: <span data-testid="theme-dark">{t('settings.theme.dark')}</span> },
    { value: 'system', icon: <DesktopOutlined />, label: <span data-testid="theme-system">{t('settings.theme.system')}</span> }
  ]

  return (
    <SettingCard title={t('settings.general')} icon={<SkinOutlined />} testId="settings-general">
      <SettingRow label={t('settings.language')} help={t('settings.languageHelp')}>
        <Select
          value={language}
          options={LANGUAGES}
          onChange={(language) => void update({ language })}
          className="setting-select"
          data-testid="language-select"
        />
      </SettingRow>
      <SettingRow label={t('settings.themeLabel')} help={t('settings.themeHelp')}>
        <Segmented value={theme} options={themes} onChange={(theme) => void update({ theme: theme as Settings['theme'] })} />
      </SettingRow>
    </SettingCard>
  )
}
