// Defects a newcomer met in the renderer (issue 15), each reproduced in real Chromium against
// `agenta serve`'s server, the built renderer and the fake LLM (run `npx electron-vite build` first).
// Each describe block stands alone on the shared server; steps inside a block run in order.
import { createServer, type Server } from 'node:http'
import { writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { everythingStdio } from '../integration/mcp/peers'
import { tempDir, type BootedServer } from '../utils/boot'
import { openPage } from '../utils/browser'
import type { FakeLlm } from '../utils/fake-llm'
import { startStudio, type Studio } from '../utils/studio'
import { until } from '../utils/until'

const API_KEY = 'sk-test-newcomer-0000'
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }
const LANGS = [
  { lang: 'en', locale: 'en-US' },
  { lang: 'zh-CN', locale: 'zh-CN' }
] as const

let studio: Studio
let srv: BootedServer
let llm: FakeLlm
let site: Server
let siteOrigin: string
let agent: { id: string; uuid: string; publicKey: string; name: string }

/** Opens a page in its own context; closes it (and fails on script errors) when `run` ends. */
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

const setLanguage = (language: 'en' | 'zh-CN') => srv.api('PUT', '/api/settings', { language, theme: 'light' })

beforeAll(async () => {
  // Each test opens its own page (a language, a phone).
  studio = await startStudio({
    llm: { apiKey: API_KEY },
    language: 'en',
    provider: true,
    context: false
  })
  ;({ srv, llm } = studio)
  // A website on another origin embedding the agent; `?lang=` sets the page language.
  site = createServer((req, res) => {
    const lang = new URL(req.url ?? '/', 'http://x').searchParams.get('lang') ?? 'en'
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end(`<!doctype html><html lang="${lang}"><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title></head>
<body><h1>A shop</h1><script src="${srv.url}/embed.js" data-agent="${agent.uuid}" data-key="${agent.publicKey}" defer></script></body></html>`)
  })
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r))
  siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`

  const created = await srv.api('POST', '/api/agents', { name: 'Guide', providerId: studio.providerId, model: 'fake-chat' })
  agent = created.body
  const published = await srv.api('PUT', `/api/agents/${agent.id}`, { published: true, allowedOrigins: [siteOrigin] })
  expect(published.status).toBe(200)
})

afterAll(async () => {
  site?.close()
  await studio?.close()
})

describe('1. the embed widget closes on a phone', () => {
  for (const { lang, locale } of LANGS) {
    test(`${lang}, 390×844: the close button is reachable over the open panel`, async () => {
      await withPage({ ...PHONE, locale }, async (page) => {
        await page.goto(`${siteOrigin}/?lang=${lang}`)
        await page.getByTestId('agenta-bubble').click()
        const frame = page.frameLocator('[data-testid="agenta-frame"]')
        await frame.getByTestId('phone-agent-name').waitFor()
        // The visible close control is named in the page's language and takes the tap itself
        // (a click that lands on the iframe instead times out).
        const close = page.getByRole('button', { name: lang === 'en' ? 'Close chat' : '关闭聊天' }).filter({ visible: true })
        await close.click({ timeout: 3_000 })
        await page.getByTestId('agenta-frame').waitFor({ state: 'hidden' })
        // It opens again, and the chat kept its place.
        await page.getByTestId('agenta-bubble').click()
        await frame.getByTestId('phone-agent-name').waitFor()
      })
    })
  }

  test('Esc closes the panel, from the host page and from inside the chat frame', async () => {
    await withPage({ ...PHONE, locale: 'en-US' }, async (page) => {
      await page.goto(siteOrigin)
      await page.getByTestId('agenta-bubble').click()
      const frame = page.frameLocator('[data-testid="agenta-frame"]')
      await frame.getByTestId('phone-input').click()
      await page.keyboard.press('Escape')
      await page.getByTestId('agenta-frame').waitFor({ state: 'hidden' })

      await page.getByTestId('agenta-bubble').click()
      await page.getByTestId('agenta-frame').waitFor({ state: 'visible' })
      // Focus is on the host page now (the bubble just took the tap).
      expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe('IFRAME')
      await page.keyboard.press('Escape')
      await page.getByTestId('agenta-frame').waitFor({ state: 'hidden' })
    })
  })
})

describe('3. the card picker toggles on the whole tile', () => {
  const TYPES = ['welcome', 'booking', 'detail', 'list'] as const
  for (const { lang, locale } of LANGS) {
    test(`${lang}: a click on the tile's label or preview ticks welcome/booking/detail/list, and saving stores them`, async () => {
      await setLanguage(lang)
      await srv.api('PUT', `/api/agents/${agent.id}`, { cardTemplates: [] })
      await withPage({ locale }, async (page) => {
        await page.goto(`${srv.url}/?token=${srv.token}#/agents/${agent.id}`)
        await page.getByTestId('agent-workspace').waitFor()
        for (const [i, type] of TYPES.entries()) {
          const tile = page.getByTestId(`card-template-${type}`)
          // Alternately the label under the preview and the preview itself.
          // force: a <label> around a preview counts as the label of the preview's (disabled) button,
          // which Playwright would wait on; a person's click just lands.
          if (i % 2 === 0) await tile.locator('.card-picker-foot span').last().click({ force: true })
          else await tile.click({ position: { x: 40, y: 60 } }) // inside the preview
          await expect.poll(() => tile.locator('input[type=checkbox]').isChecked()).toBe(true)
          await expect(tile.getAttribute('aria-checked')).resolves.toBe('true')
        }
        // A second click unticks; the keyboard ticks it again.
        const list = page.getByTestId('card-template-list')
        await list.click()
        await expect.poll(() => list.getAttribute('aria-checked')).toBe('false')
        await list.focus()
        await page.keyboard.press('Space')
        await expect.poll(() => list.getAttribute('aria-checked')).toBe('true')
        await page.getByTestId('ws-save').click()
        await expect.poll(async () => ((await srv.api('GET', `/api/agents/${agent.id}`)).body.cardTemplates as string[]).toSorted()).toEqual([...TYPES].sort())
      })
    })
  }
})

