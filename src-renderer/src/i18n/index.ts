import i18next from 'i18next'
import { initReactI18next } from 'react-i18next'
import type { Settings } from '@contract/entities'
import en from './en.json'
import zhCN from './zh-CN.json'
import { withAreas } from './areas'

export type Language = Settings['language']

export const resources = { 'zh-CN': { translation: withAreas(zhCN, 'zh-CN') }, en: { translation: withAreas(en, 'en') } } as const

/** Before settings load (or on the token screen) the browser's language is the best guess. */
export function guessLanguage(): Language {
  const nav = typeof navigator === 'undefined' ? '' : navigator.language
  return nav.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'
}

export function initI18n(lng: Language = guessLanguage()) {
  void i18next.use(initReactI18next).init({
    resources,
    lng,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    returnNull: false
  })
  return i18next
}
