// "Connect to a team server…" and "Back to this computer" in real Chromium, against real servers
// and the built renderer (run `npx electron-vite build` first). The studio of a single-user server
// (as the desktop's) checks an address through its core and says why one is refused, in en and
// zh-CN; a good one is remembered and opened (a browser goes there; the desktop shows it in its
// window, electron/team-window.ts). A team server's pages show "Back to this computer" only inside
// the desktop app, which names itself in the user agent.
import { createServer, type Server } from 'node:http'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { bootServer, type BootedServer } from '../utils/boot'
import { freePort } from '../utils/engines'
import { fakeAgenta } from '../utils/fake-agenta'
import { launchBrowser, openPage } from '../utils/browser'

const RENDERER = resolve(__dirname, '../../out/renderer/index.html')
const SHOTS = resolve(__dirname, '../../test-results/screenshots')
const PASSWORD = 'a long enough secret'
const DESKTOP_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 AgentaDesktop/0.1.0'

let local: BootedServer
let team: BootedServer
let web: Server
let old: Awaited<ReturnType<typeof fakeAgenta>>
let closedUrl = ''
let webUrl = ''
let browser: Browser

beforeAll(async () => {
  if (!existsSync(RENDERER)) throw new Error('The renderer is not built: run `npx electron-vite build` first')
  ;[local, team] = await Promise.all([bootServer(), bootServer({ accounts: { enabled: true } })])
  web = createServer((_req, res) => res.end('<html><body>Just a web site</body></html>'))
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r))
  webUrl = `http://127.0.0.1:${(web.address() as { port: number }).port}`
  old = await fakeAgenta({ version: '9.0.0' })
  closedUrl = `http://127.0.0.1:${await freePort()}`
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  web?.close()
  await old?.close()
  await Promise.all([local?.close(), team?.close()])
})

async function openDialog(page: Page) {
  const dialog = page.locator('.team-connect-dialog .ant-modal')
  await page.getByTestId('team-connect').click()
  await dialog.waitFor()
  return dialog
}

async function tryAddress(page: Page, url: string): Promise<string> {
  await page.getByTestId('team-connect-url').fill(url)
  await page.getByTestId('team-connect-submit').click()
  const error = page.getByTestId('team-connect-error')
  await error.waitFor()
  return (await error.textContent()) ?? ''
}

const origin = (url: string) => new URL(url).origin

describe('connecting to a team server', () => {
  test('en: each wrong address says why; a team server is remembered and opened at its sign-in', async () => {
    await local.runtime.settings.update({ language: 'en' })
    const { page } = await openPage(browser)
    await page.goto(`${local.url}/?token=${local.token}`)
    await page.getByTestId('shell').waitFor()
    // Not inside the desktop on a team server: no way "back".
    expect(await page.getByTestId('back-to-local').count()).toBe(0)
    const dialog = await openDialog(page)
    await page.screenshot({ path: `${SHOTS}/team-connect-dialog.png`, animations: 'disabled' })

    expect(await tryAddress(page, closedUrl)).toBe(`Cannot reach ${origin(closedUrl)}: check the address and that the server is running`)
    expect(await tryAddress(page, webUrl)).toBe(`${origin(webUrl)} is not an Agenta server`)
    expect(await tryAddress(page, old.url)).toMatch(new RegExp(`^${origin(old.url)} runs Agenta 9\\.0\\.0, this app is .+: use the same version on both$`))
    expect(await tryAddress(page, local.url)).toMatch(/has no accounts: a team server signs people in/)
    await page.getByTestId('team-connect-url').fill('ftp://example.com')
    await page.getByTestId('team-connect-submit').click()
    await dialog.getByText('must start with http:// or https://').first().waitFor()

    await page.getByTestId('team-connect-url').fill(team.url)
    await page.getByTestId('team-connect-submit').click()
    // A browser goes there (the desktop shows it in its window instead): the team server's first-run setup.
    await page.waitForURL(`${team.url}/`)
    await page.getByTestId('setup-screen').waitFor()
    expect(await page.getByTestId('back-to-local').count()).toBe(0)

    // Back on the single-user studio, the server is among the recent ones, and a click opens it again.
    await page.goto(`${local.url}/`)
    await page.getByTestId('shell').waitFor()
    await openDialog(page)
    const recent = page.getByTestId('team-connect-recent')
    await recent.getByText(team.url).waitFor()
    expect(await recent.getByText(origin(old.url)).count()).toBe(0)
    await recent.getByText(team.url).click()
    await page.waitForURL(`${team.url}/`)
    await page.context().close()
  })

  test('zh-CN: the reasons are in Chinese', async () => {
    await local.runtime.settings.update({ language: 'zh-CN' })
    const { page } = await openPage(browser)
    await page.goto(`${local.url}/?token=${local.token}`)
    await page.getByTestId('shell').waitFor()
    await openDialog(page)
    await page.getByText('连接团队服务器').first().waitFor()
    expect(await tryAddress(page, webUrl)).toBe(`${origin(webUrl)} 不是 Agenta 服务器`)
    expect(await tryAddress(page, closedUrl)).toBe(`无法连接 ${origin(closedUrl)}：请检查地址，并确认服务器正在运行`)
    expect(await tryAddress(page, old.url)).toMatch(/运行的是 Agenta 9\.0\.0，本应用是 .+：请两边使用相同的版本$/)
    expect(await tryAddress(page, local.url)).toMatch(/没有开启账号/)
    await page.context().close()
  })
})

describe('a team server inside the desktop app', () => {
  test('zh-CN: the sign-in page offers "返回本机" (agenta://local); a plain browser does not', async () => {
    // Before signing in, the page speaks the browser's (the desktop's) language.
    const plain = await openPage(browser, { locale: 'zh-CN' })
    await plain.page.goto(`${team.url}/`)
    await plain.page.getByTestId('setup-screen').waitFor()
    expect(await plain.page.getByTestId('back-to-local').count()).toBe(0)
    await plain.page.context().close()

    const { page } = await openPage(browser, { userAgent: DESKTOP_UA, locale: 'zh-CN' })
    await page.goto(`${team.url}/`)
    await page.getByTestId('setup-screen').waitFor()
    const back = page.getByTestId('back-to-local')
    await back.waitFor()
    expect((await back.textContent())?.trim()).toBe('返回本机')
    expect(await back.getAttribute('href')).toBe('agenta://local')
    await page.context().close()
  })

  test('en: after signing in, the header offers "Back to this computer" and no "Connect to a team server…"', async () => {
    await team.runtime.settings.update({ language: 'en' })
    const { page } = await openPage(browser, { userAgent: DESKTOP_UA, locale: 'en-US' })
    await page.goto(`${team.url}/`)
    await page.getByTestId('setup-screen').waitFor()
    await page.getByTestId('back-to-local').getByText('Back to this computer').waitFor()
    await page.getByTestId('auth-name').fill('Ada')
    await page.getByTestId('auth-email').fill('ada@example.com')
    await page.getByTestId('auth-password').fill(PASSWORD)
    await page.getByTestId('setup-submit').click()
    await page.getByTestId('shell').waitFor()
    const back = page.locator('.app-header [data-testid="back-to-local"]')
    await back.waitFor()
    expect(await back.getAttribute('href')).toBe('agenta://local')
    expect(await page.getByTestId('back-to-local').count()).toBe(1)
    expect(await page.getByTestId('team-connect').count()).toBe(0)
    await page.screenshot({ path: `${SHOTS}/team-server-in-desktop.png`, animations: 'disabled' })
    await page.context().close()
  })
})
