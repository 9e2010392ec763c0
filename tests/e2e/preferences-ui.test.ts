// Each person's own language and theme in real Chromium (accounts on; run `npx electron-vite build`
// first): a member switches the studio to Chinese and dark in Settings; another member still sees
// English and light; the studio settings are unchanged.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { pickOption } from '../utils/antd'
import type { BootedServer } from '../utils/boot'
import { openPage } from '../utils/browser'
import { startStudio, type Studio } from '../utils/studio'

const PASSWORD = 'a long enough secret'

let studio: Studio
let srv: BootedServer

beforeAll(async () => {
  // Each member signs in on a page of their own.
  studio = await startStudio({ boot: { accounts: { enabled: true, loginLimit: { window: 60, max: 100 } } }, llm: false, context: false })
  srv = studio.srv
  await srv.runtime.settings.update({ language: 'en', theme: 'light' })
  await srv.runtime.accounts.addUser({ name: 'Mia', email: 'mia@example.com', password: PASSWORD, role: 'member' })
  await srv.runtime.accounts.addUser({ name: 'Max', email: 'max@example.com', password: PASSWORD, role: 'member' })
})
afterAll(() => studio?.close())

async function signIn(email: string): Promise<Page> {
  const { page } = await openPage(studio.browser, { locale: 'en-US' })
  await page.goto(`${srv.url}/`)
  await page.getByTestId('auth-email').fill(email)
  await page.getByTestId('auth-password').fill(PASSWORD)
  await page.getByTestId('login-submit').click()
  await page.getByTestId('shell').waitFor()
  return page
}

async function openSettings(page: Page) {
  await page.getByTestId('nav-settings').click()
  await page.getByTestId('settings-general').waitFor()
}

describe('my language and theme', { timeout: 90_000 }, () => {
  test('a member switches to Chinese and dark; another member still sees English and light', async () => {
    const mia = await signIn('mia@example.com')
    await openSettings(mia)
    await pickOption(mia, 'language-select', '简体中文')
    await expect.poll(() => mia.getByTestId('nav-settings').textContent()).toBe('设置')
    await mia.getByTestId('theme-dark').click()
    await expect.poll(() => mia.locator('html').getAttribute('data-theme')).toBe('dark')
    // Kept for her: after a reload, still hers.
    await mia.reload()
    await mia.getByTestId('shell').waitFor()
    await expect.poll(() => mia.getByTestId('nav-settings').textContent()).toBe('设置')
    await expect(mia.locator('html').getAttribute('data-theme')).resolves.toBe('dark')

    const max = await signIn('max@example.com')
    await expect(max.getByTestId('nav-settings').textContent()).resolves.toBe('Settings')
    await expect(max.locator('html').getAttribute('lang')).resolves.toBe('en')
    await expect(max.locator('html').getAttribute('data-theme')).resolves.toBe('light')
    expect(await srv.runtime.settings.get()).toMatchObject({ language: 'en', theme: 'light' })
  })
})
