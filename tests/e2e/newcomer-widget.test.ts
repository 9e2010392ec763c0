// Issue 15, item 9: the embed widget on a site it may not serve, or with a wrong key, tells the site
// owner what is wrong (instead of Chromium's "refused to connect"), and the studio's allowed-origins
// field keeps only origins. Real Chromium against the server, the built renderer and a second
// HTTP server standing for the website (run `npx electron-vite build` first).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startStudio, type Studio } from '../utils/studio'
import { type BootedServer } from '../utils/boot'
import { openPage } from '../utils/browser'

const LANGS = [
  { lang: 'en', locale: 'en-US' },
  { lang: 'zh-CN', locale: 'zh-CN' }
] as const

interface AgentRow {
  id: string
  uuid: string
  publicKey: string
}

let studio: Studio
let srv: BootedServer
let browser: Browser
let site: Server
let siteOrigin: string
let elsewhere: AgentRow
let here: AgentRow
let draft: AgentRow

async function withPage(opts: Parameters<typeof openPage>[1], run: (page: Page) => Promise<void>) {
  const { page, errors } = await openPage(browser, opts)
  page.setDefaultTimeout(20_000)
  try {
    await run(page)
    expect(errors).toEqual([])
  } finally {
    await page.context().close()
  }
}

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000 })

async function makeAgent(name: string, patch: Record<string, unknown>): Promise<AgentRow> {
  const created = (await srv.api('POST', '/api/agents', { name })).body as AgentRow
  const updated = await srv.api('PUT', `/api/agents/${created.id}`, patch)
  expect(updated.status).toBe(200)
  return created
}

/** The website's page: embeds `agent` with `key` in language `lang`. */
const sitePage = (lang: string, agent: AgentRow, key = agent.publicKey) => `${siteOrigin}/?lang=${lang}&agent=${agent.uuid}&key=${encodeURIComponent(key)}`

beforeAll(async () => {
  studio = await startStudio({ llm: false, context: false })
  ;({ srv, browser } = studio)
  site = createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end(`<!doctype html><html lang="${q.get('lang') ?? 'en'}"><head><title>Shop</title></head>
<body><h1>A shop</h1><script src="${srv.url}/embed.js" data-agent="${q.get('agent')}" data-key="${q.get('key')}" defer></script></body></html>`)
  })
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r))
  siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`
  await srv.api('PUT', '/api/settings', { language: 'en', theme: 'light' })
  elsewhere = await makeAgent('Elsewhere', { published: true, allowedOrigins: ['https://other.example'] })
  here = await makeAgent('Here', { published: true, allowedOrigins: [siteOrigin] })
  draft = await makeAgent('Draft', { allowedOrigins: [siteOrigin] })
})

afterAll(async () => {
  site?.close()
  await studio?.close()
})

describe('9. the widget says what is wrong', () => {
  for (const { lang, locale } of LANGS) {
    const en = lang === 'en'
    test(`${lang}: a site that is not allowed: the panel names the site and where to allow it`, async () => {
      await withPage({ locale }, async (page) => {
        await page.goto(sitePage(lang, elsewhere))
        await page.getByTestId('agenta-bubble').click()
        const problem = page.getByTestId('agenta-problem')
        await problem.waitFor()
        const text = await problem.textContent()
        expect(text).toContain(siteOrigin)
        expect(text).toContain(en ? 'Publish' : '发布')
        expect(text).toContain(en ? 'not allowed' : '不在')
        expect(await page.getByTestId('agenta-frame').count()).toBe(0)
      })
    })

    test(`${lang}: a wrong key, and an agent not published: the panel says so`, async () => {
      await withPage({ locale }, async (page) => {
        await page.goto(sitePage(lang, here, 'pk_wrong'))
        await page.getByTestId('agenta-bubble').click()
        await poll(() => page.getByTestId('agenta-problem').textContent()).toContain(en ? 'key' : '公钥')
        expect(await page.getByTestId('agenta-frame').count()).toBe(0)

        await page.goto(sitePage(lang, draft))
        await page.getByTestId('agenta-bubble').click()
        await poll(() => page.getByTestId('agenta-problem').textContent()).toContain(en ? 'not published' : '未发布')
      })
    })
  }

  test('en: an allowed site with the right key still gets the chat', async () => {
    await withPage({ locale: 'en-US' }, async (page) => {
      await page.goto(sitePage('en', here))
      await page.getByTestId('agenta-bubble').click()
      await page.frameLocator('[data-testid="agenta-frame"]').getByTestId('phone-agent-name').waitFor()
      expect(await page.getByTestId('agenta-problem').count()).toBe(0)
    })
  })
})

describe('9. the allowed-origins field keeps origins only', () => {
  for (const { lang, locale } of LANGS) {
    test(`${lang}: a pasted URL becomes its origin; text that is not a URL is refused, not split`, async () => {
      await srv.api('PUT', '/api/settings', { language: lang, theme: 'light' })
      const agent = await makeAgent(`Origins ${lang}`, { published: true })
      await withPage({ locale }, async (page) => {
        await page.goto(`${srv.url}/?token=${srv.token}#/agents/${agent.id}`)
        await page.getByTestId('ws-tab-publish').click()
        const input = page.getByTestId('allowed-origins').locator('input')
        await input.fill('not a url')
        await input.press('Enter')
        await poll(() => page.getByTestId('origins-error').textContent()).toContain('not a url')
        expect(await page.getByTestId('origins-error').textContent()).toContain(lang === 'en' ? 'web address' : '网址')
        expect(await page.getByTestId('allowed-origins').locator('.ant-select-selection-item').count()).toBe(0)

        await input.fill('https://shop.example/path?x=1')
        await input.press('Enter')
        await poll(() => page.getByTestId('allowed-origins').locator('.ant-select-selection-item').allTextContents()).toEqual(['https://shop.example'])
        expect(await page.getByTestId('origins-error').count()).toBe(0)
        await page.getByTestId('origins-save').click()
        await poll(async () => (await srv.api('GET', `/api/agents/${agent.id}`)).body.allowedOrigins).toEqual(['https://shop.example'])
      })
      await srv.api('PUT', '/api/settings', { language: 'en', theme: 'light' })
    })
  }
})