describe('2. unsaved agent edits are not lost without a warning', () => {
  const TEXT = {
    en: { title: 'Leave without saving?', nav: 'Chat' },
    'zh-CN': { title: '不保存就离开？', nav: '对话' }
  }
  for (const { lang, locale } of LANGS) {
    test(`${lang}: sidebar, back and reload ask first; "stay" keeps the edit, "leave" drops it`, async () => {
      await setLanguage(lang)
      await srv.api('PUT', `/api/agents/${agent.id}`, { welcomeMessage: 'Saved welcome' })
      await withPage({ locale }, async (page) => {
        await page.goto(`${srv.url}/?token=${srv.token}#/agents`)
        await page.getByTestId('agent-card').filter({ hasText: agent.name }).click()
        await page.getByTestId('agent-workspace').waitFor()
        await page.getByTestId('agent-welcome').fill('An edit not yet saved')
        const dialog = page.locator('.ant-modal-confirm')
        // A person answers a dialog that has finished appearing (antd's zoom-in); on a busy machine a
        // click during it was seen to be lost.
        const settled = () => page.locator('.ant-modal-confirm:not(.ant-zoom-appear)').waitFor()
        const stay = async () => {
          await expect(dialog.locator('.ant-modal-confirm-title').textContent()).resolves.toBe(TEXT[lang].title)
          await settled()
          await page.getByTestId('unsaved-stay').click()
          await dialog.waitFor({ state: 'hidden' })
          await expect(page.getByTestId('agent-welcome').inputValue()).resolves.toBe('An edit not yet saved')
          expect(page.url()).toContain(`#/agents/${agent.id}`)
        }

        // An in-app link.
        await page.getByTestId('nav-chat').click()
        await dialog.waitFor()
        await expect(page.getByTestId('nav-chat').textContent()).resolves.toBe(TEXT[lang].nav)
        await stay()
        // The browser's back button.
        await page.goBack()
        await dialog.waitFor()
        await stay()
        // A reload gets the browser's own prompt; dismissing it keeps the page.
        let prompted = ''
        page.once('dialog', (d) => {
          prompted = d.type()
          void d.dismiss()
        })
        await page.evaluate(() => window.location.reload())
        await expect.poll(() => prompted).toBe('beforeunload')
        await expect(page.getByTestId('agent-welcome').inputValue()).resolves.toBe('An edit not yet saved')

        // "Leave" goes where the user asked; nothing was saved.
        await page.getByTestId('ws-back').click()
        await settled()
        await page.getByTestId('unsaved-leave').click()
        await page.getByTestId('agent-grid').waitFor()
        expect((await srv.api('GET', `/api/agents/${agent.id}`)).body.welcomeMessage).toBe('Saved welcome')
      })
    })
  }

  test('after saving, leaving asks nothing', async () => {
    await setLanguage('en')
    await withPage({ locale: 'en-US' }, async (page) => {
      await page.goto(`${srv.url}/?token=${srv.token}#/agents/${agent.id}`)
      await page.getByTestId('agent-welcome').fill('Saved this time')
      await page.getByTestId('ws-save').click()
      await expect.poll(async () => (await srv.api('GET', `/api/agents/${agent.id}`)).body.welcomeMessage).toBe('Saved this time')
      await expect.poll(() => page.getByTestId('ws-save').isDisabled()).toBe(true)
      await page.getByTestId('nav-models').click()
      await page.getByTestId('screen-models').waitFor()
      await expect(page.locator('.ant-modal-confirm').count()).resolves.toBe(0)
    })
  })
})

