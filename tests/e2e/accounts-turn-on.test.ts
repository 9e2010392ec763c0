// The desktop owner turns accounts on from Settings, in real Chromium against `agenta serve` started
// WITHOUT --accounts (the built command; run `npx electron-vite build` first): the first admin is
// created, the core restarts, the browser must now sign in, and signing in works; an admin turns
// them off again after a warning, and the studio asks for the server's token once more.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { runAgenta, type AgentaProcess } from '../utils/agenta-cli'
import { tempDir } from '../utils/boot'
import { launchBrowser, openPage } from '../utils/browser'

const RENDERER = resolve(__dirname, '../../out/renderer/index.html')
const PASSWORD = 'a long enough secret'

let agenta: AgentaProcess
/** What the command wrote so far, stdout and stderr. */
const out = () => agenta.output() + agenta.errors()
let url = ''
let token = ''
let browser: Browser
let page: Page

beforeAll(async () => {
  if (!existsSync(RENDERER)) throw new Error('The renderer is not built: run `npx electron-vite build` first')
  agenta = runAgenta(['serve', '--port', '0', '--data', tempDir()], { AGENTA_ACCOUNTS: '' })
  ;({ url, token } = await agenta.started)
  expect(out()).not.toMatch(/Accounts are on/)
  // The studio speaks English for these steps.
  const en = await fetch(`${url}/api/settings`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ language: 'en' })
  })
  expect(en.status).toBe(200)
  browser = await launchBrowser()
  ;({ page } = await openPage(browser))
})
afterAll(async () => {
  await browser?.close()
  // Stopped with SIGTERM, as a user stops it.
  if (agenta && agenta.child.exitCode === null) {
    agenta.child.kill('SIGTERM')
    await agenta.exited
  }
})

/** Clicks `target` and waits for what it opens. */
async function clickOpens(target: Locator, opened: Locator) {
  await target.click()
  await opened.waitFor()
}

const byTestId = (id: string) => page.getByTestId(id)
const stateOf = () => page.evaluate(() => fetch('/api/auth/state').then(async (r) => ({ status: r.status, body: await r.json() })))

describe('turning accounts on from Settings', { timeout: 120_000 }, () => {
  test('the owner turns them on with the first admin; the core restarts and the browser must sign in', async () => {
    await page.goto(`${url}/?token=${token}`)
    await byTestId('shell').waitFor()
    await clickOpens(byTestId('nav-settings'), byTestId('settings-accounts'))
    await clickOpens(byTestId('accounts-turn-on'), byTestId('accounts-admin-email'))
    await byTestId('accounts-admin-name').fill('Olga')
    await byTestId('accounts-admin-email').fill('olga@example.com')
    await byTestId('accounts-admin-password').fill('short')
    await byTestId('accounts-on-submit').click()
    await page.getByText('At least 8 characters').first().waitFor()
    await byTestId('accounts-admin-password').fill(PASSWORD)
    await byTestId('accounts-on-submit').click()
    await byTestId('accounts-restarting').waitFor()
    // The page loads again by itself once the core is back, now asking who is there.
    await byTestId('login-screen').waitFor({ timeout: 60_000 })
    expect(out()).toMatch(/Restarting the core/)
    const state = await stateOf()
    expect(state.body).toMatchObject({ accounts: true, needsSetup: false, me: null })
    expect(await page.evaluate(() => fetch('/api/agents').then((r) => r.status))).toBe(401)
  })

  test('the admin signs in with the email and password given', async () => {
    await byTestId('auth-email').fill('olga@example.com')
    await byTestId('auth-password').fill(PASSWORD)
    await byTestId('login-submit').click()
    await byTestId('shell').waitFor()
    expect((await stateOf()).body.me).toMatchObject({ kind: 'user', user: { name: 'Olga', email: 'olga@example.com', role: 'admin' } })
  })

  test('the admin turns them off after a warning; the studio asks for the server token again', async () => {
    await clickOpens(byTestId('nav-settings'), byTestId('settings-accounts'))
    await clickOpens(byTestId('accounts-turn-off'), byTestId('accounts-off-confirm'))
    await expect(page.locator('.ant-modal-confirm').textContent()).resolves.toContain('whoever has the server')
    await byTestId('accounts-off-confirm').click()
    await byTestId('token-screen').waitFor({ timeout: 60_000 })
    const res = await fetch(`${url}/api/auth/state`, { headers: { authorization: `Bearer ${token}` } })
    expect(await res.json()).toMatchObject({ accounts: false, me: { kind: 'owner' } })
  })
})
