// Issue 15, in chat: switch the model for a turn, and see each answer's model, time and tokens.
// Real Chromium against the server, the built renderer and the fake LLM (run `npx electron-vite build` first).
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { bootServer, type BootedServer } from '../utils/boot'
import { launchBrowser, openPage } from '../utils/browser'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'

const RENDERER = resolve(__dirname, '../../out/renderer/index.html')
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }
const LANGS = [
  { lang: 'en', locale: 'en-US', seconds: / s · /, tokens: /tokens/ },
  { lang: 'zh-CN', locale: 'zh-CN', seconds: / 秒 · /, tokens: /tokens/ }
] as const

let srv: BootedServer
let llm: FakeLlm
let browser: Browser
let agentId: string

async function withPage(opts: Parameters<typeof openPage>[1], run: (page: Page) => Promise<void>) {
  const { page, errors } = await openPage(browser, opts)
  page.setDefaultTimeout(15_000)
  try {
    await run(page)
    expect(errors).toEqual([])
  } finally {
    await page.context().close()
  }
}
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 })

beforeAll(async () => {
  if (!existsSync(RENDERER)) throw new Error(`${RENDERER} is missing: run \`npx electron-vite build\` before the e2e tests`)
  ;[srv, llm, browser] = await Promise.all([
    bootServer(),
    startFakeLlm({
      models: [
        { id: 'fake-chat', type: 'chat' },
        { id: 'fake-big', type: 'chat' }
      ]
    }),
    launchBrowser()
  ])
  const provider = (await srv.api('POST', '/api/providers', { name: 'Fake', baseUrl: llm.baseUrl })).body
  await srv.api('POST', `/api/providers/${provider.id}/refresh-models`)
  agentId = (await srv.api('POST', '/api/agents', { name: 'Switcher', providerId: provider.id, model: 'fake-chat' })).body.id
})

afterAll(async () => {
  await browser?.close()
  await Promise.all([srv?.close(), llm?.close()])
})

describe('a model for a turn, and what each answer cost', () => {
  for (const { lang, locale, seconds, tokens } of LANGS) {
    for (const phone of [false, true]) {
      test(`${lang}${phone ? ', 390×844' : ''}: the chosen model answers and is named under the answer with its time and tokens`, async () => {
        await srv.api('PUT', '/api/settings', { language: lang, theme: 'light' })
        await withPage({ locale, ...(phone ? PHONE : {}) }, async (page) => {
          await page.goto(`${srv.url}/?token=${srv.token}#/chat/${agentId}`)
          await page.getByTestId('chat-input').waitFor()
          await page.getByTestId('chat-model').click()
          await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: 'fake-big' }).click()
          llm.script({ text: 'Big answer.' })
          await page.getByTestId('chat-input').fill('Hello')
          await page.getByTestId('chat-send').click()
          const stats = page.getByTestId('msg-assistant').last().getByTestId('msg-stats')
          await poll(() => stats.textContent()).toMatch(/^fake-big · /)
          expect(await stats.textContent()).toMatch(seconds)
          expect(await stats.textContent()).toMatch(tokens)
          expect(llm.requests.at(-1)?.body.model).toBe('fake-big')
          // Opened again after a reload, the stored answer still says so.
          await page.reload()
          if (phone) await page.getByTestId('chat-list-toggle').click()
          await page.getByTestId('session-item').first().click()
          await poll(() => page.getByTestId('msg-assistant').last().getByTestId('msg-stats').textContent()).toMatch(/^fake-big · /)
        })
      })
    }
  }
})
