import { describe, expect, it, vi } from 'vitest'
import { trayMenuTemplate, type TrayMenuState } from '../../../src-main/electron/tray-menu'

const stopped = { running: false, url: null, lanUrls: [], token: null, error: null }
const actions = () => ({ toggleWindow: vi.fn(), setServerEnabled: vi.fn(), copy: vi.fn(), openKiosk: vi.fn(), backToLocal: vi.fn(), quit: vi.fn() })
const state = (patch: Partial<TrayMenuState> = {}): TrayMenuState => ({ language: 'en', windowVisible: true, server: stopped, ...patch })
const labels = (items: ReturnType<typeof trayMenuTemplate>) => items.filter((i) => i.label).map((i) => i.label)
const click = (items: ReturnType<typeof trayMenuTemplate>, label: RegExp) => (items.find((i) => label.test(i.label ?? ''))!.click as () => void)()

describe('trayMenuTemplate', () => {
  it('while the studio shows a team server: says which, and offers "Back to this computer" (en, zh-CN)', () => {
    const a = actions()
    const items = trayMenuTemplate(state({ teamServer: 'https://team.example.com' }), a)
    expect(labels(items).slice(0, 3)).toEqual(['Hide Agenta Studio', 'Studio: team server https://team.example.com', 'Back to this computer'])
    click(items, /Back to this computer/)
    expect(a.backToLocal).toHaveBeenCalled()
    expect(labels(trayMenuTemplate(state({ language: 'zh-CN', teamServer: 'https://team.example.com' }), a))).toContain('返回本机')
    expect(labels(trayMenuTemplate(state({ teamServer: null }), a))).not.toContain('Back to this computer')
  })

  it('offers hide, status, start and quit when the server is off', () => {
    const a = actions()
    const items = trayMenuTemplate(state(), a)
    expect(labels(items)).toEqual(['Hide Agenta Studio', 'Server: stopped', 'Start server', 'Open kiosk for agent… (publish an agent first)', 'Quit'])
    click(items, /Start server/)
    expect(a.setServerEnabled).toHaveBeenCalledWith(true)
    click(items, /Quit/)
    expect(a.quit).toHaveBeenCalled()
  })

  it('shows where a running server listens and copies the LAN link with its token', () => {
    const a = actions()
    const server = { running: true, url: 'http://127.0.0.1:5001', lanUrls: ['http://192.168.1.20:5001'], token: 't/k', error: null }
    const items = trayMenuTemplate(state({ windowVisible: false, server }), a)
    expect(labels(items)).toEqual([
      'Show Agenta Studio',
      'Server: running at http://192.168.1.20:5001',
      'Copy studio link (with access token)',
      'Stop server',
      'Open kiosk for agent… (publish an agent first)',
      'Quit'
    ])
    click(items, /Copy/)
    expect(a.copy).toHaveBeenCalledWith('http://192.168.1.20:5001/?token=t%2Fk')
    click(items, /Stop server/)
    expect(a.setServerEnabled).toHaveBeenCalledWith(false)
    click(items, /Show/)
    expect(a.toggleWindow).toHaveBeenCalled()
  })

  it('explains why the server is not running, in the UI language', () => {
    const items = trayMenuTemplate(state({ language: 'zh-CN', server: { ...stopped, error: 'port 5001 is already in use' } }), actions())
    expect(labels(items)).toEqual([
      '隐藏 Agenta Studio',
      '服务：未运行 — port 5001 is already in use',
      '启动服务',
      '打开智能体的展台模式…（请先发布智能体）',
      '退出'
    ])
    expect(items.find((i) => i.label?.startsWith('服务：'))?.enabled).toBe(false)
  })

  it('lists the published agents under "Open kiosk for agent…"; choosing one opens its kiosk', () => {
    const a = actions()
    const items = trayMenuTemplate(
      state({
        kioskAgents: [
          { uuid: 'u-1', name: 'Museum Guide' },
          { uuid: 'u-2', name: '博物馆向导' }
        ]
      }),
      a
    )
    const kiosk = items.find((i) => i.label === 'Open kiosk for agent…')!
    const sub = kiosk.submenu as { label: string; click: () => void }[]
    expect(sub.map((i) => i.label)).toEqual(['Museum Guide', '博物馆向导'])
    sub[1].click()
    expect(a.openKiosk).toHaveBeenCalledWith('u-2')
    expect(items.find((i) => i.label?.startsWith('Open kiosk for agent… ('))).toBeUndefined()
  })
})
