// Single sign-on in real Chromium against the server and the built renderer (run `npx electron-vite
// build` first) and a real OpenID Connect provider (oidc-provider, its development sign-in pages):
// "Sign in with …" → the provider → back in the studio as the right person and role; someone
// nobody invited is refused with the studio's message; an invitation for the email lets them in.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ownerContext } from '../../src-main/core/context'
import type { BootedServer } from '../utils/boot'
import { openPage } from '../utils/browser'
import { startOidcProvider, type TestOidcProvider } from '../utils/oidc-provider'
import { startStudio, type Studio } from '../utils/studio'

const PASSWORD = 'a long enough secret'

let studio: Studio
let srv: BootedServer
let idp: TestOidcProvider

beforeAll(async () => {
  idp = await startOidcProvider({ unverified: ['eve@example.com'] })
  // Each person signs in on a page of their own.
  studio = await startStudio({
    boot: { accounts: { enabled: true, oidc: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, name: 'Acme ID', signUp: false } } },
    llm: false,
    context: false
  })
  srv = studio.srv
  idp.register(`${srv.url}/auth/callback/oidc`)
  await srv.runtime.settings.update({ language: 'en' })
  const accounts = srv.runtime.accounts
  await accounts.addUser({ name: 'Ada', email: 'ada@example.com', password: PASSWORD, role: 'admin' })
  await accounts.addUser({ name: 'Bob', email: 'bob@example.com', password: PASSWORD, role: 'builder' })
  await accounts.addUser({ name: 'Eve', email: 'eve@example.com', password: PASSWORD, role: 'member' })
  await accounts.invites.create({ role: 'builder', email: 'ivy@example.com', days: 7 }, ownerContext())
})
afterAll(async () => {
  await studio?.close()
  await idp?.close()
})

/** From the studio's sign-in page through the provider's pages (any password works there) and back. */
async function signInWithSso(page: Page, email: string, label = 'Sign in with Acme ID') {
  await page.goto(`${srv.url}/`)
  const button = page.getByTestId('sso-sign-in')
  await expect(button.textContent()).resolves.toContain(label)
  await button.click()
  await page.locator('input[name=login]').fill(email)
  await page.locator('input[name=password]').fill('anything')
  await page.locator('button[type=submit]').click()
  // The provider asks once per person to let the studio see the email and name.
  const consent = page.locator('input[name=prompt][value=consent]')
  await Promise.race([consent.waitFor({ state: 'attached' }), page.waitForURL(`${srv.url}/**`)])
  if (await consent.count()) await page.locator('button[type=submit]').click()
  await page.waitForURL(`${srv.url}/**`)
}

/** The provider's development pages load web fonts from the internet (unreachable here) and have no icon. */
const studioErrors = (errors: string[]) => errors.filter((e) => !/status of 40[13]|ERR_NAME_NOT_RESOLVED|status of 404/.test(e))

const stateOf = (page: Page) => page.evaluate(() => fetch('/api/auth/state').then((r) => r.json()))

// Each step crosses two servers' pages: slow on the loaded 2-core machine.
describe('single sign-on', { timeout: 90_000 }, () => {
  test('an existing person signs in through the provider as themselves, with their role', async () => {
    const { page, errors } = await openPage(studio.browser)
    await signInWithSso(page, 'bob@example.com')
    await page.getByTestId('shell').waitFor()
    const state = await stateOf(page)
    expect(state.me).toMatchObject({ kind: 'user', user: { name: 'Bob', email: 'bob@example.com', role: 'builder' } })
    // A builder's studio: agents yes, people no.
    await expect(page.getByTestId('nav-agents').count()).resolves.toBe(1)
    await expect(page.getByTestId('nav-people').count()).resolves.toBe(0)
    // One person, not a second one made for the provider.
    expect((await srv.runtime.accounts.users.list()).filter((u) => u.email === 'bob@example.com')).toHaveLength(1)
    expect(studioErrors(errors)).toEqual([])
    await page.context().close()
  })

  test('someone nobody invited is refused with the studio message, and no account is made', async () => {
    const { page } = await openPage(studio.browser)
    await signInWithSso(page, 'stranger@example.com')
    await page.getByTestId('login-screen').waitFor()
    await expect(page.getByTestId('auth-error').textContent()).resolves.toContain('nobody invited your email address')
    expect(page.url()).not.toContain('sso_error')
    expect((await stateOf(page)).me).toBeNull()
    expect((await srv.runtime.accounts.users.list()).map((u) => u.email)).not.toContain('stranger@example.com')
    await page.context().close()
  })

  test('the same message in Chinese when the studio speaks Chinese', async () => {
    await srv.runtime.settings.update({ language: 'zh-CN' })
    const { page } = await openPage(studio.browser, { locale: 'zh-CN' })
    try {
      await signInWithSso(page, 'stranger@example.com', '使用 Acme ID 登录')
      await page.getByTestId('login-screen').waitFor()
      await expect(page.getByTestId('auth-error').textContent()).resolves.toContain('没有人邀请您的邮箱地址')
    } finally {
      await srv.runtime.settings.update({ language: 'en' })
      await page.context().close()
    }
  })

  test('an email the provider did not verify does not open the account that has it', async () => {
    const { page } = await openPage(studio.browser)
    await signInWithSso(page, 'eve@example.com')
    await page.getByTestId('login-screen').waitFor()
    await expect(page.getByTestId('auth-error').textContent()).resolves.toContain('did not confirm this email address')
    expect((await stateOf(page)).me).toBeNull()
    await page.context().close()
  })

  test('an invitation for the email lets a new person in with its role, once', async () => {
    const { page } = await openPage(studio.browser)
    await signInWithSso(page, 'ivy@example.com')
    await page.getByTestId('shell').waitFor()
    expect((await stateOf(page)).me).toMatchObject({ kind: 'user', user: { email: 'ivy@example.com', name: 'ivy', role: 'builder' } })
    const invites = await srv.runtime.accounts.invites.list()
    expect(invites.find((i) => i.email === 'ivy@example.com')?.usedAt).not.toBeNull()
    await page.context().close()
  })
})