describe('8. tool confirmation: allow once, always allow, deny, in the UI language', () => {
  const TEXT = {
    en: { question: 'Allow the tool “get-sum” of calc to run?', once: 'Allow once', always: 'Always allow', deny: 'Deny', denied: 'Denied' },
    'zh-CN': { question: '允许运行 calc 的工具“get-sum”吗？', once: '允许一次', always: '始终允许', deny: '拒绝', denied: '已拒绝' }
  }
  let toolId: string
  /** What the model was told the tool did, in the latest request. */
  const toolMessages = () => JSON.stringify((llm.requests.at(-1)?.body.messages ?? []).findLast((m: { role: string }) => m.role === 'tool')?.content)
  const ask = async (page: Page, text: string) => {
    await page.getByTestId('chat-input').fill(text)
    await page.getByTestId('chat-send').click()
  }
  const lastAnswer = (page: Page) => page.getByTestId('msg-assistant').last()
  const sumTurn = (answer: string) => llm.script({ toolCalls: [{ name: 'calc__get-sum', arguments: { a: 2, b: 3 } }] }, { text: answer })

  beforeAll(async () => {
    toolId = (await srv.api('POST', '/api/tools', { name: 'calc', config: everythingStdio() })).body.id
  })
  afterAll(async () => {
    await srv.api('PUT', `/api/agents/${agent.id}/tools`, { bindings: [] })
  })

  for (const { lang, locale } of LANGS) {
    test(`${lang}: the question names the tool and server; "allow once" runs it and asks again next time; "deny" does not run it`, async () => {
      await setLanguage(lang)
      await srv.api('PUT', `/api/agents/${agent.id}/tools`, { bindings: [{ toolId, enabledTools: null, requireConfirmation: true }] })
      await withPage({ locale }, async (page) => {
        await page.goto(`${srv.url}/?token=${srv.token}#/chat/${agent.id}`)
        await page.getByTestId('chat-view').waitFor()
        sumTurn('The sum is 5.')
        await ask(page, 'What is 2 + 3?')
        const confirm = lastAnswer(page).getByTestId('tool-confirm')
        await confirm.waitFor({ timeout: 20_000 }) // the MCP server starts on first use
        await expect(confirm.locator('.wait-question').textContent()).resolves.toContain(TEXT[lang].question)
        await expect(confirm.getByTestId('tool-confirm-args').textContent()).resolves.toMatch(/"a": 2[\s\S]*"b": 3/)
        await expect(confirm.getByRole('button').allTextContents()).resolves.toEqual(
          [TEXT[lang].once, TEXT[lang].always, TEXT[lang].deny].map((s) => expect.stringContaining(s))
        )
        await confirm.getByTestId('confirm-once').click()
        await expect.poll(() => lastAnswer(page).getAttribute('data-status'), { timeout: 20_000 }).toBe('ok')
        expect(toolMessages()).toContain('The sum of 2 and 3 is 5')

        // Once means once: the next call asks again; "deny" keeps the tool from running.
        sumTurn('I did not add them.')
        await ask(page, 'And again?')
        await lastAnswer(page).getByTestId('confirm-deny').click()
        await expect.poll(() => lastAnswer(page).getAttribute('data-status'), { timeout: 20_000 }).toBe('ok')
        await expect(lastAnswer(page).getByTestId('tool-confirm-answered').textContent()).resolves.toBe(TEXT[lang].denied)
        expect(toolMessages()).toContain('declined')
        expect(toolMessages()).not.toContain('The sum of 2 and 3 is 5')
      })
    })
  }

  test('"always allow" runs the tool and stops asking for this server in this agent (stored on the binding)', async () => {
    await setLanguage('en')
    await srv.api('PUT', `/api/agents/${agent.id}/tools`, { bindings: [{ toolId, enabledTools: null, requireConfirmation: true }] })
    await withPage({ locale: 'en-US' }, async (page) => {
      await page.goto(`${srv.url}/?token=${srv.token}#/chat/${agent.id}`)
      await page.getByTestId('chat-view').waitFor()
      sumTurn('Five.')
      await ask(page, 'Sum please')
      await lastAnswer(page).getByTestId('confirm-always').click({ timeout: 20_000 })
      await expect.poll(() => lastAnswer(page).getAttribute('data-status'), { timeout: 20_000 }).toBe('ok')
      expect(toolMessages()).toContain('The sum of 2 and 3 is 5')
      await expect
        .poll(async () => (await srv.api('GET', `/api/agents/${agent.id}/tools`)).body)
        .toEqual([expect.objectContaining({ toolId, requireConfirmation: false })])

      sumTurn('Five again.')
      await ask(page, 'Sum again')
      await expect.poll(() => lastAnswer(page).textContent(), { timeout: 20_000 }).toContain('Five again.')
      await expect(lastAnswer(page).getByTestId('tool-confirm').count()).resolves.toBe(0)
      expect(toolMessages()).toContain('The sum of 2 and 3 is 5')
    })
  })
})

