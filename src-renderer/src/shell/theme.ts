import { theme, type ThemeConfig } from 'antd'
import { createContext, useEffect, useSyncExternalStore } from 'react'
import type { Settings } from '@contract/entities'

/** Whether an OS preference (a CSS media query) holds now; changes with it. */
function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (notify) => {
      const q = window.matchMedia(query)
      q.addEventListener('change', notify)
      return () => q.removeEventListener('change', notify)
    },
    () => window.matchMedia(query).matches
  )
}

/**
 * The OS's "reduce motion" accessibility preference: antd's zooms and slides are turned off.
 * It also keeps a slow kiosk box (and the browser tests) from acting on a dialog mid-animation.
 */
export const useReducedMotion = () => useMediaQuery('(prefers-reduced-motion: reduce)')

/** The theme actually shown: "system" follows the OS and changes with it. */
export function useResolvedTheme(mode: Settings['theme']): 'light' | 'dark' {
  const systemDark = useMediaQuery('(prefers-color-scheme: dark)')
  const resolved = mode === 'system' ? (systemDark ? 'dark' : 'light') : mode
  useEffect(() => {
    // Our own CSS and native controls (scrollbars) follow the same switch.
    document.documentElement.dataset.theme = resolved
    document.documentElement.style.colorScheme = resolved
  }, [resolved])
  return resolved
}

export function themeConfig(resolved: 'light' | 'dark', reducedMotion = false): ThemeConfig {
  const dark = resolved === 'dark'
  return {
    algorithm: dark ? theme.darkAlgorithm : theme.defaultAlgorithm,
    token: {
      motion: !reducedMotion,
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
