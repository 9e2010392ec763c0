// Boots by hand, not through startStudio: two servers, and a desktop bridge that carries its own KioskWindows.
// The studio's side of the desktop kiosk window, in real Chromium against a server whose runtime is
// the desktop app's (host 'electron') and the built renderer (run `npx electron-vite build` first).
// Settings → Kiosk sets, changes (only with the right current PIN) and removes the admin PIN; the
// publish tab's "Open kiosk on this screen" opens the kiosk window and says how to leave it. The
// Electron binary cannot run here: the page gets the desktop's preload over an in-process bridge
// (tests/utils/fake-bridge.ts) whose calls go through the real IPC handlers (electron/ipc.ts) —
// openKiosk to a real KioskWindows on a fake platform, which keeps the PIN in the same settings
// table. In English and in Chinese; without the bridge (a browser) there is no button.
// A forgotten PIN is reset from Settings → Kiosk: the owner at the desktop confirms; a signed-in
// admin (accounts on) gives their password; the audit log (People) says so in the studio's language.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { EXIT_SHORTCUT } from '../../src-main/contract/kiosk'
import { KIOSK_PIN_KEY, MAX_PIN_ATTEMPTS } from '../../src-main/core/settings/kiosk-pin'
import { KioskWindows } from '../../src-main/electron/kiosk-window'
import { clickUntil } from '../utils/antd'
import { bootServer, type BootedServer } from '../utils/boot'
import { launchBrowser, openPage } from '../utils/browser'
import { desktopBridge, type DesktopBridge } from '../utils/fake-bridge'
import { fakeKioskPlatform } from '../utils/fake-platform'
import { requireRenderer, SHOTS } from '../utils/studio'

const TEXT = {
  en: {
    locale: 'en-US',
    open: 'Open kiosk on this screen',
    exit: `To leave it, press ${EXIT_SHORTCUT}`,
    draft: 'Publish the agent to open its kiosk on this screen.',
    notSet: 'Set an admin PIN first: only the PIN lets anyone leave the kiosk',
    opened: `The kiosk is open. To leave it: ${EXIT_SHORTCUT} and the admin PIN.`,
    title: 'Kiosk',
    format: 'must be 4 to 12 digits',
    mismatch: 'Enter the same PIN twice',
    wrong: 'The current PIN is wrong',
    required: 'Enter the current PIN to change or remove it',
    forgot: 'Forgot the PIN? Reset it',
    resetBody: 'The PIN is removed without entering it, and the lock after wrong PINs ends.',
    resetDone: 'Admin PIN reset: set a new one',
    passwordWrong: 'Your password is wrong',
    audited: 'Kiosk admin PIN reset (forgotten)'
  },
  'zh-CN': {
    locale: 'zh-CN',
    open: '在本机屏幕上打开展台',
    exit: `退出时按 ${EXIT_SHORTCUT}`,
    draft: '发布智能体后才能在本机打开它的展台。',
    notSet: '请先设置管理员密码：只有凭密码才能退出展台',
    opened: `展台已打开。退出：按 ${EXIT_SHORTCUT} 并输入管理员密码。`,
    title: '展台模式',
    format: '须为 4 至 12 位数字',
    mismatch: '两次输入的密码须相同',
    wrong: '当前密码不正确',
    required: '修改或删除密码前请输入当前密码',
    forgot: '忘记密码？重置',
    resetBody: '无需输入密码即可删除它，输错密码后的锁定也会解除。',
    resetDone: '管理员密码已重置：请设置新密码',
    passwordWrong: '账号密码不正确',
    audited: '重置了展台管理员密码（忘记密码）'
  }
} as const

let desk: BootedServer
let serve: BootedServer
let browser: Browser
let guide: { id: string; uuid: string }
let draft: { id: string; uuid: string }
/** The kiosk's windows, and what its PIN prompt answers next (`pins`; null: the operator cancelled it). */
let kioskState: ReturnType<typeof fakeKioskPlatform>['state']
let kiosk: KioskWindows
let bridge: DesktopBridge

