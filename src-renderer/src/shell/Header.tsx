import { GlobalOutlined, MenuOutlined, MoonOutlined, SunOutlined } from '@ant-design/icons'
import { Badge, Button, Tag, Tooltip } from 'antd'
import { useContext } from 'react'
import { useTranslation } from 'react-i18next'
import { ResolvedThemeContext } from './theme'
import { useStudio } from '../stores/hooks'
import { updateSettings, useAppInfo, useServerStatus } from '../queries/settings'
import { Logo } from '../ui/Logo'
import { useFeedback } from '../ui/feedback'
import { useAuth } from '../stores/auth-context'
import { BackToLocal, insideDesktopRemote, TeamConnectButton } from './TeamConnect'

/** `onMenu`: at phone width, opens the navigation drawer (the sidebar is hidden there). */
export function Header({ onMenu }: { onMenu?: () => void }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail } = useFeedback()
  const info = useAppInfo()
  const server = useServerStatus()
  const dark = useContext(ResolvedThemeContext) === 'dark'
  // "Connect to a team server…" is the single-user studio's (the desktop, or a browser on its own server).
  const owner = useAuth((s) => !s.accounts && s.me?.kind === 'owner')

  // A quick flip between light and dark; "follow the system" stays in Settings.
  const toggleTheme = () => updateSettings(studio, { theme: dark ? 'light' : 'dark' }).catch((err) => fail(err))

  return (
    <header className="app-header">
      <div className="brand">
        {onMenu && <Button type="text" icon={<MenuOutlined />} onClick={onMenu} aria-label={t('shell.menu')} data-testid="nav-menu" className="nav-menu" />}
        <Logo size={30} />
        <span className="brand-name">{t('app.name')}</span>
        {info && (
          <Tag className="brand-version" variant="filled">
            v{info.version}
          </Tag>
        )}
      </div>
      <div className="header-actions">
        <BackToLocal />
        {owner && !insideDesktopRemote() && <TeamConnectButton />}
        {server && (
          <Tooltip title={server.running ? server.url : t('settings.server.stopped')}>
            <span className="header-server">
              <Badge status={server.running ? 'success' : 'default'} />
              <GlobalOutlined />
              <span className="header-server-text">{studio.connection.host === 'electron' ? t('shell.hostDesktop') : t('shell.hostBrowser')}</span>
            </span>
          </Tooltip>
        )}
        <Tooltip title={dark ? t('shell.lightMode') : t('shell.darkMode')}>
          <Button
            type="text"
            shape="circle"
            icon={dark ? <SunOutlined /> : <MoonOutlined />}
            onClick={toggleTheme}
            data-testid="theme-toggle"
            aria-label={t('shell.toggleTheme')}
          />
        </Tooltip>
      </div>
    </header>
  )
}
