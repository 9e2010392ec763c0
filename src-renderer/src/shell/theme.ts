import { theme, type ThemeConfig } from 'antd'
import { createContext, useEffect, useSyncExternalStore } from 'react'
import type { Settings } from '@contract/entities'

const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)')

function useSystemDark(): boolean {
  return useSyncExternalStore(
    (notify) => {
      const q = darkQuery()
      q.addEventListener('change', notify)
      return () => q.removeEventListener('change', notify)
    },
    () => darkQuery().matches
  )
}

/** The theme actually shown: "system" follows the OS and changes with it. */
export function useResolvedTheme(mode: Settings['theme']): 'light' | 'dark' {
  const systemDark = useSystemDark()
  const resolved = mode === 'system' ? (systemDark ? 'dark' : 'light') : mode
  useEffect(() => {
    // Our own CSS and native controls (scrollbars) follow the same switch.
    document.documentElement.dataset.theme = resolved
    document.documentElement.style.colorScheme = resolved
  }, [resolved])
  return resolved
}

export function themeConfig(resolved: 'light' | 'dark'): ThemeConfig {
  const dark = resolved === 'dark'
  return {
    algorithm: dark ? theme.darkAlgorithm : theme.defaultAlgorithm,
    token: {
      colorPrimary: '#4f6ef7',
      borderRadius: 8,
      fontFamily:
        "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Helvetica Neue', Arial, sans-serif, 'Apple Color Emoji', 'Segoe UI Emoji', 'Noto Color Emoji', 'Agenta Emoji'",
      colorBgLayout: dark ? '#141414' : '#f4f6fa'
    },
    components: {
      Layout: { headerHeight: 56, headerPadding: '0 16px', headerBg: dark ? '#1b1b1f' : '#ffffff', siderBg: dark ? '#1b1b1f' : '#ffffff' },
      Menu: { itemBorderRadius: 8, itemMarginInline: 8, itemHeight: 40, activeBarBorderWidth: 0 },
      Card: { borderRadiusLG: 12 }
    }
  }
}

/** The resolved theme, for the few components that draw differently in the dark. */
export const ResolvedThemeContext = createContext<'light' | 'dark'>('light')
