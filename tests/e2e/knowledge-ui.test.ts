// The knowledge screen in real Chromium against `agenta serve`'s server and the built renderer
// (out/renderer: run `npx electron-vite build` first). Steps share one page and run in order.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { BootedServer } from '../utils/boot'
import { SHOTS, startStudio, type Studio } from '../utils/studio'

const GUIDE = `# Museum guide

## Opening hours

The museum opens at 09:00 and closes at 17:30, every day except Monday.

## Tickets

Adults pay 60 yuan. Students and seniors pay 30 yuan. Children under 1.2 m enter free.

## 古镇门票

古镇景点的门票价格是八十八元，夜游另收二十元。
`

let srv: BootedServer
let studio: Studio
let page: Page
let errors: string[]
let api: Server
let apiUrl: string
let kbId: string
let embedder: Server
let embedderUrl: string

const byTestId = (id: string) => page.getByTestId(id)
const shot = (name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, animations: 'disabled', style: '.ant-message { display: none !important; }' })

beforeAll(async () => {
  // A JSON API for the API source: items under data.items.
  api = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end(
      JSON.stringify({
        data: {
          items: [
            { id: 1, title: 'Audio guide', body: 'Audio guides cost 20 yuan at the entrance.' },
            { id: 2, title: 'Lockers', body: 'Free lockers are next to the cloakroom.' }
          ]
        }
      })
    )
  })
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r))
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/articles`
  // A slow embedding server: ingestion takes long enough to watch its progress.
  embedder = createServer((req, res) => {
    res.setHeader('content-type', 'application/json')
    if (req.method === 'GET') return res.end(JSON.stringify({ object: 'list', data: [{ id: 'slow-embed', object: 'model', owned_by: 'test' }] }))
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      const input = JSON.parse(body).input as string[]
      const data = input.map((t, index) => ({ object: 'embedding', index, embedding: Array.from({ length: 8 }, (_, i) => Math.sin(t.length + i)) }))
      setTimeout(() => res.end(JSON.stringify({ object: 'list', data, model: 'slow-embed', usage: { prompt_tokens: 1, total_tokens: 1 } })), 250)
    })
  })
  await new Promise<void>((r) => embedder.listen(0, '127.0.0.1', r))
  embedderUrl = `http://127.0.0.1:${(embedder.address() as AddressInfo).port}/v1`
  studio = await startStudio({ llm: false, language: 'en', stepTimeoutMs: 10_000 })
  ;({ srv, page, errors } = studio)
  const kb = await srv.api('POST', '/api/knowledge-bases', {
    name: 'Visitor FAQ',
    description: 'What visitors ask at the desk',
    chunkSize: 200,
    chunkOverlap: 20
  })
  kbId = kb.body.id
})

afterAll(async () => {
  await studio?.close()
  api?.close()
  embedder?.close()
})

