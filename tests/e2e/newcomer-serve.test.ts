// Issue 15, item 5: under `agenta serve` the command line, not Settings, decides the server's port
// and LAN access. Settings → Server and the publish tab show the server as it runs and say which
// options only `agenta serve --port/--host` sets. Real Chromium against the server (host "server",
// as `agenta serve` boots it) and the built renderer (run `npx electron-vite build` first).
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { BootedServer } from '../utils/boot'
import { openPage } from '../utils/browser'
import { startStudio, type Studio } from '../utils/studio'

const LANGS = [
  { lang: 'en', locale: 'en-US' },
  { lang: 'zh-CN', locale: 'zh-CN' }
] as const

let studio: Studio
let srv: BootedServer

async function withPage(opts: Parameters<typeof openPage>[1], run: (page: Page) => Promise<void>) {
  const { page, errors } = await openPage(studio.browser, opts)
  page.setDefaultTimeout(20_000)
  try {
    await run(page)
    expect(errors).toEqual([])
  } finally {
    await page.context().close()
  }
}

beforeAll(async () => {
  studio = await startStudio({ llm: false, context: false })
  srv = studio.srv
})

afterAll(() => studio?.close())

describe('5. Settings → Server under `agenta serve`', () => {
  for (const { lang, locale } of LANGS) {
    test(`${lang}: the real port and LAN state, the command-line options disabled and named`, async () => {
      await srv.api('PUT', '/api/settings', { language: lang, theme: 'light' })
      const port = String(new URL(srv.url).port)
      await withPage({ locale }, async (page) => {
        await page.goto(studio.url('/settings'))
        const card = page.getByTestId('settings-server')
        const portInput = card.locator('.ant-input-number input')
        await expect.poll(() => portInput.inputValue(), { timeout: 10_000 }).toBe(port)
        expect(await portInput.isDisabled()).toBe(true)
        const switches = card.getByRole('switch')
        expect(await switches.count()).toBeGreaterThan(0)
        for (const s of await switches.all()) expect(await s.isDisabled()).toBe(true)
        // Listening on 127.0.0.1: LAN access shows as off, whatever Settings once saved.
        expect(await switches.first().getAttribute('aria-checked')).toBe('false')
        const text = await card.textContent()
        expect(text).toContain('agenta serve --port')
        expect(text).toContain('--host')
      })

      // The publish tab points at the command line, not at Settings.
      const agent = (await srv.api('POST', '/api/agents', { name: `Serve ${lang}` })).body as { id: string }
      await withPage({ locale }, async (page) => {
        await page.goto(studio.url(`/agents/${agent.id}`))
        await page.getByTestId('ws-tab-publish').click()
        const lanOff = page.getByTestId('publish-lan-off')
        await lanOff.waitFor()
        expect(await lanOff.textContent()).toContain('agenta serve --host 0.0.0.0')
        expect(await lanOff.getByRole('button').count()).toBe(0)
      })
      await srv.api('PUT', '/api/settings', { language: 'en', theme: 'light' })
    })
  }
})