describe('10. the studio at phone width', () => {
  const TEXT = { en: { menu: 'Menu', models: 'Models' }, 'zh-CN': { menu: '菜单', models: '大模型' } }
  for (const { lang, locale } of LANGS) {
    test(`${lang}, 390×844: content takes the width, the menu is a drawer, settings rows do not wrap per character`, async () => {
      await setLanguage(lang)
      await withPage({ ...PHONE, locale }, async (page) => {
        await page.goto(`${srv.url}/?token=${srv.token}#/agents`)
        await page.getByTestId('agent-grid').waitFor()
        const content = await page.getByTestId('screen-agents').boundingBox()
        expect(content!.width).toBeGreaterThanOrEqual(380)
        // The agent card fits the screen instead of running off its right edge.
        const card = await page.getByTestId('agent-card').first().boundingBox()
        expect(card!.x + card!.width).toBeLessThanOrEqual(390)

        const menu = page.getByRole('button', { name: TEXT[lang].menu })
        await menu.click()
        const models = page.locator('.sidebar-drawer').getByTestId('nav-models')
        await expect(models.textContent()).resolves.toBe(TEXT[lang].models)
        await models.click()
        await page.getByTestId('screen-models').waitFor()
        await page.locator('.sidebar-drawer').waitFor({ state: 'hidden' })

        // Settings: a label keeps its words on one line (it used to get a column one glyph wide).
        await menu.click()
        await page.locator('.sidebar-drawer').getByTestId('nav-settings').click()
        const label = page.locator('.setting-row .setting-label').first()
        await label.waitFor()
        const box = await label.boundingBox()
        expect(box!.width).toBeGreaterThan(200)

        // Chat: the message box gets the width; the conversation list folds open on demand.
        await page.goto(`${srv.url}/#/chat/${agent.id}`)
        const input = await page.getByTestId('chat-input').boundingBox()
        expect(input!.width).toBeGreaterThan(300)
        await expect(page.getByTestId('session-search').isVisible()).resolves.toBe(false)
        await page.getByTestId('chat-list-toggle').click()
        await page.getByTestId('session-search').waitFor()
      })
    })
  }

  test('at desktop width the sidebar stays in place', async () => {
    await setLanguage('en')
    await withPage({ locale: 'en-US' }, async (page) => {
      await page.goto(`${srv.url}/?token=${srv.token}#/agents`)
      await page.locator('.sidebar').getByTestId('nav-models').waitFor()
      await expect(page.getByTestId('nav-menu').count()).resolves.toBe(0)
    })
  })
})