beforeAll(async () => {
  requireRenderer()
  ;[desk, serve, browser] = await Promise.all([bootServer({ host: 'electron' }), bootServer(), launchBrowser()])
  guide = (await desk.api('POST', '/api/agents', { name: 'Museum Guide', published: true })).body
  draft = (await desk.api('POST', '/api/agents', { name: 'Draft Guide' })).body
  const fake = fakeKioskPlatform({ url: desk.url })
  kioskState = fake.state
  const platform = {
    ...fake.platform,
    agentPublished: (uuid: string) =>
      desk.runtime.agents.get(uuid).then(
        (a) => a.published,
        () => false
      ),
    // The same settings table Settings → Kiosk writes to, and the core's exit-prompt guard (a reset clears it).
    store: desk.runtime.settings.raw,
    pinGuard: desk.runtime.kioskPin.exitGuard
  }
  kiosk = new KioskWindows(platform, { info: () => undefined, warn: () => undefined, error: () => undefined })
  bridge = desktopBridge(desk.runtime, { origin: desk.url, kiosk })
})

afterAll(async () => {
  kiosk?.closeForQuit()
  await browser?.close()
  bridge?.close()
  await Promise.all([desk?.close(), serve?.close()])
})

async function desktopPage(locale: string): Promise<{ page: Page; errors: string[] }> {
  const opened = await openPage(browser, { locale })
  await bridge.attach(opened.page.context())
  opened.page.setDefaultTimeout(20_000)
  return opened
}

/** Every answer here may wait for scrypt (~50 ms alone, seconds on the loaded 2-core CI machine). */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000 })

const fieldError = (page: Page, testId: string) =>
  page
    .locator('.ant-form-item')
    .filter({ has: page.getByTestId(testId) })
    .locator('.ant-form-item-explain-error')
    .first()

async function toSettings(page: Page) {
  await page.goto(`${desk.url}/#/settings`)
  await page.getByTestId('settings-kiosk').waitFor()
}

async function toPublish(page: Page, agentId: string) {
  await page.goto(`${desk.url}/#/agents/${agentId}`)
  await clickUntil(page.getByTestId('ws-tab-publish'), page.getByTestId('publish-panel'))
}

async function fillPins(page: Page, pins: { current?: string; pin?: string; again?: string }) {
  if (pins.current !== undefined) await page.getByTestId('kiosk-pin-current').fill(pins.current)
  if (pins.pin !== undefined) await page.getByTestId('kiosk-pin-new').fill(pins.pin)
  if (pins.again !== undefined) await page.getByTestId('kiosk-pin-again').fill(pins.again)
}

const pinState = (page: Page) => page.getByTestId('kiosk-pin-state').getAttribute('data-set')

