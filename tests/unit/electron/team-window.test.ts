// The team window's rules (src-main/electron/team-window.ts) with a fake platform
// (tests/utils/fake-platform.ts): the Electron binary does not run here, so the window and the
// session are stand-ins that record what the rules asked of them.
import { describe, expect, it, vi } from 'vitest'
import {
  DESKTOP_UA_TOKEN,
  desktopUserAgent,
  isBackToLocal,
  LOCAL_STUDIO_URL,
  TEAM_PARTITION,
  teamNavigation,
  teamPermission,
  TeamWindows,
  teamWindowOptions
} from '../../../src-main/electron/team-window'
import { appMenuTemplate } from '../../../src-main/electron/app-menu'
import { handleTeamOpen } from '../../../src-main/electron/ipc'
import { fakeTeamPlatform } from '../../utils/fake-platform'

const ORIGIN = 'https://team.example.com'

function fakePlatform(recent: string[] = [ORIGIN]) {
  const { platform, state } = fakeTeamPlatform({ recent })
  const log = { info: vi.fn(), warn: vi.fn() }
  return { state, team: new TeamWindows(platform, log as any) }
}

async function opened() {
  const f = fakePlatform()
  await f.team.open({ origin: ORIGIN })
  const win = f.state.windows[0]
  win.emit('ready-to-show')
  return { ...f, win }
}

describe('the rules', () => {
  it('the remote studio gets a window with no preload, sandboxed, in a session of its own', () => {
    const o = teamWindowOptions(null)
    expect(o.webPreferences).not.toHaveProperty('preload')
    expect(o.webPreferences).toMatchObject({ partition: TEAM_PARTITION, sandbox: true, contextIsolation: true, nodeIntegration: false, webviewTag: false })
    expect(TEAM_PARTITION).not.toBe('')
  })

  it('navigations: its own origin loads, agenta://local goes back, web links open outside, other schemes nowhere', () => {
    expect(teamNavigation(`${ORIGIN}/#/agents`, ORIGIN)).toEqual({ action: 'allow' })
    expect(teamNavigation(`${ORIGIN}:443/login`, ORIGIN)).toEqual({ action: 'allow' })
    expect(teamNavigation(LOCAL_STUDIO_URL, ORIGIN)).toEqual({ action: 'local' })
    expect(teamNavigation('AGENTA://LOCAL/', ORIGIN)).toEqual({ action: 'local' })
    // Same host, other scheme or port, or a look-alike: another origin.
    expect(teamNavigation('http://team.example.com/', ORIGIN)).toEqual({ action: 'deny', openExternal: 'http://team.example.com/' })
    expect(teamNavigation('https://team.example.com:8443/', ORIGIN)).toEqual({ action: 'deny', openExternal: 'https://team.example.com:8443/' })
    expect(teamNavigation('https://team.example.com.evil.io/', ORIGIN)).toEqual({ action: 'deny', openExternal: 'https://team.example.com.evil.io/' })
    expect(teamNavigation(`https://user:pw@team.example.com/`, ORIGIN)).toEqual({ action: 'deny', openExternal: null })
    expect(teamNavigation('file:///etc/passwd', ORIGIN)).toEqual({ action: 'deny', openExternal: null })
    expect(teamNavigation('agenta://elsewhere', ORIGIN)).toEqual({ action: 'deny', openExternal: null })
    expect(teamNavigation('javascript:alert(1)', ORIGIN)).toEqual({ action: 'deny', openExternal: null })
    expect(isBackToLocal('agenta:local')).toBe(true)
    expect(isBackToLocal('https://local/')).toBe(false)
  })

  it('permissions: the clipboard for its own origin; nothing else', () => {
    expect(teamPermission('clipboard-sanitized-write', `${ORIGIN}/x`, ORIGIN)).toBe(true)
    expect(teamPermission('clipboard-sanitized-write', 'https://evil.io/', ORIGIN)).toBe(false)
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'hid']) expect(teamPermission(p, `${ORIGIN}/`, ORIGIN)).toBe(false)
    expect(teamPermission('clipboard-sanitized-write', `${ORIGIN}/`, null)).toBe(false)
  })

  it('the desktop says so in the user agent', () => {
    expect(desktopUserAgent('Mozilla/5.0 Chrome/130', '0.1.0')).toBe(`Mozilla/5.0 Chrome/130 ${DESKTOP_UA_TOKEN}/0.1.0`)
  })
})

