// Rarer server errors reach the studio translated (issue 15, defect 7, "Cannot reach …" and the
// like): "test connection" of an MCP server and a refused knowledge upload say why in the UI's language. Real
// Chromium against the server and the built renderer (run `npx electron-vite build` first).
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startStudio, type Studio } from '../utils/studio'
import { type BootedServer } from '../utils/boot'
import { clickUntil } from '../utils/antd'
import { openPage } from '../utils/browser'

let studio: Studio
let srv: BootedServer
let browser: Browser

beforeAll(async () => {
  studio = await startStudio({ llm: false, context: false })
  ;({ srv, browser } = studio)
})
afterAll(async () => {
  await studio?.close()
})

describe('MCP "test connection" failures in the UI language', () => {
  for (const { lang, locale, said } of [
    { lang: 'zh-CN', locale: 'zh-CN', said: '无法连接：找不到命令：no-such-mcp-command（请先安装，或填写完整路径）' },
    { lang: 'en', locale: 'en-US', said: 'Cannot connect: command not found: no-such-mcp-command (install it, or give its full path)' }
  ] as const) {
    test(`${lang}: a command that is not installed`, async () => {
      await srv.api('PUT', '/api/settings', { language: lang })
      const { page, errors } = await openPage(browser, { locale })
      page.setDefaultTimeout(10_000)
      try {
        await page.goto(`${srv.url}/?token=${srv.token}#/tools`)
        await clickUntil(page.getByTestId('tool-new'), page.getByTestId('tool-name-input'))
        await page.getByTestId('tool-name-input').fill('Everything')
        await page.getByTestId('tool-command').fill('no-such-mcp-command')
        await page.getByTestId('tool-test').click()
        await expect
          .poll(
            () =>
              page
                .getByTestId('tool-test-result')
                .textContent({ timeout: 1_000 })
                .catch(() => ''),
            { timeout: 15_000 }
          )
          .toBe(said)
        expect(errors).toEqual([])
      } finally {
        await page.context().close()
      }
    })
  }
})

describe('a refused knowledge upload in the UI language', () => {
  for (const { lang, locale, said } of [
    { lang: 'zh-CN', locale: 'zh-CN', said: '空文件：empty.txt' },
    { lang: 'en', locale: 'en-US', said: 'Empty file: empty.txt' }
  ] as const) {
    test(`${lang}: an empty file`, async () => {
      await srv.api('PUT', '/api/settings', { language: lang })
      const kb = (await srv.api('POST', '/api/knowledge-bases', { name: `Upload errors ${lang}` })).body
      const { page, errors } = await openPage(browser, { locale })
      page.setDefaultTimeout(10_000)
      try {
        await page.goto(`${srv.url}/?token=${srv.token}#/knowledge/${kb.id}`)
        await page.getByTestId('kb-detail').waitFor()
        await page
          .locator('.kb-upload-actions input[type=file]')
          .first()
          .setInputFiles([{ name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.alloc(0) }])
        await page.getByTestId('upload-list').waitFor()
        // A refused file has its row without a click (only files that went through are folded away).
        await page.getByTestId('upload-error').waitFor()
        expect(await page.getByTestId('upload-error').textContent()).toBe(said)
        // The list shows what went wrong; a console error is the failed request itself.
        expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([])
      } finally {
        await page.context().close()
      }
    })
  }
})
