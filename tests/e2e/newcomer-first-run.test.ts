// Boots by hand, not through startStudio: each test needs a fresh server whose "Ollama" is the one fake model server.
// Issue 15, what newcomers expect: a first-run path visible until done (a local model server found
// and added in one click, a first agent from a template, a first chat), agent templates, and the
// keyboard (Esc stops a stream, Ctrl+N a new chat, Ctrl+K a command palette). Real Chromium against
// a server on an empty data folder, the built renderer and the fake LLM standing in for Ollama
// (run `npx electron-vite build` first).
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { clickUntil } from '../utils/antd'
import { bootServer, type BootedServer } from '../utils/boot'
import { launchBrowser, openPage } from '../utils/browser'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'

const RENDERER = resolve(__dirname, '../../out/renderer/index.html')
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }
const TEXT = {
  en: { agent: 'Customer service', kb: 'Customer service documents', models: 'Models' },
  'zh-CN': { agent: '智能客服', kb: '客服资料', models: '模型' }
} as const
const LANGS = [
  { lang: 'en', locale: 'en-US' },
  { lang: 'zh-CN', locale: 'zh-CN' }
] as const

let browser: Browser
let llm: FakeLlm

/** A server on an empty data folder whose "Ollama" is the fake LLM. */
const freshServer = () => bootServer({ localModelServers: [{ kind: 'ollama', name: 'Ollama', baseUrl: llm.baseUrl }] })

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
const studio = (srv: BootedServer, hash: string) => `${srv.url}/?token=${srv.token}#/${hash}`
/** The sidebar's link, or on a phone the drawer's. */
async function nav(page: Page, area: string, phone: boolean) {
  if (phone) await page.getByTestId('nav-menu').click()
  await page.getByTestId(`nav-${area}`).click()
  await page.getByTestId(`screen-${area}`).waitFor()
}

beforeAll(async () => {
  if (!existsSync(RENDERER)) throw new Error(`${RENDERER} is missing: run \`npx electron-vite build\` before the e2e tests`)
  ;[llm, browser] = await Promise.all([startFakeLlm(), launchBrowser()])
})

afterAll(async () => {
  await browser?.close()
  await llm?.close()
})

describe('first run: model, agent, chat — visible until done', () => {
  for (const { lang, locale } of LANGS) {
    for (const phone of [false, true]) {
      test(`${lang}${phone ? ', 390×844' : ''}: the local server is one click, the template makes the agent, the first answer ends the guide`, async () => {
        const srv = await freshServer()
        try {
          await srv.api('PUT', '/api/settings', { language: lang, theme: 'light' })
          await withPage({ locale, ...(phone ? PHONE : {}) }, async (page) => {
            await page.goto(studio(srv, 'agents'))
            const card = page.getByTestId('first-run')
            await card.waitFor()
            expect(await card.getByTestId('first-run-done-1').count()).toBe(0)

            // 1. Ollama (the fake) answers on this machine: one click adds it with its models.
            await card.getByTestId('local-server-add-ollama').click()
            await card.getByTestId('first-run-done-1').waitFor()
            expect((await srv.api('GET', '/api/providers')).body).toMatchObject([{ kind: 'ollama', baseUrl: llm.baseUrl }])

            // 2. A template: the agent with its knowledge base, named in the studio's language; its editor opens.
            await card.getByTestId('first-run-templates').click()
            // Making the agent and its knowledge base takes a moment: a second click only once the first has had 15 s.
            await clickUntil(page.getByTestId('template-customer-service'), page.getByTestId('agent-workspace'), { waitMs: 15_000 })
            const [agent] = (await srv.api('GET', '/api/agents')).body
            expect(agent).toMatchObject({ name: TEXT[lang].agent, model: 'fake-chat' })
            expect(page.url()).toContain(`#/agents/${agent.id}`)
            const [binding] = (await srv.api('GET', `/api/agents/${agent.id}/knowledge-bases`)).body
            expect((await srv.api('GET', `/api/knowledge-bases/${binding.kbId}`)).body.name).toBe(TEXT[lang].kb)

            await nav(page, 'agents', phone)
            await card.getByTestId('first-run-done-2').waitFor()
            expect(await card.getByTestId('first-run-done-3').count()).toBe(0)

            // 3. The first chat: the answer ticks the last step, and the guide is gone.
            llm.script({ text: 'Hello, how can I help?' })
            await card.getByTestId('first-run-chat').click()
            await page.getByTestId('chat-input').fill('Hi')
            await page.getByTestId('chat-send').click()
            await poll(() => page.getByTestId('msg-assistant').last().textContent()).toContain('Hello, how can I help?')
            await nav(page, 'agents', phone)
            await page.getByTestId('agent-card').first().waitFor()
            await poll(() => page.getByTestId('first-run').count()).toBe(0)
          })
        } finally {
          await srv.close()
        }
      })
    }

    test(`${lang}: the guide can be dismissed and stays dismissed`, async () => {
      const srv = await freshServer()
      try {
        await srv.api('PUT', '/api/settings', { language: lang, theme: 'light' })
        await withPage({ locale }, async (page) => {
          await page.goto(studio(srv, 'agents'))
          await page.getByTestId('first-run-dismiss').click()
          await poll(() => page.getByTestId('first-run').count()).toBe(0)
          await page.reload()
          await page.getByTestId('agent-grid').waitFor()
          expect(await page.getByTestId('first-run').count()).toBe(0)
        })
      } finally {
        await srv.close()
      }
    })
  }
})

