// Chat, the agent editor, publishing, the phone page and the embed widget in real Chromium against
// `agenta serve`'s server with the fake LLM (out/renderer must be built: `npx electron-vite build`).
// Steps share one page and run in order.
import { createServer, type Server } from 'node:http'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { everythingStdio } from '../integration/mcp/peers'
import { pickOption } from '../utils/antd'
import { tempDir, type BootedServer } from '../utils/boot'
import { openPage } from '../utils/browser'
import type { FakeLlm } from '../utils/fake-llm'
import { SHOTS, startStudio, type Studio } from '../utils/studio'
import { until } from '../utils/until'

const API_KEY = 'sk-test-chat-0000'
const CHART = {
  type: 'chart',
  data: {
    title: 'Visitors',
    option: { xAxis: { type: 'category', data: ['9', '10', '11'] }, yAxis: { type: 'value' }, series: [{ type: 'bar', data: [120, 340, 560] }] }
  }
}
const WEATHER = { type: 'weather', data: { city: 'Hangzhou', condition: 'Sunny', temperature: 21, high: 24, low: 14, humidity: 40, wind: 'NE 2' } }

let studio: Studio
let srv: BootedServer
let llm: FakeLlm
let browser: Browser
let page: Page
let errors: string[]
let site: Server
let siteOrigin: string
let agent: { id: string; uuid: string; publicKey: string }

const byTestId = (id: string, p: Page = page) => p.getByTestId(id)
const shot = (name: string, p: Page = page) =>
  p.screenshot({ path: `${SHOTS}/${name}.png`, animations: 'disabled', style: '.ant-message { display: none !important; }' })
const lastAnswer = () => byTestId('msg-assistant').last()
const words = (n: number, prefix = 'word') => Array.from({ length: n }, (_, i) => `${prefix}${i} `)

