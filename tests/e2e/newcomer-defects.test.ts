// More defects a newcomer met (issue 15, items 4, 6, 14, 15, 16), each reproduced in real Chromium
// against the server, the built renderer and the fake LLM (run `npx electron-vite build` first).
// Each describe block stands alone on the shared server; steps inside a block run in order.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { bootServer, type BootedServer } from '../utils/boot'
import { launchBrowser, openPage } from '../utils/browser'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'

const RENDERER = resolve(__dirname, '../../out/renderer/index.html')
const API_KEY = 'sk-test-newcomer-0000'
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }
const LANGS = [
  { lang: 'en', locale: 'en-US' },
  { lang: 'zh-CN', locale: 'zh-CN' }
] as const

let srv: BootedServer
let llm: FakeLlm
let browser: Browser
let providerId: string

/** Opens a page in its own context; closes it (and fails on script errors) when `run` ends. */
async function withPage(opts: Parameters<typeof openPage>[1], run: (page: Page) => Promise<void>) {
  const { page, errors } = await openPage(browser, opts)
  page.setDefaultTimeout(8_000)
  try {
    await run(page)
    expect(errors).toEqual([])
  } finally {
    await page.context().close()
  }
}

const setLanguage = (language: 'en' | 'zh-CN') => srv.api('PUT', '/api/settings', { language, theme: 'light' })
const studio = (hash: string) => `${srv.url}/?token=${srv.token}#/${hash}`

beforeAll(async () => {
  if (!existsSync(RENDERER)) throw new Error(`${RENDERER} is missing: run \`npx electron-vite build\` before the e2e tests`)
  ;[srv, llm, browser] = await Promise.all([bootServer(), startFakeLlm({ apiKey: API_KEY }), launchBrowser()])
  await setLanguage('en')
  providerId = (await srv.api('POST', '/api/providers', { name: 'Fake LLM', baseUrl: llm.baseUrl, apiKey: API_KEY })).body.id
  await srv.api('POST', `/api/providers/${providerId}/refresh-models`)
})

afterAll(async () => {
  await browser?.close()
  await Promise.all([srv?.close(), llm?.close()])
})

describe('15. a new agent gets the only chat model and opens in its editor', () => {
  for (const { lang, locale } of LANGS) {
    for (const phone of [false, true]) {
      test(`${lang}${phone ? ', 390×844' : ''}: the model is preselected, and saving lands in the new agent's editor`, async () => {
        await setLanguage(lang)
        const name = `First ${lang}${phone ? ' phone' : ''}`
        await withPage({ locale, ...(phone ? PHONE : {}) }, async (page) => {
          await page.goto(studio('agents'))
          await page.getByTestId('agent-new').click()
          const editor = page.getByTestId('agent-editor')
          await editor.getByTestId('agent-name-input').fill(name)
          await expect.poll(() => editor.getByTestId('agent-model').locator('.ant-select-content').getAttribute('title')).toBe('fake-chat')
          await page.getByTestId('agent-save').click()
          await page.getByTestId('agent-workspace').waitFor()
          const created = ((await srv.api('GET', '/api/agents')).body as Array<{ id: string; name: string; model: string | null; providerId: string }>).find(
            (a) => a.name === name
          )
          expect(created).toMatchObject({ model: 'fake-chat', providerId })
          expect(page.url()).toContain(`#/agents/${created!.id}`)
        })
      })
    }
  }
})

describe('6. digital employees: a run that fails at once ends in the UI, manual runs count, "enabled" is not "running"', () => {
  const TEXT = {
    en: { enabled: 'Enabled', running: 'Running', failed: 'Failed' },
    'zh-CN': { enabled: '已启用', running: '执行中', failed: '失败' }
  }
  let taskId: string
  beforeAll(async () => {
    // An agent without a model: its turns fail before any model is called.
    const agent = (await srv.api('POST', '/api/agents', { name: 'No model yet', providerId: null, model: null })).body
    const task = await srv.api('POST', '/api/schedules', {
      name: 'Daily digest',
      instruction: 'Summarise yesterday',
      agentId: agent.id,
      schedule: { type: 'daily', time: '08:00' }
    })
    expect(task.status).toBe(201)
    taskId = task.body.id
  })

  for (const { lang, locale } of LANGS) {
    for (const phone of [false, true]) {
      test(`${lang}${phone ? ', 390×844' : ''}: "run now" twice: each run ends as failed, the count goes up, the task reads as enabled`, async () => {
        await setLanguage(lang)
        await withPage({ locale, ...(phone ? PHONE : {}) }, async (page) => {
          await page.goto(studio(`employees/${taskId}`))
          await page.getByTestId('task-detail').waitFor()
          await expect(page.getByTestId('task-status').textContent()).resolves.toBe(TEXT[lang].enabled)
          const before = (await srv.api('GET', `/api/schedules/${taskId}`)).body.runTotal as number
          for (let i = 1; i <= 2; i++) {
            await page.getByTestId('task-run').click()
            const row = page.locator('.emp-run-row').first()
            await expect.poll(() => row.getByTestId('run-status').textContent()).toBe(TEXT[lang].failed)
            await expect.poll(() => page.getByTestId('task-running').count()).toBe(0)
            await expect.poll(() => page.getByTestId('task-run-total').textContent()).toContain(String(before + i))
            // The run is over: "run now" is offered again, and no run in the list still spins.
            await expect.poll(() => page.getByTestId('task-run').isEnabled()).toBe(true)
            await expect(page.locator('.emp-run-row [data-testid="run-status"]').filter({ hasText: TEXT[lang].running }).count()).resolves.toBe(0)
          }
          expect((await srv.api('GET', `/api/schedules/${taskId}/runs`)).body.slice(0, 2).map((r: { status: string }) => r.status)).toEqual(['error', 'error'])
        })
      })
    }
  }
})