describe('knowledge screen', () => {
  test('a knowledge base card opens its page', async () => {
    await studio.open('/knowledge')
    await byTestId('kb-card').filter({ hasText: 'Visitor FAQ' }).click()
    await byTestId('kb-detail').waitFor()
    expect(page.url()).toContain(`#/knowledge/${kbId}`)
    await expect(byTestId('kb-title').textContent()).resolves.toBe('Visitor FAQ')
  })

  test('files uploaded in the browser show their progress and reach "ready"; a broken one says why', async () => {
    const input = page.locator('.kb-upload-actions input[type=file]').first()
    await input.setInputFiles([
      { name: 'museum-guide.md', mimeType: 'text/markdown', buffer: Buffer.from(GUIDE) },
      { name: 'broken.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 this is not really a PDF') }
    ])
    await byTestId('upload-list').waitFor()
    await expect.poll(() => byTestId('upload-list').textContent()).toContain('Uploaded 2 of 2')
    await byTestId('upload-toggle').click()
    await expect.poll(() => byTestId('upload-row').count()).toBe(2)

    const guide = byTestId('doc-table').locator('tr').filter({ hasText: 'museum-guide.md' })
    await expect.poll(() => guide.getByTestId('doc-status').textContent(), { timeout: 20_000 }).toBe('Ready')
    expect(Number(await guide.getByTestId('doc-chunk-count').textContent())).toBeGreaterThan(1)

    const broken = byTestId('doc-table').locator('tr').filter({ hasText: 'broken.pdf' })
    await expect.poll(() => broken.getByTestId('doc-status').textContent(), { timeout: 20_000 }).toBe('Failed')
    await expect(broken.getByTestId('doc-error').textContent()).resolves.toMatch(/broken\.pdf/)
    await shot('knowledge-documents')
  })

  test("the chunk viewer lists a document's chunks with their heading path", async () => {
    await byTestId('doc-table').locator('tr').filter({ hasText: 'museum-guide.md' }).getByTestId('doc-chunks').click()
    await byTestId('chunk-drawer').waitFor()
    await expect.poll(() => byTestId('chunk').count()).toBeGreaterThan(1)
    await expect(byTestId('chunk-heading').allTextContents()).resolves.toContain('Museum guide › Tickets')
    await shot('knowledge-chunks')
    await page.keyboard.press('Escape')
    await byTestId('chunk-drawer').waitFor({ state: 'detached' })
  })

  test('the search playground finds the passage, in English and in Chinese', async () => {
    await byTestId('kb-tab-search').click()
    await byTestId('search-query').fill('how much do students pay')
    await byTestId('search-mode-fulltext').click()
    await byTestId('search-run').click()
    await byTestId('search-hit').first().waitFor()
    await expect(byTestId('search-hit').first().textContent()).resolves.toContain('Students and seniors pay 30 yuan')
    await expect(byTestId('hit-doc').first().textContent()).resolves.toBe('museum-guide.md')
    await expect(byTestId('search-meta').textContent()).resolves.toMatch(/hits? · Full text · \d+ ms/)

    await byTestId('search-query').fill('古镇门票多少钱')
    await byTestId('search-run').click()
    await expect.poll(() => byTestId('search-hit').first().textContent()).toContain('八十八元')
    await shot('knowledge-search')
  })

  test('an API source made in its dialog syncs its items into documents', async () => {
    await byTestId('kb-tab-sources').click()
    await byTestId('source-add').click()
    await byTestId('source-add-api').click()
    await byTestId('source-name').fill('Articles')
    await byTestId('source-url').fill(apiUrl)
    await byTestId('source-items-path').fill('data.items')
    await byTestId('source-fields').locator('input').fill('body')
    await page.keyboard.press('Enter')
    await shot('knowledge-source-editor')
    await byTestId('source-save').click()

    const card = byTestId('source-card').filter({ hasText: 'Articles' })
    await card.waitFor()
    await card.getByTestId('source-sync').click()
    await expect.poll(() => card.getByTestId('source-last-sync').textContent(), { timeout: 15_000 }).toMatch(/Synced .*2 new/)
    await shot('knowledge-sources')
  })

  test('with an embedding model, ingestion shows its live progress', async () => {
    const provider = await srv.api('POST', '/api/providers', { name: 'Slow embedder', baseUrl: embedderUrl })
    const models = await srv.api('POST', `/api/providers/${provider.body.id}/refresh-models`)
    const model = models.body.models[0]
    if (model.type !== 'embedding') await srv.api('PUT', `/api/models/${model.id}`, { type: 'embedding' })
    const kb = await srv.api('POST', '/api/knowledge-bases', { name: 'Exhibit labels', embeddingModelId: model.id })
    await studio.open(`/knowledge/${kb.body.id}`)
    await byTestId('kb-detail').waitFor()
    const files = Array.from({ length: 24 }, (_, i) => ({
      name: `label-${i}.txt`,
      mimeType: 'text/plain',
      buffer: Buffer.from(`Exhibit ${i}: a bronze vessel from the Shang dynasty, room ${i % 5}.`)
    }))
    await page.locator('.kb-upload-actions input[type=file]').first().setInputFiles(files)
    await byTestId('kb-progress').waitFor({ timeout: 15_000 })
    // Documents count as done when their batch is served; meanwhile the stages they reached move.
    await expect.poll(() => byTestId('kb-progress').textContent()).toMatch(/Ingesting\d+ \/ 24 documents.*Indexing [1-9]/)
    await expect.poll(() => byTestId('doc-table').getByTestId('doc-status').allTextContents()).toContain('Indexing')
    await shot('knowledge-progress')
    await expect.poll(() => byTestId('doc-table').getByTestId('doc-status').allTextContents(), { timeout: 30_000 }).toEqual(Array(20).fill('Ready'))
    await byTestId('kb-progress').waitFor({ state: 'detached' })

    await byTestId('kb-tab-search').click()
    await byTestId('search-query').fill('bronze vessel room 3')
    await byTestId('search-mode-hybrid').click()
    await byTestId('search-run').click()
    await expect.poll(() => byTestId('search-meta').textContent()).toMatch(/· Hybrid ·/)
    await studio.open(`/knowledge/${kbId}`)
    await byTestId('kb-detail').waitFor()
  })

  test('the page looks right in the dark', async () => {
    await srv.api('PUT', '/api/settings', { theme: 'dark' })
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark')
    await page.getByRole('tab', { name: 'Documents' }).click()
    await expect.poll(() => byTestId('doc-table').locator('tr').filter({ hasText: 'Articles' }).count(), { timeout: 15_000 }).toBe(2)
    await shot('knowledge-dark')
  })

  test('the page ran without script errors', () => {
    // Chromium logs every 4xx; none was provoked here.
    expect(errors).toEqual([])
  })
})