describe('12. images returned by tools are shown', () => {
  test("an MCP tool's image shows in the answer, opens full size, and is still there after a reload", async () => {
    await setLanguage('en')
    const toolId = (await srv.api('POST', '/api/tools', { name: 'pics', config: everythingStdio() })).body.id
    await srv.api('PUT', `/api/agents/${agent.id}/tools`, { bindings: [{ toolId, enabledTools: ['get-tiny-image'], requireConfirmation: false }] })
    try {
      await withPage({ locale: 'en-US' }, async (page) => {
        await page.goto(`${srv.url}/?token=${srv.token}#/chat/${agent.id}`)
        await page.getByTestId('chat-view').waitFor()
        llm.script({ toolCalls: [{ name: 'pics__get-tiny-image', arguments: {} }] }, { text: 'Here is the logo.' })
        await page.getByTestId('chat-input').fill('Show me the logo')
        await page.getByTestId('chat-send').click()
        const answer = page.getByTestId('msg-assistant').last()
        await expect.poll(() => answer.getAttribute('data-status'), { timeout: 20_000 }).toBe('ok')
        const shown = async () => {
          const img = answer.locator('.tool-images img').first()
          await img.waitFor()
          await expect(img.getAttribute('src')).resolves.toMatch(/^data:image\/png;base64,/)
          // Decoded, not a broken image.
          await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0)
          await expect(img.getAttribute('alt')).resolves.toBe('Image from pics__get-tiny-image')
        }
        await shown()
        await answer.locator('.tool-images img').first().click()
        await page.locator('.ant-image-preview img').waitFor({ state: 'visible' })
        await page.keyboard.press('Escape')
        await page.reload()
        await page.getByTestId('session-item').filter({ hasText: 'Show me the logo' }).click()
        await answer.waitFor()
        await shown()
      })
    } finally {
      await srv.api('PUT', `/api/agents/${agent.id}/tools`, { bindings: [] })
    }
  })
})

