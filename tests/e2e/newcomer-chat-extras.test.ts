// The chat screen's export (Markdown, print/PDF) and its filter by where conversations came from
// (issue 15, "what newcomers expect"), in real Chromium against the server, the built renderer
// (run `npx electron-vite build` first) and the fake LLM, in both languages and at phone width.
import { readFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startStudio, type Studio } from '../utils/studio'
import { type BootedServer } from '../utils/boot'
import { openPage } from '../utils/browser'

const API_KEY = 'sk-test-chat-extras-0000'
const LANGS = [
  {
    lang: 'en',
    locale: 'en-US',
    you: '### You',
    md: 'Markdown file',
    pdf: 'Print or save as PDF',
    chat: 'Phone & website',
    api: 'API',
    all: 'All conversations'
  },
  { lang: 'zh-CN', locale: 'zh-CN', you: '### 我', md: 'Markdown 文件', pdf: '打印或存为 PDF', chat: '手机与网站', api: 'API', all: '全部对话' }
] as const

let studio: Studio
let srv: BootedServer
let browser: Browser
let agent: { id: string; uuid: string; publicKey: string }

async function withPage(opts: Parameters<typeof openPage>[1], run: (page: Page) => Promise<void>) {
  const { page, errors } = await openPage(browser, { acceptDownloads: true, ...opts })
  page.setDefaultTimeout(10_000)
  try {
    await run(page)
    expect(errors).toEqual([])
  } finally {
    await page.context().close()
  }
}

/** Picks an option of the conversation filter by its visible label. */
async function filter(page: Page, label: string) {
  await page.getByTestId('session-origin').click()
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: label }).click()
}

beforeAll(async () => {
  studio = await startStudio({ llm: { apiKey: API_KEY }, provider: true, context: false })
  ;({ srv, browser } = studio)
  const provider = { id: studio.providerId }
  agent = (await srv.api('POST', '/api/agents', { name: 'Guide', providerId: provider.id, model: 'fake-chat' })).body
  agent = (await srv.api('PUT', `/api/agents/${agent.id}`, { published: true })).body
  // A chat in the studio, a visitor on the phone page, and a script on /v1.
  await srv.api('POST', '/api/sessions', { agentId: agent.id, title: 'In the studio' })
  const init = await srv.api(
    'POST',
    '/chat-init',
    { app_uuid: agent.uuid, user_id: 'visitor-1' },
    { token: null, headers: { 'x-agenta-key': agent.publicKey } }
  )
  await srv.api('PUT', `/api/sessions/${init.body.session_id}`, { title: 'From the phone' })
  const v1 = await srv.api('POST', '/v1/chat/completions', { model: agent.uuid, messages: [{ role: 'user', content: 'From a script' }] })
  expect(v1.status).toBe(200)
})
afterAll(async () => {
  await studio?.close()
})

describe('export a conversation', () => {
  for (const { lang, locale, you, md, pdf } of LANGS) {
    test(`${lang}: Markdown with the messages, and a print page for "Save as PDF"`, async () => {
      await srv.api('PUT', '/api/settings', { language: lang, theme: 'light' })
      await withPage({ locale }, async (page) => {
        await page.goto(`${srv.url}/?token=${srv.token}#/chat/${agent.id}`)
        await page.getByTestId('chat-new').click()
        const question = `What are the opening hours? (${lang})`
        await page.getByTestId('chat-input').fill(question)
        await page.keyboard.press('Enter')
        await expect.poll(() => page.getByTestId('session-list').textContent()).toContain('opening hours')
        // Wait for the answer to be stored before exporting.
        await expect.poll(async () => (await srv.api('GET', `/api/sessions?agentId=${agent.id}&origin=studio`)).body[0]?.title ?? '').toContain('opening hours')
        await page.locator('[data-testid="msg-assistant"][data-status="ok"]').first().waitFor()

        await page.getByTestId('chat-export').click()
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByText(md).click()])
        expect(download.suggestedFilename()).toMatch(/\.md$/)
        const text = readFileSync((await download.path())!, 'utf8')
        expect(text).toContain(you)
        expect(text).toContain(question)
        expect(text).toContain('### Guide')

        await page.getByTestId('chat-export').click()
        await page.getByText(pdf).click()
        const frame = page.locator('iframe[data-testid="chat-print-frame"]')
        await frame.waitFor({ state: 'attached' })
        expect(await frame.getAttribute('sandbox')).toBe('allow-same-origin allow-modals')
        await expect.poll(async () => (await frame.getAttribute('srcdoc')) ?? '').toContain(question)
      })
    })
  }
})

describe('filter conversations by where they came from', () => {
  for (const { lang, locale, chat, api, all } of LANGS) {
    test(`${lang}: studio, phone & website, API`, async () => {
      await srv.api('PUT', '/api/settings', { language: lang, theme: 'light' })
      await withPage({ locale }, async (page) => {
        await page.goto(`${srv.url}/?token=${srv.token}#/chat/${agent.id}`)
        const list = page.getByTestId('session-list')
        await list.waitFor()
        await expect.poll(() => list.getByTestId('session-item').count()).toBeGreaterThanOrEqual(3)
        await filter(page, chat)
        await expect.poll(() => list.getByTestId('session-title').allTextContents()).toEqual(['From the phone'])
        expect(await list.getByTestId('session-origin-tag').allTextContents()).toEqual([chat])
        await filter(page, api)
        await expect.poll(() => list.getByTestId('session-title').allTextContents()).toEqual(['From a script'])
        await filter(page, all)
        await expect.poll(() => list.getByTestId('session-item').count()).toBeGreaterThanOrEqual(3)
      })
    })
  }

  test('at phone width the filter folds away with the list and opens with it', async () => {
    await srv.api('PUT', '/api/settings', { language: 'zh-CN', theme: 'light' })
    await withPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' }, async (page) => {
      await page.goto(`${srv.url}/?token=${srv.token}#/chat/${agent.id}`)
      await page.getByTestId('chat-list-toggle').waitFor()
      expect(await page.getByTestId('session-origin').isVisible()).toBe(false)
      await page.getByTestId('chat-list-toggle').click()
      await page.getByTestId('session-origin').waitFor({ state: 'visible' })
      await filter(page, '手机与网站')
      await expect.poll(() => page.getByTestId('session-title').allTextContents()).toEqual(['From the phone'])
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      expect(overflow).toBeLessThanOrEqual(0)
    })
  })
})
