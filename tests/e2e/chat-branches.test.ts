// Branches kept when a message is edited or an answer regenerated (issue 15, "what newcomers
// expect"): "‹ 2/2 ›" under the message, the earlier version with its own answer one click away,
// and the chat going on from the version shown. Real Chromium against the server, the built
// renderer (run `npx electron-vite build` first) and the fake LLM, in both languages.
import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openPage } from '../utils/browser'
import { startStudio, type Studio } from '../utils/studio'

const API_KEY = 'sk-test-chat-branches-0000'
const LANGS = [
  { lang: 'en', locale: 'en-US', previous: 'Previous version', md: 'Markdown file' },
  { lang: 'zh-CN', locale: 'zh-CN', previous: '上一个版本', md: 'Markdown 文件' }
] as const

let studio: Studio
let agent: { id: string }

// Each test opens its own page, in its language.
beforeAll(async () => {
  studio = await startStudio({ llm: { apiKey: API_KEY }, provider: true, context: false })
  agent = (await studio.srv.api('POST', '/api/agents', { name: 'Guide', providerId: studio.providerId, model: 'fake-chat' })).body
})
afterAll(() => studio?.close())

const answers = (page: Page) => page.getByTestId('msg-assistant').getByTestId('msg-text').allTextContents()
const questions = (page: Page) => page.locator('.bubble-user').allTextContents()
const settled = (page: Page) =>
  page
    .locator('[data-testid="msg-assistant"][data-status="streaming"]')
    .count()
    .then((n) => n === 0)
const lastModelInput = () => {
  const calls = studio.llm.requests.filter((r) => r.path.endsWith('/chat/completions'))
  return (calls.at(-1)!.body.messages as { role: string; content: string }[]).filter((m) => m.role !== 'system').map((m) => m.content)
}

describe('conversation branches', () => {
  for (const { lang, locale, previous, md } of LANGS) {
    test(`${lang}: edit a message, see 2/2, go back to 1/2 with its answer, and continue there; regenerate keeps the old answer`, async () => {
      await studio.srv.api('PUT', '/api/settings', { language: lang, theme: 'light' })
      const { page, errors } = await openPage(studio.browser, { locale, acceptDownloads: true })
      page.setDefaultTimeout(10_000)
      try {
        studio.llm.script(
          { text: `First answer ${lang}` },
          { text: `Answer to the edit ${lang}` },
          { text: `Follow-up answer ${lang}` },
          { text: `Regenerated answer ${lang}` }
        )
        await page.goto(studio.url(`/chat/${agent.id}`))
        await page.getByTestId('chat-new').click()
        await page.getByTestId('chat-input').fill(`Opening hours? ${lang}`)
        await page.keyboard.press('Enter')
        await expect.poll(() => answers(page)).toEqual([`First answer ${lang}`])
        await expect.poll(() => settled(page)).toBe(true)

        // Edit the question: the new version answers, and the message says it is version 2 of 2.
        const user = page.getByTestId('msg-user').first()
        await user.getByTestId('msg-edit').click()
        await expect.poll(() => page.getByTestId('edit-input').isVisible()).toBe(true)
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
        await prev.click()
        await expect.poll(() => answers(page)).toEqual([`First answer ${lang}`])
        expect(await questions(page)).toEqual([`Opening hours? ${lang}`])
        expect(await page.getByTestId('msg-user').first().getByTestId('branch-position').textContent()).toBe('1/2')

        // The chat goes on from there; the model is asked with that branch only.
        await page.getByTestId('chat-input').fill(`And on Monday? ${lang}`)
        await page.keyboard.press('Enter')
        await expect.poll(() => answers(page)).toEqual([`First answer ${lang}`, `Follow-up answer ${lang}`])
        expect(lastModelInput()).toEqual([`Opening hours? ${lang}`, `First answer ${lang}`, `And on Monday? ${lang}`])
        await expect.poll(() => settled(page)).toBe(true)

        // Regenerate the last answer: the old one stays one click away.
        await page.getByTestId('regenerate').click()
        await expect.poll(() => answers(page)).toContain(`Regenerated answer ${lang}`)
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
        await prevAnswer.click()
        await expect.poll(async () => (await answers(page)).at(-1)).toBe(`Follow-up answer ${lang}`)
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
        await page.getByTestId('session-item').first().click()
        await expect.poll(() => answers(page)).toEqual(want)
        expect(errors).toEqual([])
      } finally {
        await page.context().close()
      }
    })
  }
})