describe('13. citations are clickable and show their source, in the studio, the phone page and the widget', () => {
  const ANSWER = 'The museum opens at 9:00 [1].'
  const LABEL = { en: 'Source 1: opening-hours.md', 'zh-CN': '来源 1：opening-hours.md' }
  let kbId: string

  beforeAll(async () => {
    kbId = (await srv.api('POST', '/api/knowledge-bases', { name: 'Museum FAQ' })).body.id
    const doc = join(tempDir('agenta-e2e-cite-'), 'opening-hours.md')
    writeFileSync(doc, '# Opening hours\n\nThe museum opens at 9:00 and closes at 17:00 every day except Monday.\n')
    await srv.api('POST', `/api/knowledge-bases/${kbId}/add-paths`, { paths: [doc] })
    await until(async () => (await srv.api('GET', `/api/knowledge-bases/${kbId}/documents`)).body.items[0]?.status === 'ready', 'the test document to be ready')
    await srv.api('PUT', `/api/agents/${agent.id}/knowledge-bases`, { bindings: [{ kbId }] })
  })
  afterAll(async () => {
    await srv.api('PUT', `/api/agents/${agent.id}/knowledge-bases`, { bindings: [] })
  })

  /** Clicks the [1] of the last answer and checks the passage it opens. */
  async function openCitation(answer: ReturnType<Page['getByTestId']>, label: string) {
    const cite = answer.getByTestId('cite')
    await expect(cite.textContent()).resolves.toBe('1')
    await expect(cite.getAttribute('aria-label')).resolves.toBe(label)
    await cite.click()
    const pop = answer.getByTestId('cite-pop')
    await expect(pop.textContent()).resolves.toMatch(/opening-hours\.md.*opens at 9:00/)
    // The pop-up closes with a second click.
    await cite.click()
    await pop.waitFor({ state: 'detached' })
  }

  for (const { lang, locale } of LANGS) {
    test(`${lang}: in the studio chat the [1] opens the cited passage`, async () => {
      await setLanguage(lang)
      await withPage({ locale }, async (page) => {
        await page.goto(`${srv.url}/?token=${srv.token}#/chat/${agent.id}`)
        await page.getByTestId('chat-view').waitFor()
        llm.script({ text: ANSWER })
        await page.getByTestId('chat-input').fill('When does the museum open?')
        await page.getByTestId('chat-send').click()
        const answer = page.getByTestId('msg-assistant').last()
        await expect.poll(() => answer.getAttribute('data-status'), { timeout: 20_000 }).toBe('ok')
        await openCitation(answer, LABEL[lang])
      })
    })
  }

  test('zh-CN, 390×844: the phone page links [1] to its source and lists the sources', async () => {
    await withPage({ ...PHONE, locale: 'zh-CN' }, async (page) => {
      await page.goto(`${srv.url}/chat/${agent.uuid}`)
      llm.script({ text: ANSWER })
      await page.getByTestId('phone-input').fill('When does the museum open?')
      await page.getByTestId('phone-send').click()
      const answer = page.getByTestId('phone-answer').last()
      await expect.poll(() => answer.textContent(), { timeout: 20_000 }).toContain('9:00')
      await openCitation(answer, LABEL['zh-CN'])
      await answer.getByTestId('phone-sources').locator('summary').click()
      await expect(answer.getByTestId('phone-source').first().textContent()).resolves.toMatch(/opening-hours\.md.*opens at 9:00/)
    })
  })

  test('en: the embed widget shows the sources too', async () => {
    await withPage({ locale: 'en-US' }, async (page) => {
      await page.goto(siteOrigin)
      await page.getByTestId('agenta-bubble').click()
      const frame = page.frameLocator('[data-testid="agenta-frame"]')
      llm.script({ text: ANSWER })
      await frame.getByTestId('phone-input').fill('When does the museum open?')
      await frame.getByTestId('phone-send').click()
      const answer = frame.getByTestId('phone-answer').last()
      await expect.poll(() => answer.textContent(), { timeout: 20_000 }).toContain('9:00')
      await openCitation(answer, LABEL.en)
      await expect(answer.getByTestId('phone-sources').locator('summary').textContent()).resolves.toBe('1 source')
    })
  })
})

describe('11. emoji render in colour without an emoji font on the machine', () => {
  // This machine has no emoji font (like the kiosks in the issue): without the shipped font an
  // emoji is an empty box, drawn in the text colour. Count the coloured pixels it draws.
  const colourPixels = (el: Element) =>
    (async () => {
      const family = getComputedStyle(el).fontFamily
      const text = (el.textContent ?? '').trim()
      await document.fonts.load(`48px ${family}`, text)
      const canvas = document.createElement('canvas')
      canvas.width = canvas.height = 64
      const ctx = canvas.getContext('2d')!
      ctx.font = `48px ${family}`
      ctx.textBaseline = 'top'
      ctx.fillText(text, 4, 4)
      const d = ctx.getImageData(0, 0, 64, 64).data
      let n = 0
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 128 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) n++
      return n
    })()

  beforeAll(async () => {
    await srv.api('PUT', `/api/agents/${agent.id}`, { avatar: '🦊' })
  })

  test('the studio: an agent card avatar', async () => {
    await setLanguage('en')
    await withPage({ locale: 'en-US' }, async (page) => {
      await page.goto(`${srv.url}/?token=${srv.token}#/agents`)
      const avatar = page.getByTestId('agent-card').filter({ hasText: agent.name }).locator('.emoji-avatar').first()
      await expect(avatar.textContent()).resolves.toBe('🦊')
      await expect.poll(() => avatar.evaluate(colourPixels)).toBeGreaterThan(50)
    })
  })

  test('390×844: the phone page header avatar', async () => {
    await withPage({ ...PHONE, locale: 'zh-CN' }, async (page) => {
      await page.goto(`${srv.url}/chat/${agent.uuid}`)
      const avatar = page.locator('.p-head .emoji-avatar')
      await expect(avatar.textContent()).resolves.toBe('🦊')
      await expect.poll(() => avatar.evaluate(colourPixels)).toBeGreaterThan(50)
    })
  })
})