describe('the desktop kiosk window from the studio', () => {
  for (const lang of ['en', 'zh-CN'] as const) {
    const T = TEXT[lang]
    test(`${lang}: open it from the publish tab; set, change and remove its admin PIN in Settings → Kiosk`, async () => {
      await desk.api('PUT', '/api/settings', { language: lang, theme: 'light' })
      await desk.runtime.settings.raw.set(KIOSK_PIN_KEY, null)
      kiosk.closeForQuit()
      kioskState.windows.length = 0
      const { page, errors } = await desktopPage(T.locale)
      try {
        // No PIN yet and the operator cancels the prompt for one: no kiosk, and the studio says why.
        await toPublish(page, guide.id)
        const button = page.getByTestId('open-kiosk')
        await poll(() => button.textContent()).toContain(T.open)
        expect(await page.getByTestId('kiosk-exit-help').textContent()).toContain(T.exit)
        await button.click()
        await poll(() => page.getByTestId('open-kiosk-error').textContent()).toBe(T.notSet)
        expect(kioskState.windows).toHaveLength(0)

        // Settings → Kiosk: a first PIN, the contract's rule checked as one types it.
        await toSettings(page)
        expect(await page.getByTestId('settings-kiosk').locator('.setting-card-title').textContent()).toBe(T.title)
        await poll(() => pinState(page)).toBe('false')
        expect(await page.getByTestId('kiosk-pin-current').count()).toBe(0)
        await fillPins(page, { pin: '12', again: '13' })
        await page.getByTestId('kiosk-pin-save').click()
        await poll(() => fieldError(page, 'kiosk-pin-new').textContent()).toBe(T.format)
        await poll(() => fieldError(page, 'kiosk-pin-again').textContent()).toBe(T.mismatch)
        await fillPins(page, { pin: '1357', again: '1357' })
        await page.getByTestId('kiosk-pin-save').click()
        await poll(() => pinState(page)).toBe('true')
        expect(await desk.runtime.settings.raw.get<string>(KIOSK_PIN_KEY)).toMatch(/^scrypt\$/)
        await page.screenshot({ path: `${SHOTS}/settings-kiosk-${lang === 'en' ? 'en' : 'zh'}.png` })

        // Now the kiosk opens on this screen, and that PIN is the way out of it.
        await toPublish(page, guide.id)
        await page.getByTestId('open-kiosk').click()
        await poll(() => kioskState.windows.length).toBe(1)
        expect(kioskState.windows[0].url).toBe(`${desk.url}/kiosk/${guide.uuid}`)
        await poll(() => page.locator('.ant-message-success').last().textContent()).toBe(T.opened)
        expect(await page.getByTestId('open-kiosk-error').count()).toBe(0)
        await page.screenshot({ path: `${SHOTS}/publish-kiosk-window-${lang === 'en' ? 'en' : 'zh'}.png` })
        kioskState.pins.push('0000')
        expect(await kiosk.requestExit()).toBe(false)
        kioskState.pins.push('1357')
        expect(await kiosk.requestExit()).toBe(true)
        expect(kioskState.windows[0].closed).toBe(true)

        // Changing it: the current PIN is required and must be right; the server's refusal is on the field.
        await toSettings(page)
        await poll(() => pinState(page)).toBe('true')
        await fillPins(page, { pin: '2468', again: '2468' })
        await page.getByTestId('kiosk-pin-save').click()
        await poll(() => fieldError(page, 'kiosk-pin-current').textContent()).toBe(T.required)
        await fillPins(page, { current: '0000' })
        await page.getByTestId('kiosk-pin-save').click()
        await poll(() => fieldError(page, 'kiosk-pin-current').textContent()).toBe(T.wrong)
        await fillPins(page, { current: '1357' })
        await page.getByTestId('kiosk-pin-save').click()
        await poll(() => page.getByTestId('kiosk-pin-current').inputValue()).toBe('')
        expect(await fieldError(page, 'kiosk-pin-current').count()).toBe(0)

        // Removing it takes the current PIN too.
        await fillPins(page, { current: '2468' })
        await clickUntil(page.getByTestId('kiosk-pin-remove'), page.getByTestId('kiosk-pin-remove-ok'))
        await page.getByTestId('kiosk-pin-remove-ok').click()
        await poll(() => pinState(page)).toBe('false')
        expect(await desk.runtime.settings.raw.get(KIOSK_PIN_KEY)).toBeNull()

        // A draft agent has no kiosk to open.
        await toPublish(page, draft.id)
        expect(await page.getByTestId('open-kiosk').isDisabled()).toBe(true)
        expect(await page.getByTestId('kiosk-exit-help').textContent()).toBe(T.draft)
        expect(errors).toEqual([])
      } finally {
        await page.context().close()
      }
    }, 240_000)
  }

  test('a browser keeps the kiosk link, without the button; Settings → Kiosk only where a kiosk window exists', async () => {
    await desk.api('PUT', '/api/settings', { language: 'en', theme: 'light' })
    const { page, errors } = await openPage(browser, { locale: 'en-US' })
    try {
      page.setDefaultTimeout(20_000)
      await page.goto(`${desk.url}/?token=${desk.token}`)
      await toPublish(page, guide.id)
      await poll(() => page.getByTestId('kiosk-url').first().textContent()).toContain(`/kiosk/${guide.uuid}`)
      expect(await page.getByTestId('open-kiosk').count()).toBe(0)
      // The desktop app's server: its admin may manage the PIN from a browser too.
      await toSettings(page)
      // `agenta serve`: no kiosk window, no PIN to manage.
      await page.goto(`${serve.url}/?token=${serve.token}#/settings`)
      await page.getByTestId('settings-email').waitFor()
      expect(await page.getByTestId('settings-kiosk').count()).toBe(0)
      expect(errors).toEqual([])
    } finally {
      await page.context().close()
    }
  }, 120_000)

  for (const lang of ['en', 'zh-CN'] as const) {
    const T = TEXT[lang]
    test(`${lang}: a forgotten PIN, locked by wrong guesses at the kiosk, is reset at the desktop with a confirmation`, async () => {
      await desk.api('PUT', '/api/settings', { language: lang, theme: 'light' })
      await desk.runtime.settings.raw.set(KIOSK_PIN_KEY, null)
      expect((await desk.api('PUT', '/api/kiosk/pin', { pin: '1357' })).status).toBe(200)
      kiosk.closeForQuit()
      kioskState.windows.length = 0
      await kiosk.open({ agentUuid: guide.uuid })
      // Somebody guessed at the kiosk's exit prompt: it is locked, even for the right PIN.
      for (let i = 0; i < MAX_PIN_ATTEMPTS; i++) {
        kioskState.pins.push('0000')
        expect(await kiosk.requestExit()).toBe(false)
      }
      expect(desk.runtime.kioskPin.exitGuard.lockedFor()).toBeGreaterThan(0)
      const { page, errors } = await desktopPage(T.locale)
      try {
        await toSettings(page)
        await poll(() => pinState(page)).toBe('true')
        const forgot = page.getByTestId('kiosk-pin-forgot')
        expect(await forgot.textContent()).toBe(T.forgot)
        await forgot.click()
        await poll(() => page.getByTestId('kiosk-pin-reset-body').textContent()).toContain(T.resetBody)
        // The owner at the desktop is not asked for a password.
        expect(await page.getByTestId('kiosk-pin-reset-password').count()).toBe(0)
        await page.screenshot({ path: `${SHOTS}/settings-kiosk-reset-${lang === 'en' ? 'en' : 'zh'}.png` })
        await page.getByTestId('kiosk-pin-reset-ok').click()
        await poll(() => pinState(page)).toBe('false')
        await poll(() => page.locator('.ant-message-success').last().textContent()).toBe(T.resetDone)
        expect(await desk.runtime.settings.raw.get(KIOSK_PIN_KEY)).toBeNull()

        // A new PIN without the old one, and the lock is gone: it lets the operator out at once.
        await fillPins(page, { pin: '2468', again: '2468' })
        await page.getByTestId('kiosk-pin-save').click()
        await poll(() => pinState(page)).toBe('true')
        kioskState.pins.push('2468')
        expect(await kiosk.requestExit()).toBe(true)
        expect(kioskState.windows[0].closed).toBe(true)
        expect(errors).toEqual([])
      } finally {
        await page.context().close()
      }
    }, 240_000)
  }

  test('zh-CN, accounts on: an admin resets it with their account password; the audit log says so in Chinese', async () => {
    const PASSWORD = 'a long enough secret'
    const team = await bootServer({ host: 'electron', accounts: { enabled: true } })
    try {
      await team.runtime.settings.update({ language: 'zh-CN' })
      const setup = await team.api('POST', '/api/auth/setup', { name: 'Ada', email: 'ada@example.com', password: PASSWORD }, { token: null })
      const session = /agenta_session=([^;]*)/.exec(setup.headers.get('set-cookie') ?? '')![1]!
      expect((await team.api('PUT', '/api/kiosk/pin', { pin: '1357' }, { token: session })).status).toBe(200)
      const { page, errors } = await openPage(browser, { locale: 'zh-CN' })
      try {
        page.setDefaultTimeout(20_000)
        await page.context().addCookies([{ name: 'agenta_session', value: session, url: team.url }])
        await page.goto(`${team.url}/#/settings`)
        await page.getByTestId('settings-kiosk').waitFor()
        await poll(() => pinState(page)).toBe('true')
        await page.getByTestId('kiosk-pin-forgot').click()
        await page.getByTestId('kiosk-pin-reset-password').fill('not my password')
        await page.getByTestId('kiosk-pin-reset-ok').click()
        await poll(() => fieldError(page, 'kiosk-pin-reset-password').textContent()).toBe(TEXT['zh-CN'].passwordWrong)
        expect(await team.runtime.settings.raw.get(KIOSK_PIN_KEY)).toMatch(/^scrypt\$/)
        await page.getByTestId('kiosk-pin-reset-password').fill(PASSWORD)
        await page.getByTestId('kiosk-pin-reset-ok').click()
        await poll(() => pinState(page)).toBe('false')
        expect(await team.runtime.settings.raw.get(KIOSK_PIN_KEY)).toBeNull()

        // People → audit log: the reset in words, by Ada.
        await page.getByTestId('nav-people').click()
        await page.getByTestId('people-screen').waitFor()
        await page.getByRole('tab', { name: '审计日志' }).click()
        const entry = page.locator('[data-action="kiosk.pinReset"]').first()
        await poll(() => entry.textContent()).toBe(TEXT['zh-CN'].audited)
        expect(await page.locator('tr').filter({ has: entry }).textContent()).toContain('Ada')
        await page.screenshot({ path: `${SHOTS}/people-audit-kiosk-zh.png` })
        // The wrong password's 403 is logged by the page on purpose.
        expect(errors.filter((e) => !/status of 403/.test(e))).toEqual([])
      } finally {
        await page.context().close()
      }
    } finally {
      await team.close()
    }
  }, 240_000)
})