beforeAll(async () => {
  studio = await startStudio({ llm: { apiKey: API_KEY }, provider: true, language: 'en', stepTimeoutMs: 20_000 })
  ;({ srv, llm, browser, page, errors } = studio)
  // A plain website on another origin that embeds the agent with one script tag.
  site = createServer((req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body style="font-family:sans-serif;background:#fafafa"><h1>A shop on another origin</h1><p>Opening hours, products and a chat bubble.</p>
<script src="${srv.url}/embed.js" data-agent="${agent.uuid}" data-key="${agent.publicKey}" defer></script></body></html>`)
  })
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r))
  siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`

  // An MCP server to bind (saved disabled: nothing is spawned) and a knowledge base with one document.
  await srv.api('POST', '/api/tools', { name: 'Files', enabled: false, config: { transport: 'stdio', command: '/bin/true' } })
  const kb = (await srv.api('POST', '/api/knowledge-bases', { name: 'Museum FAQ' })).body
  const doc = join(tempDir('agenta-e2e-doc-'), 'opening-hours.md')
  writeFileSync(doc, '# Opening hours\n\nThe museum opens at 9:00 and closes at 17:00 every day except Monday.\n')
  await srv.api('POST', `/api/knowledge-bases/${kb.id}/add-paths`, { paths: [doc] })
  await until(async () => (await srv.api('GET', `/api/knowledge-bases/${kb.id}/documents`)).body.items[0]?.status === 'ready', 'the test document to be ready')
})

afterAll(async () => {
  site?.close()
  await studio?.close()
})

describe('chat, editor, publishing, phone page and embed', () => {
  test('an agent made in the UI is configured in the editor: weather card, welcome, phrases', async () => {
    await page.goto(`${srv.url}/?token=${srv.token}#/agents`)
    await byTestId('agent-new').click()
    await byTestId('agent-name').fill('Guide')
    await pickOption(page, 'agent-model', 'fake-chat')
    await byTestId('agent-save').click()
    // A new agent opens in its editor (issue 15).
    await byTestId('agent-workspace').waitFor()
    await byTestId('agent-welcome').fill('Welcome to the museum!')
    await byTestId('agent-add-phrase').click()
    await page.getByPlaceholder("e.g. What are today's opening hours?").fill('What is the weather?')
    await byTestId('card-template-weather').click()
    await byTestId('ws-tool-switch').click()
    await byTestId('ws-kb-switch').click()
    // The preview follows the form before saving.
    await expect.poll(() => byTestId('ws-preview').textContent()).toContain('Welcome to the museum!')
    await byTestId('ws-save').click()
    await expect
      .poll(async () => (await srv.api('GET', '/api/agents')).body[0])
      .toMatchObject({ cardTemplates: ['weather'], welcomeMessage: 'Welcome to the museum!', quickPhrases: ['What is the weather?'] })
    agent = (await srv.api('GET', '/api/agents')).body[0]
    await expect.poll(async () => (await srv.api('GET', `/api/agents/${agent.id}/tools`)).body).toEqual([expect.objectContaining({ enabledTools: null })])
    await expect(srv.api('GET', `/api/agents/${agent.id}/knowledge-bases`).then((r) => r.body)).resolves.toEqual([
      expect.objectContaining({ settings: expect.objectContaining({ use: 'context' }) })
    ])
    await page.locator('.ws-config').evaluate((el) => el.scrollTo(0, 0))
    await shot('agent-workspace')
  })

  test('a streamed answer shows while it arrives, then as Markdown with highlighted code', async () => {
    await byTestId('ws-open-chat').click()
    await byTestId('chat-welcome').waitFor()
    // The stream waits after a few words until the test has looked (a 1 s stream ended before the
    // look now and then on the loaded CI machine).
    let resume!: () => void
    llm.script({
      chunks: ['**Hello** ', ...words(40), '\n\n```js\nconst answer = 42\n```\n'],
      chunkDelayMs: 25,
      pauseAfterChunks: 5,
      resume: new Promise<void>((r) => (resume = r))
    })
    await byTestId('chat-input').fill('Hi there')
    await byTestId('chat-input').press('Enter')
    // Mid-stream: some words are on screen and the stop button is offered.
    await expect.poll(() => lastAnswer().textContent()).toMatch(/Hello word\d+/)
    await byTestId('chat-stop').waitFor()
    expect(await lastAnswer().getAttribute('data-status')).not.toBe('ok')
    resume()
    await expect.poll(() => lastAnswer().getAttribute('data-status')).toBe('ok')
    await expect(lastAnswer().locator('strong').textContent()).resolves.toBe('Hello')
    await expect(lastAnswer().locator('.hljs-keyword').first().textContent()).resolves.toBe('const')
    await byTestId('session-item').filter({ hasText: 'Hi there' }).waitFor()
  })

  test('a tool step and a weather card, with the run trace', async () => {
    llm.script(
      { toolCalls: [{ name: 'current_time', arguments: {} }] },
      { toolCalls: [{ name: 'show_card', arguments: WEATHER }] },
      { text: 'It is **sunny** in Hangzhou.' }
    )
    await byTestId('chat-input').fill('What is the weather?')
    await byTestId('chat-send').click()
    await expect.poll(() => lastAnswer().getAttribute('data-status')).toBe('ok')
    await expect(lastAnswer().getByTestId('tool-step-label').allTextContents()).resolves.toEqual([
      expect.stringContaining('current_time'),
      expect.stringContaining('show_card')
    ])
    await lastAnswer().getByTestId('tool-step-label').first().click()
    await expect(lastAnswer().getByTestId('tool-step-result').first().textContent()).resolves.toContain('"iso"')
    await expect(lastAnswer().getByTestId('card-weather').textContent()).resolves.toMatch(/21°.*Hangzhou/)
    await lastAnswer().getByTestId('run-trace-open').click()
    await expect.poll(() => byTestId('trace-row').count()).toBe(5) // 3 model calls, 2 tools
    await byTestId('run-trace').waitFor({ state: 'visible' })
    await shot('chat')
    await page.keyboard.press('Escape')
  })

  test("a long MCP call shows how far it has got while it runs (the server's progress reports)", async () => {
    const everything = (await srv.api('POST', '/api/tools', { name: 'everything', config: everythingStdio() })).body
    const bound = (await srv.api('GET', `/api/agents/${agent.id}/tools`)).body
    await srv.api('PUT', `/api/agents/${agent.id}/tools`, {
      bindings: [...bound, { toolId: everything.id, enabledTools: ['trigger-long-running-operation'], requireConfirmation: false }]
    })
    try {
      llm.script({ toolCalls: [{ name: 'everything__trigger-long-running-operation', arguments: { duration: 4, steps: 4 } }] }, { text: 'Finished.' })
      await byTestId('chat-input').fill('Run the long operation')
      await byTestId('chat-send').click()
      await expect.poll(() => lastAnswer().getByTestId('tool-step-progress').textContent(), { timeout: 10_000 }).toMatch(/^ · [123] of 4$/)
      await expect.poll(() => lastAnswer().getAttribute('data-status'), { timeout: 15_000 }).toBe('ok')
      // Done: the step says so, and how far it had got is no longer shown.
      await expect(lastAnswer().getByTestId('tool-step-label').textContent()).resolves.toMatch(/trigger-long-running-operation.*done/)
      expect(await lastAnswer().getByTestId('tool-step-progress').count()).toBe(0)
    } finally {
      await srv.api('PUT', `/api/agents/${agent.id}/tools`, { bindings: bound })
      await srv.api('DELETE', `/api/tools/${everything.id}`)
    }
  })

  test('an answer from the knowledge base lists its sources with the cited passage', async () => {
    llm.script({ text: 'It opens at 9:00 [1].' })
    await byTestId('chat-input').fill('When does the museum open?')
    await byTestId('chat-send').click()
    await expect.poll(() => lastAnswer().getAttribute('data-status')).toBe('ok')
    await lastAnswer().getByTestId('sources').getByText('1 source').click()
    await expect(lastAnswer().getByTestId('source').first().textContent()).resolves.toMatch(/opening-hours\.md.*opens at 9:00/)
    // The passages went into the model's prompt.
    expect(JSON.stringify(llm.requests.at(-1)?.body.messages)).toContain('closes at 17:00')
  })

  test('regenerate replaces the last answer; edit-and-resend replaces from that message on', async () => {
    llm.script({ text: 'A second opinion.' })
    await lastAnswer().getByTestId('regenerate').click()
    await expect.poll(() => lastAnswer().textContent()).toContain('A second opinion.')
    // The list is virtualised, so the stored session tells what was replaced.
    const sessionId = (await srv.api('GET', `/api/sessions?agentId=${agent.id}`)).body[0].id
    const stored = (await srv.api('GET', `/api/sessions/${sessionId}/messages`)).body.map((m: { content: string }) => m.content)
    expect(stored).toContain('A second opinion.')
    expect(stored).not.toContain('It opens at 9:00 [1].')

    llm.script({ text: 'Answer to the edited question.' })
    await byTestId('msg-user').last().hover()
    await byTestId('msg-user').last().getByTestId('msg-edit').click()
    await byTestId('edit-input').fill('Hello again')
    await byTestId('edit-send').click()
    await expect.poll(() => lastAnswer().textContent()).toContain('Answer to the edited question.')
    const after = (await srv.api('GET', `/api/sessions/${sessionId}/messages`)).body.map((m: { content: string }) => m.content)
    expect(after).toContain('Hello again')
    expect(after).not.toContain('When does the museum open?')
    expect(after).not.toContain('A second opinion.')
  })

  test('stop ends the answer and the model request', async () => {
    llm.script({ chunks: words(400, 'slow'), chunkDelayMs: 40 })
    await byTestId('chat-input').fill('Tell me everything')
    await byTestId('chat-send').click()
    await expect.poll(() => lastAnswer().textContent()).toMatch(/slow3/)
    await byTestId('chat-stop').click()
    await expect.poll(() => lastAnswer().getAttribute('data-status')).toBe('stopped')
    await expect.poll(() => llm.requests.at(-1)?.aborted).toBe(true)
  })

  test('an attached image shows as a thumbnail in the sent message and reaches the model as an image part', async () => {
    // A 1×1 PNG made here, picked through the composer's file input.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
    llm.script({ text: 'A single dot.' })
    await byTestId('chat-file-input').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: png })
    await byTestId('composer-attachment').locator('img').waitFor()
    await byTestId('chat-input').fill('What is in this picture?')
    await byTestId('chat-send').click()
    await expect.poll(() => lastAnswer().textContent()).toContain('A single dot.')
    await expect.poll(() => byTestId('composer-attachment').count()).toBe(0)
    const thumb = byTestId('msg-user').last().getByTestId('msg-attachment-image')
    await expect(thumb.locator('img').getAttribute('src')).resolves.toBe(`data:image/png;base64,${png.toString('base64')}`)
    // Clicking the thumbnail opens it full size.
    await thumb.click()
    await page.locator('.ant-image-preview img').waitFor({ state: 'visible' })
    await page.keyboard.press('Escape')
    await page.locator('.ant-image-preview').waitFor({ state: 'hidden' })
    const user = llm.requests.at(-1)?.body.messages.findLast((m: { role: string }) => m.role === 'user')
    expect(user.content).toContainEqual({ type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } })
  })

  test('sessions: rename and search', async () => {
    await byTestId('session-item').first().hover()
    await byTestId('session-rename').first().click()
    await byTestId('session-rename-input').fill('Museum visit')
    await byTestId('session-rename-input').press('Enter')
    await byTestId('session-title').filter({ hasText: 'Museum visit' }).waitFor()
    await byTestId('session-search').fill('zzz-nothing')
    await expect.poll(() => byTestId('session-item').count()).toBe(0)
    await byTestId('session-search').fill('')
    await expect.poll(() => byTestId('session-item').count()).toBe(1)
  })

  test('publish: key, allowed origin, snippet and QR code', async () => {
    await page.goto(`${srv.url}/#/agents/${agent.id}`)
    await byTestId('ws-tab-publish').click()
    await byTestId('publish-switch').click()
    await expect.poll(async () => (await srv.api('GET', `/api/agents/${agent.id}`)).body.published).toBe(true)
    await byTestId('allowed-origins').locator('input').fill(siteOrigin)
    await byTestId('allowed-origins').locator('input').press('Enter')
    await byTestId('origins-save').click()
    await expect.poll(async () => (await srv.api('GET', `/api/agents/${agent.id}`)).body.allowedOrigins).toEqual([siteOrigin])
    await expect(byTestId('embed-snippet').textContent()).resolves.toContain(`data-key="${agent.publicKey}"`)
    await expect(byTestId('phone-url').first().textContent()).resolves.toContain(`/chat/${agent.uuid}`)
    await byTestId('publish-qr').waitFor()
    await shot('publish')
  })

  test('the phone page chats over the original protocol with the public key', async () => {
    const { page: phone, errors: phoneErrors } = await openPage(browser, {
      viewport: { width: 390, height: 780 },
      locale: 'en-US',
      isMobile: true,
      hasTouch: true
    })
    phone.setDefaultTimeout(20_000)
    await phone.goto(`${srv.url}/chat/${agent.uuid}`)
    await expect(byTestId('phone-agent-name', phone).textContent()).resolves.toBe('Guide')
    await expect(byTestId('phone-welcome', phone).textContent()).resolves.toContain('Welcome to the museum!')
    await srv.api('PUT', `/api/agents/${agent.id}`, { cardTemplates: ['weather', 'chart'] })
    llm.script(
      {
        toolCalls: [
          { name: 'show_card', arguments: WEATHER },
          { name: 'show_card', arguments: CHART }
        ]
      },
      { text: 'Sunny all day.' }
    )
    await byTestId('phone-phrase', phone).click()
    await expect.poll(() => byTestId('phone-answer', phone).textContent()).toContain('Sunny all day.')
    await byTestId('card-weather', phone).waitFor()
    // ECharts is loaded on first use and draws on a canvas.
    await byTestId('card-chart-canvas', phone).locator('canvas').waitFor()
    // The turn ran through the agent's tools like a studio turn.
    expect(llm.requests.at(-1)?.body.messages.filter((m: { role: string }) => m.role === 'tool')).toHaveLength(2)
    await shot('phone', phone)

    // Unknown and unpublished agents get the same clear page.
    expect(phoneErrors).toEqual([])
    await phone.goto(`${srv.url}/chat/not-an-agent`)
    await byTestId('phone-unavailable', phone).waitFor()
    await phone.context().close()
  })

  test('the embed widget opens the agent on a page of another (allowed) origin', async () => {
    const visitor = await openPage(browser, { locale: 'en-US' })
    visitor.page.setDefaultTimeout(20_000)
    await visitor.page.goto(siteOrigin)
    await visitor.page.getByTestId('agenta-bubble').click()
    const frame = visitor.page.frameLocator('[data-testid="agenta-frame"]')
    await frame.getByTestId('phone-agent-name').waitFor()
    llm.script({ text: 'Hello from the widget.' })
    await frame.getByTestId('phone-input').fill('Hi')
    await frame.getByTestId('phone-send').click()
    await expect.poll(() => frame.getByTestId('phone-answer').textContent()).toContain('Hello from the widget.')
    await shot('embed', visitor.page)
    expect(visitor.errors).toEqual([])
    await visitor.page.context().close()

    // Only listed origins may frame the page.
    const res = await fetch(`${srv.url}/chat/${agent.uuid}?embed=1&key=${agent.publicKey}`)
    expect(res.headers.get('content-security-policy')).toContain(`frame-ancestors 'self' ${siteOrigin}`)
    expect((await fetch(`${srv.url}/chat/${agent.uuid}?key=pk_wrong`)).status).toBe(403)
    // An unpublished agent is not available, and says nothing more than an unknown one.
    const draft = (await srv.api('POST', '/api/agents', { name: 'Draft' })).body
    const page404 = await fetch(`${srv.url}/chat/${draft.uuid}`)
    expect(page404.status).toBe(404)
    expect(await page404.text()).toContain('not available')
    expect((await fetch(`${srv.url}/embed.js`)).headers.get('content-type')).toContain('javascript')
  })

  test('language and theme switch apply to the chat at once', async () => {
    await page.goto(`${srv.url}/#/chat/${agent.id}`)
    await byTestId('chat-view').waitFor()
    await byTestId('theme-toggle').click()
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark')
    // The page's own save first: its answer (still English) arriving after the language change would put English back.
    await expect.poll(async () => (await srv.api('GET', '/api/settings')).body.theme).toBe('dark')
    await srv.api('PUT', '/api/settings', { language: 'zh-CN' })
    await expect.poll(() => byTestId('chat-new').textContent()).toBe('新对话')
    await byTestId('session-item').first().click()
    await byTestId('msg-text').first().waitFor({ state: 'visible' })
    await shot('chat-dark-zh')
  })

  test('the pages ran without script errors', () => {
    expect(errors).toEqual([])
  })
})
