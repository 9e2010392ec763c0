import { MenuFoldOutlined, MenuUnfoldOutlined } from '@ant-design/icons'
import { Button, Drawer, Layout, Menu, Tooltip } from 'antd'
import { useTranslation } from 'react-i18next'
import { areasFor, SETTINGS_AREA, type AreaDef } from './areas'
import { roleOf } from '../stores/auth'
import { useAuth } from '../stores/auth-context'
import type { Area } from './route'

interface Props {
  area: Area
  onSelect: (area: Area) => void
  collapsed: boolean
  onCollapse: (collapsed: boolean) => void
}

/** The areas of the sidebar: those the signed-in person's role opens. */
const useMainAreas = () => {
  const role = useAuth((s) => roleOf(s.me))
  const accounts = useAuth((s) => !!s.accounts)
  return areasFor(role, accounts)
}

const useItems = () => {
  const { t } = useTranslation()
  return (defs: AreaDef[]) => defs.map((a) => ({ key: a.key, icon: a.icon, label: <span data-testid={`nav-${a.key}`}>{t(`nav.${a.key}`)}</span> }))
}

/** At phone width: the same menu in a drawer from the left, opened from the header; picking an area closes it. */
export function SidebarDrawer({ area, onSelect, open, onClose }: { area: Area; onSelect: (area: Area) => void; open: boolean; onClose: () => void }) {
  const { t } = useTranslation()
  const items = useItems()
  const mainAreas = useMainAreas()
  const select = ({ key }: { key: string }) => {
    onClose()
    onSelect(key as Area)
  }
  return (
    <Drawer
      placement="left"
      open={open}
      onClose={onClose}
      size={260}
      closable={false}
      className="sidebar-drawer"
      title={t('app.name')}
      styles={{ body: { padding: 0 } }}
      data-testid="sidebar-drawer"
    >
      <nav className="sidebar-inner" aria-label={t('shell.menu')}>
        <Menu mode="inline" selectedKeys={[area]} items={items(mainAreas)} onClick={select} className="sidebar-menu" />
        <div className="sidebar-bottom">
          <Menu mode="inline" selectedKeys={[area]} items={items([SETTINGS_AREA])} onClick={select} className="sidebar-menu" />
        </div>
      </nav>
    </Drawer>
  )
}

export function Sidebar({ area, onSelect, collapsed, onCollapse }: Props) {
  const { t } = useTranslation()
  const items = useItems()
  const mainAreas = useMainAreas()
  const select = ({ key }: { key: string }) => onSelect(key as Area)
  return (
    <Layout.Sider className="sidebar" width={208} collapsedWidth={64} collapsed={collapsed} trigger={null}>
      <nav className="sidebar-inner">
        <Menu mode="inline" selectedKeys={[area]} items={items(mainAreas)} onClick={select} className="sidebar-menu" />
        <div className="sidebar-bottom">
          <Menu mode="inline" selectedKeys={[area]} items={items([SETTINGS_AREA])} onClick={select} className="sidebar-menu" />
          <Tooltip title={collapsed ? t('shell.expand') : t('shell.collapse')} placement="right">
            <Button
              type="text"
              className="sidebar-toggle"
              icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
              onClick={() => onCollapse(!collapsed)}
              aria-label={collapsed ? t('shell.expand') : t('shell.collapse')}
              data-testid="sidebar-toggle"
            />
          </Tooltip>
        </div>
      </nav>
    </Layout.Sider>
  )
}
