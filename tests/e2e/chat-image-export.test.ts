// A conversation exported as a PNG image beside Markdown and PDF (issue 15, "export a conversation
// (Markdown, and an image or PDF)"): the whole conversation, not only what the list has on screen,
// in the studio's theme. Real Chromium against the server, the built renderer (run
// `npx electron-vite build` first) and the fake LLM.
import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openPage } from '../utils/browser'
import { startStudio, type Studio } from '../utils/studio'

const API_KEY = 'sk-test-chat-image-0000'

let studio: Studio
let agent: { id: string }

// Each test opens its own page, in its language.
beforeAll(async () => {
  studio = await startStudio({ llm: { apiKey: API_KEY }, provider: true, context: false })
  agent = (await studio.srv.api('POST', '/api/agents', { name: 'Guide', providerId: studio.providerId, model: 'fake-chat' })).body
})
afterAll(() => studio?.close())

/** Exports the open conversation as PNG; its bytes. */
async function exportPng(page: Page, label: string): Promise<Buffer> {
  await page.getByTestId('chat-export').click()
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByText(label).click()])
  expect(download.suggestedFilename()).toMatch(/\.png$/)
  return readFileSync((await download.path())!)
}

/** Width and height from the PNG's header (IHDR). */
const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) })

/** The colour of the image's top-left pixel, as the browser decodes it. */
const cornerPixel = (page: Page, png: Buffer) =>
  page.evaluate(async (b64) => {
    const img = new Image()
    img.src = `data:image/png;base64,${b64}`
    await img.decode()
    const c = document.createElement('canvas')
    c.width = img.width
    c.height = img.height
    const g = c.getContext('2d')!
    g.drawImage(img, 0, 0)
    return [...g.getImageData(2, 2, 1, 1).data.slice(0, 3)]
  }, png.toString('base64'))

/** Sends a message and waits for its answer (the list is virtualised: only the last messages may be in the DOM). */
async function ask(page: Page, text: string, answer: string) {
  await page.getByTestId('chat-input').fill(text)
  await page.keyboard.press('Enter')
  const last = page.locator('[data-testid="msg-assistant"]').last()
  await expect
    .poll(async () => (await last.getAttribute('data-status', { timeout: 1_000 }).catch(() => '')) === 'ok' && (await last.textContent())!.includes(answer), {
      timeout: 15_000
    })
    .toBe(true)
}

describe('export a conversation as an image', () => {
  for (const { lang, locale, label, theme } of [
    { lang: 'en', locale: 'en-US', label: 'Image (PNG)', theme: 'light' },
    { lang: 'zh-CN', locale: 'zh-CN', label: '图片（PNG）', theme: 'dark' }
  ] as const) {
    test(`${lang}, ${theme} theme: a PNG of the whole conversation, taller as it grows`, async () => {
      await studio.srv.api('PUT', '/api/settings', { language: lang, theme })
      const { page, errors } = await openPage(studio.browser, { locale, acceptDownloads: true })
      page.setDefaultTimeout(10_000)
      try {
        await page.goto(studio.url(`/chat/${agent.id}`))
        await page.getByTestId('chat-new').click()
        studio.llm.script({ text: 'Open from nine to five.' })
        await ask(page, `Opening hours? (${lang})`, 'Open from nine to five.')
        const short = await exportPng(page, label)
        expect(short.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
        const small = pngSize(short)
        expect(small.width).toBeGreaterThanOrEqual(700)
        expect(small.height).toBeGreaterThan(150)
        expect(short.length).toBeGreaterThan(5_000)

        const long = Array.from({ length: 40 }, (_, i) => `Line ${i + 1} of a long answer.`).join('\n\n')
        studio.llm.script({ text: long }, { text: 'The last answer, at the very end.' })
        await ask(page, 'Tell me everything.', 'Line 40 of a long answer.')
        await ask(page, 'Anything else?', 'The last answer, at the very end.')
        const bigger = await exportPng(page, label)
        const big = pngSize(bigger)
        expect(big.width).toBe(small.width)
        // Forty more paragraphs and two turns: far taller than the screen's 900 px, so the image
        // holds the whole conversation, not what the list shows.
        expect(big.height).toBeGreaterThan(small.height + 1_500)

        const [r, g, b] = await cornerPixel(page, bigger)
        if (theme === 'dark') expect(Math.max(r, g, b)).toBeLessThan(60)
        else expect(Math.min(r, g, b)).toBeGreaterThan(230)
        expect(errors).toEqual([])
      } finally {
        await page.context().close()
      }
    })
  }
})
