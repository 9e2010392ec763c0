// Issue 15, defect 7: server messages reach the user in their language and land on their field.
// Real Chromium against the server and the built renderer (run `npx electron-vite build` first):
// too many allowed origins, a bad cron expression and e-mail address in a digital employee, an
// unreachable provider, and an agent file with a bad origin — in English and in Chinese.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { pickOption } from '../utils/antd'
import type { BootedServer } from '../utils/boot'
import { openPage } from '../utils/browser'
import { startStudio, type Studio } from '../utils/studio'

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }

const TEXT = {
  en: {
    tooMany: 'takes at most 50 items',
    cronMode: 'Custom (cron)',
    cron: 'minute 61 is out of range (0–59)',
    email: 'must be an e-mail address like name@example.com',
    unreachable: 'Cannot reach http://127.0.0.1:9',
    badOrigin: 'Allowed origins: must be an origin like https://example.com'
  },
  'zh-CN': {
    tooMany: '最多 50 项',
    cronMode: '自定义（cron）',
    cron: '分钟 61 超出范围（0–59）',
    email: '必须是邮箱地址，如 name@example.com',
    unreachable: '无法连接 http://127.0.0.1:9',
    badOrigin: '允许的来源: 必须是网站来源，如 https://example.com'
  }
} as const
const LANGS = [
  { lang: 'en', locale: 'en-US' },
  { lang: 'zh-CN', locale: 'zh-CN' }
] as const

let fixture: Studio
let srv: BootedServer

async function withPage(opts: Parameters<typeof openPage>[1], run: (page: Page) => Promise<void>) {
  const { page, errors } = await openPage(fixture.browser, opts)
  page.setDefaultTimeout(15_000)
  try {
    await run(page)
    // The refusals these tests provoke are logged by Chromium as failed loads; nothing else may be.
    expect(errors.filter((e) => !e.includes('status of 422'))).toEqual([])
  } finally {
    await page.context().close()
  }
}

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000 })
const studio = (hash: string) => fixture.url(`/${hash}`)
/** The error text antd shows under the form field that holds this test id. */
const fieldError = (page: Page, testId: string) =>
  page
    .locator('.ant-form-item')
    .filter({ has: page.getByTestId(testId) })
    .locator('.ant-form-item-explain-error')
    .first()

beforeAll(async () => {
  fixture = await startStudio({ llm: false, context: false })
  srv = fixture.srv
})

afterAll(() => fixture?.close())

describe('7. server messages in the user’s language, on their field', () => {
  for (const { lang, locale } of LANGS) {
    for (const phone of [false, true]) {
      const size = phone ? ', 390×844' : ''
      test(`${lang}${size}: saving 51 allowed origins says so under the field`, async () => {
        await srv.api('PUT', '/api/settings', { language: lang, theme: 'light' })
        const agent = (await srv.api('POST', '/api/agents', { name: `Origins ${lang}${size}`, published: true })).body
        await withPage({ locale, ...(phone ? PHONE : {}) }, async (page) => {
          await page.goto(studio(`agents/${agent.id}`))
          await page.getByTestId('ws-tab-publish').click()
          const input = page.getByTestId('allowed-origins').locator('input')
          await input.fill(Array.from({ length: 51 }, (_, i) => `https://shop${i}.example`).join(',') + ',')
          await poll(() => page.getByTestId('allowed-origins').locator('.ant-select-selection-item').count()).toBe(51)
          await page.getByTestId('origins-save').click()
          await poll(() => page.getByTestId('origins-error').textContent()).toBe(TEXT[lang].tooMany)
          expect(await page.locator('.ant-message-error').last().textContent()).not.toContain('allowedOrigins')
        })
      })
    }

    test(`${lang}: a digital employee with a bad cron, then a bad e-mail, shows each on its field`, async () => {
      await srv.api('PUT', '/api/settings', { language: lang, theme: 'light' })
      const agent = (await srv.api('POST', '/api/agents', { name: `Reporter ${lang}` })).body
      await withPage({ locale }, async (page) => {
        await page.goto(studio('employees'))
        await page.getByTestId('task-grid').waitFor()
        await page.locator('.create-card').click()
        await page.getByTestId('task-name').fill('Daily report')
        await page.getByTestId('task-instruction').fill('Write the daily report')
        await pickOption(page, 'task-agent', agent.name)
        await pickOption(page, 'task-expr-mode', TEXT[lang].cronMode)
        await page.getByTestId('task-cron').fill('61 8 * * *')
        // The preview asks the server as one types: its answer is translated too.
        await poll(() => page.getByTestId('schedule-error').textContent()).toContain(TEXT[lang].cron)
        await page.getByTestId('task-save').click()
        await poll(() => fieldError(page, 'task-cron').textContent()).toBe(TEXT[lang].cron)

        await page.getByTestId('task-cron').fill('0 8 * * *')
        await page.getByTestId('task-email').fill('boss at example')
        await page.getByTestId('task-save').click()
        await poll(() => fieldError(page, 'task-email').textContent()).toBe(TEXT[lang].email)
        await poll(() => fieldError(page, 'task-cron').count()).toBe(0)
      })
      expect((await srv.api('GET', '/api/schedules')).body).toEqual([])
    })

    test(`${lang}: testing a provider that does not answer says "Cannot reach" in the user's language`, async () => {
      await srv.api('PUT', '/api/settings', { language: lang, theme: 'light' })
      const provider = (await srv.api('POST', '/api/providers', { name: `Nowhere ${lang}`, baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-x' })).body
      await withPage({ locale }, async (page) => {
        await page.goto(studio(`models/${provider.id}`))
        await page.getByTestId('provider-test').click()
        await poll(() => page.getByTestId('provider-test-result').textContent()).toContain(TEXT[lang].unreachable)
      })
    })

    test(`${lang}: importing an agent file with a bad origin names the field in the user's language`, async () => {
      await srv.api('PUT', '/api/settings', { language: lang, theme: 'light' })
      const file = { format: 'agenta-agent', version: 1, agent: { name: `Bad origin ${lang}`, allowedOrigins: ['not a url'] } }
      await withPage({ locale }, async (page) => {
        await page.goto(studio('agents'))
        await page
          .getByTestId('agent-import-input')
          .setInputFiles({ name: 'bad.agent.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) })
        await poll(() => page.locator('.ant-message-error').last().textContent()).toContain(TEXT[lang].badOrigin)
      })
    })
  }
})
