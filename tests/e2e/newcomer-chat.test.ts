// Issue 15, in chat: switch the model for a turn, and see each answer's model, time and tokens.
// Real Chromium against the server, the built renderer and the fake LLM (run `npx electron-vite build` first).
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { pickOption } from '../utils/antd'
import { openPage } from '../utils/browser'
import { startStudio, type Studio } from '../utils/studio'

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }
const LANGS = [
  { lang: 'en', locale: 'en-US', seconds: / s · /, tokens: /tokens/ },
  { lang: 'zh-CN', locale: 'zh-CN', seconds: / 秒 · /, tokens: /tokens/ }
] as const

let studio: Studio
let agentId: string

async function withPage(opts: Parameters<typeof openPage>[1], run: (page: Page) => Promise<void>) {
  const { page, errors } = await openPage(studio.browser, opts)
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
  studio = await startStudio({
    llm: {
      models: [
        { id: 'fake-chat', type: 'chat' },
        { id: 'fake-big', type: 'chat' }
      ]
    },
    provider: { name: 'Fake', refreshModels: true },
    // Each test opens its own page (a language, a phone).
    context: false
  })
  agentId = (await studio.srv.api('POST', '/api/agents', { name: 'Switcher', providerId: studio.providerId, model: 'fake-chat' })).body.id
})

afterAll(() => studio?.close())

describe('a model for a turn, and what each answer cost', () => {
  for (const { lang, locale, seconds, tokens } of LANGS) {
    for (const phone of [false, true]) {
      test(`${lang}${phone ? ', 390×844' : ''}: the chosen model answers and is named under the answer with its time and tokens`, async () => {
        await studio.srv.api('PUT', '/api/settings', { language: lang, theme: 'light' })
        await withPage({ locale, ...(phone ? PHONE : {}) }, async (page) => {
          await page.goto(studio.url(`/chat/${agentId}`))
          await page.getByTestId('chat-input').waitFor()
          await pickOption(page, 'chat-model', 'fake-big')
          studio.llm.script({ text: 'Big answer.' })
          await page.getByTestId('chat-input').fill('Hello')
          await page.getByTestId('chat-send').click()
          const stats = page.getByTestId('msg-assistant').last().getByTestId('msg-stats')
          await poll(() => stats.textContent()).toMatch(/^fake-big · /)
          expect(await stats.textContent()).toMatch(seconds)
          expect(await stats.textContent()).toMatch(tokens)
          expect(studio.llm.requests.at(-1)?.body.model).toBe('fake-big')
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
