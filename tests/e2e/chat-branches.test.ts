// Branches kept when a message is edited or an answer regenerated (issue 15, "what newcomers
// expect"): "‹ 2/2 ›" under the message, the earlier version with its own answer one click away,
// and the chat going on from the version shown. Real Chromium against the server, the built
// renderer (run `npx electron-vite build` first) and the fake LLM, in both languages.
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { bootServer, type BootedServer } from '../utils/boot'
import { launchBrowser, openPage } from '../utils/browser'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'

const RENDERER = resolve(__dirname, '../../out/renderer/index.html')
const API_KEY = 'sk-test-chat-branches-0000'
const LANGS = [
  { lang: 'en', locale: 'en-US', previous: 'Previous version', md: 'Markdown file' },
  { lang: 'zh-CN', locale: 'zh-CN', previous: '上一个版本', md: 'Markdown 文件' }
] as const

let srv: BootedServer
let llm: FakeLlm
let browser: Browser
let agent: { id: string }

beforeAll(async () => {
  if (!existsSync(RENDERER)) throw new Error(`${RENDERER} is missing: run \`npx electron-vite build\` before the e2e tests`)
  ;[srv, llm, browser] = await Promise.all([bootServer(), startFakeLlm({ apiKey: API_KEY }), launchBrowser()])
  const provider = (await srv.api('POST', '/api/providers', { name: 'Fake LLM', baseUrl: llm.baseUrl, apiKey: API_KEY })).body
  await srv.api('POST', `/api/providers/${provider.id}/refresh-models`)
  agent = (await srv.api('POST', '/api/agents', { name: 'Guide', providerId: provider.id, model: 'fake-chat' })).body
})
afterAll(async () => {
  await browser?.close()
  await Promise.all([srv?.close(), llm?.close()])
})

/** Clicks until `done` holds: a click during a re-render or an animation can be lost on a loaded machine. */
async function clickUntil(target: Locator, done: () => Promise<boolean>) {
  await expect
    .poll(
      async () => {
        if (await done()) return true
        await target.click({ timeout: 2_000 }).catch(() => undefined)
        return done()
      },
      { timeout: 15_000, interval: 300 }
    )
    .toBe(true)
}

const answers = (page: Page) => page.getByTestId('msg-assistant').getByTestId('msg-text').allTextContents()
const questions = (page: Page) => page.locator('.bubble-user').allTextContents()
const settled = (page: Page) =>
  page
    .locator('[data-testid="msg-assistant"][data-status="streaming"]')
    .count()
    .then((n) => n === 0)
const lastModelInput = () => {
  const calls = llm.requests.filter((r) => r.path.endsWith('/chat/completions'))
  return (calls.at(-1)!.body.messages as { role: string; content: string }[]).filter((m) => m.role !== 'system').map((m) => m.content)
}

describe('conversation branches', () => {
  for (const { lang, locale, previous, md } of LANGS) {
    test(`${lang}: edit a message, see 2/2, go back to 1/2 with its answer, and continue there; regenerate keeps the old answer`, async () => {
      await srv.api('PUT', '/api/settings', { language: lang, theme: 'light' })
      const { page, errors } = await openPage(browser, { locale, acceptDownloads: true })
      page.setDefaultTimeout(10_000)
      try {
        llm.script(
          { text: `First answer ${lang}` },
          { text: `Answer to the edit ${lang}` },
          { text: `Follow-up answer ${lang}` },
          { text: `Regenerated answer ${lang}` }
        )
        await page.goto(`${srv.url}/?token=${srv.token}#/chat/${agent.id}`)
        await page.getByTestId('chat-new').click()
        await page.getByTestId('chat-input').fill(`Opening hours? ${lang}`)
        await page.keyboard.press('Enter')
        await expect.poll(() => answers(page)).toEqual([`First answer ${lang}`])
        await expect.poll(() => settled(page)).toBe(true)

        // Edit the question: the new version answers, and the message says it is version 2 of 2.
        const user = page.getByTestId('msg-user').first()
        await clickUntil(user.getByTestId('msg-edit'), () => page.getByTestId('edit-input').isVisible())
        await page.getByTestId('edit-input').fill(`Opening hours on Sunday? ${lang}`)
        await page.getByTestId('edit-send').click()
        await expect.poll(() => answers(page)).toEqual([`Answer to the edit ${lang}`])
        await expect
          .poll(() =>
            page
              .getByTestId('msg-user')
              .first()
              .getByTestId('branch-position')
              .textContent({ timeout: 1_000 })
              .catch(() => '')
          )
          .toBe('2/2')

        // Back to the first version: the first answer shows again.
        const prev = page.getByTestId('msg-user').first().getByRole('button', { name: previous })
        await clickUntil(prev, async () => (await answers(page)).join() === `First answer ${lang}`)
        expect(await questions(page)).toEqual([`Opening hours? ${lang}`])
        expect(await page.getByTestId('msg-user').first().getByTestId('branch-position').textContent()).toBe('1/2')

        // The chat goes on from there; the model is asked with that branch only.
        await page.getByTestId('chat-input').fill(`And on Monday? ${lang}`)
        await page.keyboard.press('Enter')
        await expect.poll(() => answers(page)).toEqual([`First answer ${lang}`, `Follow-up answer ${lang}`])
        expect(lastModelInput()).toEqual([`Opening hours? ${lang}`, `First answer ${lang}`, `And on Monday? ${lang}`])
        await expect.poll(() => settled(page)).toBe(true)

        // Regenerate the last answer: the old one stays one click away.
        await clickUntil(page.getByTestId('regenerate'), async () => (await answers(page)).includes(`Regenerated answer ${lang}`))
        await expect
          .poll(() =>
            page
              .getByTestId('msg-assistant')
              .last()
              .getByTestId('branch-position')
              .textContent({ timeout: 1_000 })
              .catch(() => '')
          )
          .toBe('2/2')
        const prevAnswer = page.getByTestId('msg-assistant').last().getByRole('button', { name: previous })
        await clickUntil(prevAnswer, async () => (await answers(page)).at(-1) === `Follow-up answer ${lang}`)
        expect(await page.getByTestId('msg-assistant').last().getByTestId('branch-position').textContent()).toBe('1/2')
        // The export is of the branch shown.
        await page.getByTestId('chat-export').click()
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByText(md).click()])
        const exported = readFileSync((await download.path())!, 'utf8')
        expect(exported).toContain(`Follow-up answer ${lang}`)
        expect(exported).not.toContain(`Regenerated answer ${lang}`)
        expect(exported).not.toContain(`Answer to the edit ${lang}`)

        // Opened again after a reload, the conversation shows the branch chosen last.
        await page.reload()
        const want = [`First answer ${lang}`, `Follow-up answer ${lang}`]
        await clickUntil(page.getByTestId('session-item').first(), async () => (await answers(page)).join() === want.join())
        expect(errors).toEqual([])
      } finally {
        await page.context().close()
      }
    })
  }
})
