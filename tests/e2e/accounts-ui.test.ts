// Accounts in real Chromium against the server and the built renderer (run `npx electron-vite
// build` first): the first-run admin setup, signing out and in (a wrong password says so), an
// invitation link, and what a member's studio shows. Steps share one browser and run in order.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { BootedServer } from '../utils/boot'
import { openPage } from '../utils/browser'
import { SHOTS, startStudio, type Studio } from '../utils/studio'

const PASSWORD = 'a long enough secret'

let studio: Studio
let srv: BootedServer
let page: Page
let errors: string[]
let inviteLink = ''

const byTestId = (id: string) => page.getByTestId(id)
const shot = (name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, animations: 'disabled' })

beforeAll(async () => {
  studio = await startStudio({ boot: { accounts: { enabled: true } }, llm: false })
  ;({ srv, page, errors } = studio)
  // The studio's language is English for these steps.
  await srv.runtime.settings.update({ language: 'en' })
})
afterAll(() => studio?.close())

// The API answers 401/403 on purpose in these steps; the page logs those fetches. Anything else is a bug.
const realErrors = () => errors.filter((e) => !/status of 40[13]/.test(e))

describe('accounts in the browser', () => {
  test('the first visit creates the admin, who lands in the studio with the People area', async () => {
    await page.goto(`${srv.url}/`)
    await byTestId('setup-screen').waitFor()
    await shot('accounts-setup')
    await byTestId('auth-name').fill('Ada')
    await byTestId('auth-email').fill('ada@example.com')
    await byTestId('auth-password').fill('short')
    await byTestId('setup-submit').click()
    await page.getByText('At least 8 characters').first().waitFor()
    await byTestId('auth-password').fill(PASSWORD)
    await byTestId('setup-submit').click()
    await byTestId('shell').waitFor()
    await byTestId('nav-people').click()
    await byTestId('people-screen').waitFor()
    await page.getByText('ada@example.com').waitFor()
  })

  test('the admin invites a member by link', async () => {
    await byTestId('people-invite').click()
    await page.locator('.ant-modal-footer .ant-btn-primary').click()
    const link = byTestId('invite-link')
    await link.waitFor()
    inviteLink = (await link.textContent())!.trim()
    expect(inviteLink).toMatch(/\/#\/invite\/.+/)
    await shot('accounts-invite')
  })

  test('signing out shows the sign-in screen; a wrong password says so, the right one opens the studio', async () => {
    await page.keyboard.press('Escape')
    await byTestId('nav-settings').click()
    await byTestId('sign-out').click()
    await byTestId('login-screen').waitFor()
    await byTestId('auth-email').fill('ada@example.com')
    await byTestId('auth-password').fill('not the password')
    await byTestId('login-submit').click()
    await expect(byTestId('auth-error').textContent()).resolves.toContain('Wrong email or password')
    await shot('accounts-login-wrong')
    await byTestId('auth-password').fill(PASSWORD)
    await byTestId('login-submit').click()
    await byTestId('shell').waitFor()
    await expect(byTestId('account-name').count()).resolves.toBe(1)
  })

  test('the invited member joins from the link and sees only chat, memory and settings', async () => {
    const member = await openPage(studio.browser)
    page = member.page
    errors = member.errors
    await page.goto(inviteLink)
    await byTestId('invite-screen').waitFor()
    await byTestId('auth-name').fill('Mia')
    await byTestId('auth-email').fill('mia@example.com')
    await byTestId('auth-password').fill(PASSWORD)
    await byTestId('invite-submit').click()
    await byTestId('shell').waitFor()
    expect(page.url()).not.toContain('invite')
    await expect(byTestId('nav-chat').count()).resolves.toBe(1)
    for (const area of ['agents', 'models', 'tools', 'knowledge', 'people']) await expect(byTestId(`nav-${area}`).count(), area).resolves.toBe(0)
    // Nothing is shared with them yet: they are told whom to ask, not sent to build one.
    await expect(byTestId('chat-no-agents').textContent()).resolves.toMatch(/ask a builder or an admin/)
    await shot('accounts-member')
    expect(realErrors()).toEqual([])
  })
})
