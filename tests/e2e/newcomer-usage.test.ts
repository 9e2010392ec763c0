// The usage page (issue 15, "what newcomers expect"): turns, tokens and cost per agent and model as a
// chart over a chosen range, in real Chromium against the server and the built renderer (run
// `npx electron-vite build` first), in both languages and at phone width.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { BootedServer } from '../utils/boot'
import { openPage } from '../utils/browser'
import { startStudio, type Studio } from '../utils/studio'

const API_KEY = 'sk-test-usage-0000'
const LANGS = [
  { lang: 'en', locale: 'en-US', turns: 'Turns', byModel: 'By model', atLeast: 'Cost (at least)' },
  { lang: 'zh-CN', locale: 'zh-CN', turns: '轮次', byModel: '按模型', atLeast: '费用（至少）' }
] as const
const DAY = 86_400_000

let studio: Studio
let srv: BootedServer

async function withPage(opts: Parameters<typeof openPage>[1], run: (page: Page) => Promise<void>) {
  const { page, errors } = await openPage(studio.browser, opts)
  page.setDefaultTimeout(10_000)
  try {
    await run(page)
    expect(errors).toEqual([])
  } finally {
    await page.context().close()
  }
}

beforeAll(async () => {
  studio = await startStudio({ llm: { apiKey: API_KEY }, provider: true, context: false })
  srv = studio.srv
  const provider = { id: studio.providerId }
  const desk = (await srv.api('POST', '/api/agents', { name: 'Front desk', providerId: provider.id, model: 'fake-chat' })).body
  // Two real turns today, through the OpenAI-compatible API.
  for (const content of ['hello', 'opening hours?'])
    expect((await srv.api('POST', '/v1/chat/completions', { model: desk.uuid, messages: [{ role: 'user', content }] })).status).toBe(200)
  // A turn of another agent with another model ten days ago (as its trace records it).
  const analyst = (await srv.api('POST', '/api/agents', { name: 'Analyst', providerId: provider.id, model: 'fake-chat' })).body
  const at = Date.now() - 10 * DAY
  const db = srv.runtime.store.db
  await db
    .insertInto('chat_sessions')
    .values({ id: 'old-session', agent_id: analyst.id, user_id: 'scheduler', title: '', created_at: at, updated_at: at })
    .execute()
  await db
    .insertInto('run_steps')
    .values({
      id: 'old-step',
      run_id: 'old-run',
      session_id: 'old-session',
      kind: 'model',
      name: 'big-model',
      input: '',
      output: '',
      error: null,
      tokens_in: 4000,
      tokens_out: 1000,
      started_at: at,
      ended_at: at + 1
    })
    .execute()
})
afterAll(() => studio?.close())

describe('the usage page', () => {
  for (const { lang, locale, turns, byModel, atLeast } of LANGS) {
    test(`${lang}: totals, a chart per agent or model, a range picker, and costs once prices are entered`, async () => {
      await srv.api('PUT', '/api/settings', { language: lang, theme: 'light' })
      await srv.api('PUT', '/api/usage/prices', { currency: 'USD', models: {} })
      await withPage({ locale }, async (page) => {
        await page.goto(studio.url('/usage'))
        await page.getByTestId('usage-screen').waitFor()
        const stats = page.getByTestId('usage-stats')
        await expect.poll(() => stats.textContent()).toContain(turns)
        // Last 30 days: three turns of two agents.
        await expect.poll(async () => (await stats.locator('.ant-statistic-content').first().textContent())?.trim()).toBe('3')
        const chart = page.getByTestId('usage-chart')
        await expect.poll(() => chart.getAttribute('data-series')).toBe('Analyst|Front desk')
        await expect.poll(() => chart.locator('canvas').count()).toBeGreaterThan(0)
        await page.getByTestId('usage-group').getByText(byModel).click()
        await expect.poll(() => chart.getAttribute('data-series')).toBe('big-model|fake-chat')

        // Seven days: the old turn drops out.
        await page.getByTestId('usage-presets').locator('.ant-segmented-item').first().click()
        await expect.poll(async () => (await stats.locator('.ant-statistic-content').first().textContent())?.trim()).toBe('2')
        // A range typed by hand: only the old day.
        const old = new Date(Date.now() - 10 * DAY)
        const day = `${old.getFullYear()}-${String(old.getMonth() + 1).padStart(2, '0')}-${String(old.getDate()).padStart(2, '0')}`
        await page.getByTestId('usage-from').fill(day)
        await page.getByTestId('usage-to').fill(day)
        await expect.poll(async () => (await stats.locator('.ant-statistic-content').first().textContent())?.trim()).toBe('1')
        await expect.poll(() => page.getByTestId('usage-by-agent').textContent()).toContain('Analyst')

        // Prices for one model: the cost appears, marked as a lower bound while another has none.
        await page.getByTestId('usage-presets').locator('.ant-segmented-item').nth(1).click()
        await page.getByTestId('usage-prices').click()
        await page.getByTestId('price-in-big-model').fill('2')
        await page.getByTestId('price-out-big-model').fill('8')
        await page.getByTestId('usage-prices-save').click()
        await expect.poll(() => stats.textContent()).toContain(atLeast)
        // (4000 × 2 + 1000 × 8) / 1M = 0.016
        await expect.poll(() => stats.textContent()).toContain('0.016')
      })
    })
  }

  test('at phone width the page fits the screen', async () => {
    await srv.api('PUT', '/api/settings', { language: 'zh-CN', theme: 'light' })
    await withPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' }, async (page) => {
      await page.goto(studio.url('/usage'))
      await page.getByTestId('usage-chart').waitFor()
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      expect(overflow).toBeLessThanOrEqual(0)
    })
  })
})
