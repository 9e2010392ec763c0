// Boots by hand, not through startStudio: two servers (the team's and the desk's, linked to it).
// The team-sync conflict dialog in real Chromium against the built renderer (run `npx electron-vite
// build` first): a desktop-like server linked to a team server, the agent changed on both sides →
// "Push to team server" shows the differing fields side by side; keep writes nothing, save as a
// copy and overwrite do what they say. In English and in Chinese; not linked, the menu says where.
import { existsSync, mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openMenu } from '../utils/antd'
import { bootServer, type BootedServer } from '../utils/boot'
import { launchBrowser, openPage } from '../utils/browser'

const RENDERER = resolve(__dirname, '../../out/renderer/index.html')
const SHOTS = resolve(__dirname, '../../test-results/screenshots')

let team: BootedServer
let desk: BootedServer
let browser: Browser

beforeAll(async () => {
  if (!existsSync(RENDERER)) throw new Error(`${RENDERER} is missing: run \`npx electron-vite build\` before the e2e tests`)
  mkdirSync(SHOTS, { recursive: true })
  ;[team, desk, browser] = await Promise.all([bootServer({ server: { token: 'team-token' } }), bootServer(), launchBrowser()])
})
afterAll(async () => {
  await browser?.close()
  await Promise.all([team?.close(), desk?.close()])
})

const strings = {
  en: {
    title: 'was changed on both sides',
    prompt: 'Prompt',
    who: 'Signed in there as owner',
    team: 'Team server',
    local: 'This computer',
    setUp: 'Set up in Settings → Team server'
  },
  'zh-CN': {
    title: '在两端都被修改了',
    prompt: '提示词',
    who: '在该服务器上的身份：owner',
    team: '团队服务器',
    local: '本机',
    setUp: '请先在“设置 → 团队服务器”中配置'
  }
} as const

describe.each(['en', 'zh-CN'] as const)('team sync conflict dialog (%s)', (language) => {
  let page: Page
  let errors: string[]
  const name = `Concierge ${language}`
  let deskId = ''
  let teamId = ''
  const s = strings[language]
  const byTestId = (id: string) => page.getByTestId(id)
  const teamAgent = async (id: string) => (await team.api('GET', `/api/agents/${id}`)).body
  const teamNames = async () => (await team.api('GET', '/api/agents')).body.map((a: { name: string }) => a.name)

  const cardMenu = () => openMenu(page, byTestId('agent-card').filter({ hasText: name }).getByTestId('agent-menu'))
  /** Opens the card's menu and clicks an item. */
  async function menu(item: string) {
    await (await cardMenu()).getByTestId(item).click()
  }
  /** The push's answer is a conflict: its dialog opens (two servers answer; seconds on the loaded CI machine). */
  const conflictOpens = () => byTestId('conflict-table').waitFor({ timeout: 20_000 })

  beforeAll(async () => {
    await desk.api('PUT', '/api/settings', { language })
    deskId = (await desk.api('POST', '/api/agents', { name, systemPrompt: 'Greet visitors.' })).body.id
    expect((await desk.api('PUT', '/api/team-link', { url: team.url, token: team.token })).status).toBe(200)
    const pushed = await desk.api('POST', `/api/agents/${deskId}/push`, {})
    expect(pushed.status).toBe(200)
    teamId = pushed.body.agent.id
    // Changed on both sides since.
    await desk.api('PUT', `/api/agents/${deskId}`, { systemPrompt: 'Greet visitors from the desk.' })
    await team.api('PUT', `/api/agents/${teamId}`, { systemPrompt: 'Greet visitors from the team.' })
    ;({ page, errors } = await openPage(browser, { locale: language === 'en' ? 'en-US' : 'zh-CN' }))
    page.setDefaultTimeout(20_000)
    await page.goto(`${desk.url}/?token=${desk.token}`)
    await byTestId('nav-agents').click()
    await byTestId('agent-card').filter({ hasText: name }).waitFor()
  })
  afterAll(async () => {
    await page?.close()
  })

  test('a push over a change there shows both values side by side; keeping theirs writes nothing', async () => {
    await menu('agent-push')
    await conflictOpens()
    const dialog = page.locator('.ant-modal').filter({ has: byTestId('conflict-table') })
    await expect(dialog.textContent()).resolves.toContain(s.title)
    const table = byTestId('conflict-table')
    await expect(table.locator('thead').textContent()).resolves.toMatch(new RegExp(`${s.team}.*${s.local}`))
    const row = table.locator('tbody tr').filter({ hasText: s.prompt })
    const cells = await row.locator('td').allTextContents()
    expect(cells).toEqual([s.prompt, 'Greet visitors from the team.', 'Greet visitors from the desk.'])
    await page.screenshot({ path: `${SHOTS}/team-sync-conflict-${language}.png`, animations: 'disabled' })
    await byTestId('conflict-keep').click()
    await byTestId('conflict-table').waitFor({ state: 'detached' })
    expect((await teamAgent(teamId)).systemPrompt).toBe('Greet visitors from the team.')
  })

  test('save as a copy adds one there; overwrite replaces theirs', async () => {
    await menu('agent-push')
    await conflictOpens()
    await byTestId('conflict-copy').click()
    // Gone before the next push: a closing dialog's table would be taken for the next conflict's.
    await byTestId('conflict-table').waitFor({ state: 'detached' })
    await expect.poll(teamNames).toContain(`${name} (copy)`)
    expect((await teamAgent(teamId)).systemPrompt).toBe('Greet visitors from the team.')

    await menu('agent-push')
    await conflictOpens()
    await byTestId('conflict-overwrite').click()
    await expect.poll(async () => (await teamAgent(teamId)).systemPrompt).toBe('Greet visitors from the desk.')
  })

  test('not linked: the menu items say where to set it up; Settings → Team server links it again', async () => {
    await desk.api('PUT', '/api/team-link', { url: null })
    // The menu asks again as it opens: its items then say where to set it up.
    const open = await cardMenu()
    await expect.poll(() => open.getByTestId('agent-push').textContent()).toContain(s.setUp)
    await page.keyboard.press('Escape')

    // Settings → Team server: link again, the token field empties and is never shown; "Test" says who you are there.
    // The saved link arrives late (as on the loaded CI machine, where it once landed between the
    // typing and the click on save): what is typed meanwhile must not be overwritten by it.
    // It is held until the form is on screen and the typing has begun.
    let release = () => {}
    const held = new Promise<void>((r) => (release = r))
    await page.route('**/api/team-link', async (route) => (await held, route.continue()), { times: 1 })
    const linkLoaded = page.waitForResponse((r) => r.url().endsWith('/api/team-link') && r.request().method() === 'GET')
    await byTestId('nav-settings').click()
    const section = byTestId('settings-team-server')
    await section.waitFor()
    await byTestId('team-url').waitFor()
    const typing = (async () => {
      await byTestId('team-url').fill(team.url)
      await byTestId('team-token').fill(team.token)
    })()
    release()
    await typing
    await linkLoaded
    await byTestId('team-save').click()
    await expect.poll(async () => (await desk.api('GET', '/api/team-link')).body).toEqual({ url: team.url, hasToken: true })
    await expect.poll(() => byTestId('team-token').inputValue()).toBe('')
    await byTestId('team-test').click()
    await expect.poll(() => byTestId('team-test-result').textContent()).toContain(s.who)
    await section.screenshot({ path: `${SHOTS}/team-sync-settings-${language}.png`, animations: 'disabled' })
    await byTestId('nav-agents').click()
    expect(errors.filter((e) => !/status of 409/.test(e))).toEqual([])
  })
})
