import { App as AntApp, ConfigProvider } from 'antd'
import enUS from 'antd/locale/en_US'
import zhCN from 'antd/locale/zh_CN'
import { QueryClientProvider } from '@tanstack/react-query'
import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { useStore } from 'zustand'
import type { AuthStore } from './stores/auth'
import { StudioContext } from './stores/hooks'
import { useSettings } from './queries/settings'
import type { Studio } from './stores/studio'
import { guessLanguage } from './i18n'
import { Boot } from './shell/Boot'
import { ResolvedThemeContext, themeConfig, useReducedMotion, useResolvedTheme } from './shell/theme'

const antdLocales = { 'zh-CN': zhCN, en: enUS }

interface Props {
  studio: Studio
  auth: AuthStore
}

/** Theme and language: the person's own (accounts on), else Settings once they load; until then the browser's preferences. */
function Themed({ auth }: { auth: AuthStore }) {
  const settings = useSettings()
  // Signed in with accounts on: the person's own choice first.
  const prefs = useStore(auth, (s) => s.prefs)
  const { i18n } = useTranslation()
  const language = prefs?.language ?? settings?.language ?? guessLanguage()
  const resolved = useResolvedTheme(prefs?.theme ?? settings?.theme ?? 'system')
  const reducedMotion = useReducedMotion()

  useEffect(() => {
    if (i18n.language !== language) void i18n.changeLanguage(language)
    document.documentElement.lang = language
  }, [i18n, language])

  return (
    <ConfigProvider theme={themeConfig(resolved, reducedMotion)} locale={antdLocales[language]}>
      <ResolvedThemeContext.Provider value={resolved}>
        <AntApp className="app-root">
          <Boot auth={auth} />
        </AntApp>
      </ResolvedThemeContext.Provider>
    </ConfigProvider>
  )
}

export function StudioApp({ studio, auth }: Props) {
  // Subscribed once for the app's life: the cache and every store stay fresh from studio events.
  const status = useStore(auth, (s) => s.status)
  useEffect(() => (status === 'ok' ? studio.listen() : undefined), [studio, status])
  return (
    <QueryClientProvider client={studio.queries}>
      <StudioContext.Provider value={studio}>
        <Themed auth={auth} />
      </StudioContext.Provider>
    </QueryClientProvider>
  )
}
