import type { MenuItemConstructorOptions } from 'electron'
import type { ServerStatus, Settings } from '../contract/entities'

export interface TrayMenuState {
  language: Settings['language']
  windowVisible: boolean
  server: ServerStatus
  /** Published agents, for "Open kiosk for agent…". */
  kioskAgents?: { uuid: string; name: string }[]
  /** The team server the studio window shows (team-window.ts), or null/absent on this computer. */
  teamServer?: string | null
}

export interface TrayMenuActions {
  toggleWindow(): void
  /** Turns the server on or off (settings.server.autoStart), so the choice persists. */
  setServerEnabled(on: boolean): void
  copy(text: string): void
  /** Shows the agent's kiosk full screen on this computer (kiosk-window.ts). */
  openKiosk(agentUuid: string): void
  /** The studio window shows this computer's studio again. */
  backToLocal(): void
  quit(): void
}

const text = {
  en: {
    show: 'Show Agenta Studio',
    hide: 'Hide Agenta Studio',
    running: (url: string) => `Server: running at ${url}`,
    stopped: 'Server: stopped',
    failed: (why: string) => `Server: not running — ${why}`,
    start: 'Start server',
    stop: 'Stop server',
    copy: 'Copy studio link (with access token)',
    kiosk: 'Open kiosk for agent…',
    noKiosk: 'Open kiosk for agent… (publish an agent first)',
    team: (origin: string) => `Studio: team server ${origin}`,
    back: 'Back to this computer',
    quit: 'Quit'
  },
  'zh-CN': {
    show: '显示 Agenta Studio',
    hide: '隐藏 Agenta Studio',
    running: (url: string) => `服务：运行中 ${url}`,
    stopped: '服务：已停止',
    failed: (why: string) => `服务：未运行 — ${why}`,
    start: '启动服务',
    stop: '停止服务',
    copy: '复制工作室链接（含访问令牌）',
    kiosk: '打开智能体的展台模式…',
    noKiosk: '打开智能体的展台模式…（请先发布智能体）',
    team: (origin: string) => `工作室：团队服务器 ${origin}`,
    back: '返回本机',
    quit: '退出'
  }
} as const

/** The tray's menu as data, so what it offers in each state is tested without a tray. */
export function trayMenuTemplate(state: TrayMenuState, actions: TrayMenuActions): MenuItemConstructorOptions[] {
  const t = text[state.language] ?? text.en
  const s = state.server
  // A phone on the LAN needs the LAN address; this computer's browser can use the loopback one.
  const shareUrl = s.running && s.url ? `${s.lanUrls[0] ?? s.url}/?token=${encodeURIComponent(s.token ?? '')}` : null
  const kiosk = state.kioskAgents ?? []
  const statusLabel = s.running && s.url ? t.running(s.lanUrls[0] ?? s.url) : s.error ? t.failed(s.error) : t.stopped
  const team: MenuItemConstructorOptions[] = state.teamServer
    ? [{ label: t.team(state.teamServer), enabled: false }, { label: t.back, click: () => actions.backToLocal() }, { type: 'separator' }]
    : []
  return [
    { label: state.windowVisible ? t.hide : t.show, click: () => actions.toggleWindow() },
    { type: 'separator' },
    ...team,
    { label: statusLabel, enabled: false },
    ...(shareUrl ? [{ label: t.copy, click: () => actions.copy(shareUrl) }] : []),
    { label: s.running ? t.stop : t.start, click: () => actions.setServerEnabled(!s.running) },
    { type: 'separator' },
    kiosk.length
      ? { label: t.kiosk, submenu: kiosk.map((a) => ({ label: a.name, click: () => actions.openKiosk(a.uuid) })) }
      : { label: t.noKiosk, enabled: false },
    { type: 'separator' },
    { label: t.quit, click: () => actions.quit() }
  ]
}