describe('TeamWindows', () => {
  it('opens only an origin the core checked and remembered', async () => {
    const { team, state } = fakePlatform(['https://other.example.com'])
    await expect(team.open({ origin: ORIGIN })).rejects.toThrow(/Check the server first/)
    await expect(team.open({ origin: 'file:///etc' })).rejects.toThrow(/Check the server first/)
    await expect(team.open({ origin: `${'https://other.example.com'}/path` })).rejects.toThrow(/Check the server first/)
    await expect(team.open({})).rejects.toMatchObject({ code: 'validation_failed' })
    expect(state.windows).toHaveLength(0)
  })

  it('shows the server (its studio, login first) in place of the local studio, with the team session prepared', async () => {
    const { win, state, team } = await opened()
    expect(win.loads).toEqual([`${ORIGIN}/`])
    expect(win.options).toMatchObject({ x: 10, y: 20, width: 1000, height: 700 })
    expect(win.shown).toBe(true)
    expect(state.localShown).toBe(false)
    expect(state.sessions).toHaveLength(1)
    expect(state.sessions[0].partition).toBe(TEAM_PARTITION)
    expect(state.sessions[0].origin()).toBe(ORIGIN)
    expect(team.current()).toBe(ORIGIN)
    expect(team.isTeam(win.webContents)).toBe(true)
  })

  it('"Back to this computer" from the page: the navigation is stopped, the local studio shows, the team window goes', async () => {
    const { win, state, team } = await opened()
    expect(win.navigate(LOCAL_STUDIO_URL)).toBe(true)
    expect(state.localShown).toBe(true)
    expect(win.closed).toBe(true)
    expect(team.current()).toBeNull()
    expect(team.isTeam(win.webContents)).toBe(false)
    expect(state.changes).toBeGreaterThanOrEqual(2)
  })

  it('navigations in the window: its own pages load, other web links open in the system browser, redirects out are stopped', async () => {
    const { win, state } = await opened()
    expect(win.navigate(`${ORIGIN}/#/chats`)).toBe(false)
    expect(win.navigate('https://docs.example.org/help')).toBe(true)
    expect(state.external).toEqual(['https://docs.example.org/help'])
    // A redirect is the server's doing: stopped, never opened, and never a way back.
    expect(win.navigate('https://evil.io/', 'will-redirect')).toBe(true)
    expect(win.navigate(LOCAL_STUDIO_URL, 'will-redirect')).toBe(true)
    expect(win.closed).toBe(false)
    // A sub-frame's navigation elsewhere opens nothing.
    expect(win.navigate('https://ads.example.net/', 'will-navigate', false)).toBe(true)
    expect(state.external).toEqual(['https://docs.example.org/help'])
    expect(win.navigate('file:///home/me/.ssh/id_rsa')).toBe(true)
    expect(state.external).toHaveLength(1)
  })

  it('new windows never open inside the app: web links go to the system browser, agenta://local goes back', async () => {
    const { win, state } = await opened()
    expect(win.webContents.openHandler!({ url: 'https://example.org/' })).toEqual({ action: 'deny' })
    expect(win.webContents.openHandler!({ url: `${ORIGIN}/export` })).toEqual({ action: 'deny' })
    expect(win.webContents.openHandler!({ url: 'smb://host/share' })).toEqual({ action: 'deny' })
    expect(state.external).toEqual(['https://example.org/', `${ORIGIN}/export`])
    win.webContents.openHandler!({ url: LOCAL_STUDIO_URL })
    expect(win.closed).toBe(true)
    expect(state.localShown).toBe(true)
  })

  it('a server that does not load: the user is told and the local studio comes back', async () => {
    const { win, state, team } = await opened()
    win.webContents.emit('did-fail-load', {}, -3, 'ERR_ABORTED', `${ORIGIN}/`, true)
    expect(win.closed).toBe(false)
    win.webContents.emit('did-fail-load', {}, -102, 'ERR_CONNECTION_REFUSED', `${ORIGIN}/`, true)
    expect(state.notes).toEqual([`${ORIGIN}: ERR_CONNECTION_REFUSED`])
    expect(win.closed).toBe(true)
    expect(state.localShown).toBe(true)
    expect(team.current()).toBeNull()
  })

  it('a second connect switches the open window to the other server; closing it returns to this computer', async () => {
    const f = fakePlatform([ORIGIN, 'http://10.0.0.5:5001'])
    await f.team.open({ origin: ORIGIN })
    await f.team.open({ origin: 'http://10.0.0.5:5001' })
    expect(f.state.windows).toHaveLength(1)
    expect(f.state.windows[0].loads).toEqual([`${ORIGIN}/`, 'http://10.0.0.5:5001/'])
    // The old server's pages are now "elsewhere".
    expect(f.state.windows[0].navigate(`${ORIGIN}/`)).toBe(true)
    f.state.windows[0].close()
    expect(f.team.current()).toBeNull()
  })

  it('the IPC handler refuses pages other than our studio, and returns errors as values', async () => {
    const { team, state } = fakePlatform()
    expect(await handleTeamOpen(team, false, { origin: ORIGIN })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(state.windows).toHaveLength(0)
    expect(await handleTeamOpen(team, true, { origin: 'https://unchecked.example.com' })).toMatchObject({ ok: false, error: { code: 'bad_request' } })
    expect(await handleTeamOpen(team, true, { origin: ORIGIN })).toEqual({ ok: true, data: { origin: ORIGIN } })
  })
})

describe('the app menu', () => {
  it('"Back to this computer" is there, enabled only while a team server shows, in the app language', () => {
    const back = vi.fn()
    const local = appMenuTemplate({ language: 'en', teamServer: null, mac: false }, { backToLocal: back })
    const item = (m: typeof local) => (m.find((x) => x.label === 'Studio' || x.label === '工作室')!.submenu as any[])[0]
    expect(item(local)).toMatchObject({ label: 'Back to this computer', enabled: false })
    const remote = appMenuTemplate({ language: 'zh-CN', teamServer: ORIGIN, mac: true }, { backToLocal: back })
    expect(remote[0]).toEqual({ role: 'appMenu' })
    expect(item(remote)).toMatchObject({ label: '返回本机', enabled: true })
    item(remote).click()
    expect(back).toHaveBeenCalled()
  })
})
