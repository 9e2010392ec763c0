import type { MenuItemConstructorOptions } from 'electron'
import type { Settings } from '../contract/entities'

export interface AppMenuState {
  language: Settings['language']
  /** The team server the studio window shows, or null on this computer. */
  teamServer: string | null
  mac: boolean
}

const text = {
  en: { studio: 'Studio', back: 'Back to this computer' },
  'zh-CN': { studio: '工作室', back: '返回本机' }
} as const

/** The application menu as data: Electron's standard menus plus "Back to this computer" while a team server shows. */
export function appMenuTemplate(state: AppMenuState, actions: { backToLocal(): void }): MenuItemConstructorOptions[] {
  const t = text[state.language] ?? text.en
  return [
    ...(state.mac ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { label: t.studio, submenu: [{ label: t.back, enabled: !!state.teamServer, click: () => actions.backToLocal() }] },
    { role: 'viewMenu' },
    { role: 'windowMenu' }
  ]
}