describe('templates', () => {
  for (const { lang, locale } of LANGS) {
    test(`${lang}: each template from the agents screen makes its agent (a paused daily report; a hall guide with digital-human settings)`, async () => {
      const srv = await freshServer()
      try {
        await srv.api('PUT', '/api/settings', { language: lang, theme: 'light' })
        await withPage({ locale, ...PHONE }, async (page) => {
          for (const id of ['daily-report', 'hall-guide', 'data-analyst']) {
            await page.goto(studio(srv, 'agents'))
            await page.getByTestId('agent-from-template').click()
            // As in the first-run card: a click while the picker opens can be lost; a second only after 15 s.
            await clickUntil(page.getByTestId(`template-${id}`), page.getByTestId('agent-workspace'), { waitMs: 15_000 })
          }
        })
        const agents = (await srv.api('GET', '/api/agents')).body as Array<{ id: string; name: string; digitalHuman: unknown }>
        expect(agents.map((a) => a.name).sort()).toEqual(
          (lang === 'en' ? ['Daily report writer', 'Data analyst', 'Hall guide'] : ['展厅讲解员', '数据分析师', '日报助手']).sort()
        )
        const [task] = (await srv.api('GET', '/api/schedules')).body
        expect(task).toMatchObject({ enabled: false, schedule: { type: 'daily', time: '08:00' } })
        expect(agents.find((a) => a.digitalHuman)?.name).toBe(lang === 'en' ? 'Hall guide' : '展厅讲解员')
      } finally {
        await srv.close()
      }
    })
  }
})

describe('keyboard', () => {
  for (const { lang, locale } of LANGS) {
    test(`${lang}: Ctrl+K jumps to an agent and a screen, Ctrl+N starts a new chat, Esc stops a streaming answer`, async () => {
      const srv = await freshServer()
      try {
        await srv.api('PUT', '/api/settings', { language: lang, theme: 'light' })
        const provider = (await srv.api('POST', '/api/providers', { name: 'Fake', baseUrl: llm.baseUrl })).body
        await srv.api('POST', `/api/providers/${provider.id}/refresh-models`)
        const agent = (await srv.api('POST', '/api/agents', { name: 'Museum guide' })).body
        await srv.api('POST', '/api/agents', { name: 'Other agent' })
        await withPage({ locale }, async (page) => {
          await page.goto(studio(srv, 'agents'))
          await page.getByTestId('agent-grid').waitFor()

          await page.keyboard.press('Control+k')
          await page.getByTestId('palette-input').fill('museum')
          await page.keyboard.press('Enter')
          await page.getByTestId('agent-workspace').waitFor()
          expect(page.url()).toContain(`#/agents/${agent.id}`)

          await page.keyboard.press('Control+k')
          await page.getByTestId('palette-input').fill(TEXT[lang].models)
          await page.keyboard.press('Enter')
          await page.getByTestId('screen-models').waitFor()

          // Ctrl+N: a new chat with an agent, ready to type.
          await page.keyboard.press('Control+n')
          await page.getByTestId('chat-input').waitFor()
          expect(page.url()).toMatch(/#\/chat\//)

          llm.script({ chunks: Array.from({ length: 400 }, (_, i) => `slow${i} `), chunkDelayMs: 40 })
          await page.getByTestId('chat-input').fill('Tell me everything')
          await page.getByTestId('chat-send').click()
          await poll(() => page.getByTestId('msg-assistant').last().textContent()).toMatch(/slow3/)
          await page.keyboard.press('Escape')
          await poll(() => page.getByTestId('msg-assistant').last().getAttribute('data-status')).toBe('stopped')
          await poll(() => llm.requests.at(-1)?.aborted).toBe(true)
        })
      } finally {
        await srv.close()
      }
    })
  }
})
