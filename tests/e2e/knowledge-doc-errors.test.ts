// A document that failed to ingest, or waits for a retry, says why in the UI's language (issue 15,
// defect 7): a corrupt PDF and an embedding provider that refuses the key, in zh-CN and en. Real
// Chromium against the server and the built renderer (run `npx electron-vite build` first).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startStudio, type Studio } from '../utils/studio'
import { tempDir, type BootedServer } from '../utils/boot'
import { openPage } from '../utils/browser'

let studio: Studio
let srv: BootedServer
let browser: Browser
let modelId: string

beforeAll(async () => {
  // Retries far apart, so the retrying state stays on screen while the test looks at it.
  studio = await startStudio({
    llm: { apiKey: 'sk-kb-doc-errors-0000' },
    context: false,
    boot: { knowledge: { ingestion: { retryBaseMs: 600_000 }, embedder: { maxRetries: 0 } } }
  })
  ;({ srv, browser } = studio)
  // The fake model server refuses another key: the document fails its first attempt and waits for a retry.
  const provider = (
    await srv.api('POST', '/api/providers', { name: 'Refusing', kind: 'custom', baseUrl: studio.llm.baseUrl, apiKey: 'sk-wrong', enabled: true })
  ).body
  modelId = (await srv.api('POST', '/api/models', { providerId: provider.id, modelId: 'locked-embed', type: 'embedding' })).body.id
})
afterAll(() => studio?.close())

describe('why a document failed, in the UI language', () => {
  for (const { lang, locale, corrupt, retrying } of [
    {
      lang: 'zh-CN',
      locale: 'zh-CN',
      corrupt: /^无法读取 broken\.pdf：不是有效的 PDF 文件（.+）$/,
      retrying: /^第 1 次尝试失败，正在重试：服务商拒绝了 API 密钥（401）：.*Incorrect API key provided/
    },
    {
      lang: 'en',
      locale: 'en-US',
      corrupt: /^Cannot read broken\.pdf: not a valid PDF file \(.+\)$/,
      retrying: /^Attempt 1 failed, retrying: The provider rejected the API key \(401\): .*Incorrect API key provided/
    }
  ] as const) {
    test(`${lang}: a corrupt PDF, and a retry after the embedding provider refused`, async () => {
      await srv.api('PUT', '/api/settings', { language: lang })
      const kb = (await srv.api('POST', '/api/knowledge-bases', { name: `Failures ${lang}`, embeddingModelId: modelId, chunkSize: 400, chunkOverlap: 0 })).body
      const dir = join(tempDir('agenta-kb-doc-errors-'), lang)
      mkdirSync(dir)
      writeFileSync(join(dir, 'broken.pdf'), Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(1500, 0x41)]))
      writeFileSync(join(dir, 'hours.txt'), 'The museum opens at nine.')
      expect((await srv.api('POST', `/api/knowledge-bases/${kb.id}/add-paths`, { paths: [dir] })).body.added).toBe(2)

      const { page, errors } = await openPage(browser, { locale })
      page.setDefaultTimeout(10_000)
      try {
        await page.goto(`${srv.url}/?token=${srv.token}#/knowledge/${kb.id}`)
        await page.getByTestId('kb-detail').waitFor()
        const errorOf = (name: string) =>
          page
            .getByTestId('doc-table')
            .locator('tr')
            .filter({ hasText: name })
            .getByTestId('doc-error')
            .textContent({ timeout: 1_000 })
            .then((text) => (text ?? '').trim())
            .catch(() => '')
        await expect.poll(() => errorOf('broken.pdf'), { timeout: 20_000 }).toMatch(corrupt)
        await expect.poll(() => errorOf('hours.txt'), { timeout: 20_000 }).toMatch(retrying)
        expect(errors).toEqual([])
      } finally {
        await page.context().close()
      }
    })
  }
})
