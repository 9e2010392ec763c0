import { Layout, Spin } from 'antd'
import { Suspense, useCallback, useEffect, useState } from 'react'
import { ALL_AREAS, areasFor, SETTINGS_AREA } from './areas'
import { roleOf } from '../stores/auth'
import { useAuth } from '../stores/auth-context'
import { CommandPalette } from './CommandPalette'
import { Header } from './Header'
import { useShortcuts } from './shortcuts'
import { useRoute } from './route'
import { Sidebar, SidebarDrawer } from './Sidebar'
import { useNarrow } from './useNarrow'

const COLLAPSED_KEY = 'agenta.sidebarCollapsed'

export function Shell() {
  const [area, go] = useRoute()
  const [collapsed, setCollapsed] = useState(() => localStorage.getItem(COLLAPSED_KEY) === '1')
  const narrow = useNarrow()
  const [drawerOpen, setDrawerOpen] = useState(false)
  const role = useAuth((s) => roleOf(s.me))
  const accounts = useAuth((s) => !!s.accounts)
  const [paletteOpen, setPaletteOpen] = useState(false)
  useShortcuts(useCallback(() => setPaletteOpen(true), []))

  useEffect(() => {
    localStorage.setItem(COLLAPSED_KEY, collapsed ? '1' : '0')
  }, [collapsed])

  // An area the role does not open (an old link) shows the first one it does.
  const open = [...areasFor(role, accounts), SETTINGS_AREA]
  const { Screen } = open.find((a) => a.key === area) ?? open[0] ?? ALL_AREAS[0]
  return (
    <Layout className={narrow ? 'shell narrow' : 'shell'} data-testid="shell">
      <Header onMenu={narrow ? () => setDrawerOpen(true) : undefined} />
      <Layout hasSider={!narrow}>
        {narrow ? (
          <SidebarDrawer area={area} onSelect={go} open={drawerOpen} onClose={() => setDrawerOpen(false)} />
        ) : (
          <Sidebar area={area} onSelect={go} collapsed={collapsed} onCollapse={setCollapsed} />
        )}
        <Layout.Content className="shell-content" data-testid={`screen-${area}`}>
          <Suspense
            fallback={
              <div className="center-screen">
                <Spin />
              </div>
            }
          >
            <Screen />
          </Suspense>
        </Layout.Content>
      </Layout>
      <CommandPalette open={paletteOpen} onClose={() => setPaletteOpen(false)} />
    </Layout>
  )
}
