// Knowledge failures in the studio's language (zh-CN), in real Chromium against the server and the
// built renderer (run `npx electron-vite build` first): a source's last sync error, a failed
// re-embed, and the files "add paths" did not take come from the core as message codes with
// params, and the page says them in Chinese, not in the core's English.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { tempDir } from '../utils/boot'
import { SHOTS, startStudio, type Studio } from '../utils/studio'

const KEY = 'sk-kb-reasons-0000'
let studio: Studio
/** The fake model server's address: it refuses any request without its key (the source's API, a provider with another key). */
let refusingUrl: string

beforeAll(async () => {
  studio = await startStudio({ llm: { apiKey: KEY }, provider: { name: 'fake' }, language: 'zh-CN', stepTimeoutMs: 15_000 })
  refusingUrl = new URL(studio.llm.baseUrl).origin
})

afterAll(() => studio?.close())

describe('knowledge failures in Chinese', () => {
  test('a source that failed to sync, a re-embed the provider refuses, paths not taken', async () => {
    const { srv, page, errors } = studio
    const embed = (await srv.api('POST', '/api/models', { providerId: studio.providerId, modelId: 'fake-embed', type: 'embedding' })).body
    const kb = (await srv.api('POST', '/api/knowledge-bases', { name: '游客问答', embeddingModelId: embed.id, chunkSize: 200, chunkOverlap: 0 })).body
    const dir = tempDir('agenta-kb-zh-')
    writeFileSync(join(dir, 'hours.txt'), 'The museum opens at nine.')
    await srv.api('POST', `/api/knowledge-bases/${kb.id}/add-paths`, { paths: [dir] })
    await srv.runtime.knowledge.queue.whenIdle()

    // The source's API refuses: its sync fails.
    const source = (
      await srv.api('POST', `/api/knowledge-bases/${kb.id}/sources`, {
        name: '常见问题',
        config: { kind: 'api', url: `${refusingUrl}/faq`, fields: ['answer'] }
      })
    ).body
    expect((await srv.api('POST', `/api/knowledge-bases/${kb.id}/sources/${source.id}/sync`)).body).toMatchObject({ ok: false })
    // A new embedding model whose provider refuses the key: the re-embed fails.
    const locked = (await srv.api('POST', '/api/providers', { name: 'locked', kind: 'custom', baseUrl: studio.llm.baseUrl, apiKey: 'sk-wrong' })).body
    const lockedEmbed = (await srv.api('POST', '/api/models', { providerId: locked.id, modelId: 'locked-embed', type: 'embedding' })).body
    await srv.api('PUT', `/api/knowledge-bases/${kb.id}`, { embeddingModelId: lockedEmbed.id })
    srv.runtime.knowledge.queue.kick()
    await expect
      .poll(async () => (await srv.api('GET', `/api/knowledge-bases/${kb.id}/status`)).body.reembedReason, { timeout: 30_000 })
      .toBe('provider_unauthorized')

    await studio.open(`/knowledge/${kb.id}`)
    await page.getByTestId('kb-detail').waitFor()
    await expect
      .poll(
        async () => {
          if (!(await page.getByTestId('kb-reembed-error').isVisible())) await studio.open(`/knowledge/${kb.id}`)
          return page.getByTestId('kb-reembed-error').textContent()
        },
        { timeout: 30_000 }
      )
      .toMatch(/^重新生成向量失败，将自动重试：服务商拒绝了 API 密钥（401）：.*Incorrect API key/)

    // "Add paths": a path that is not there.
    const gone = join(dir, 'nowhere.txt')
    await page.getByTestId('kb-paths').fill(gone)
    await page.getByTestId('kb-add-paths').click()
    await expect.poll(() => page.locator('.ant-message-warning').last().textContent()).toBe(`跳过 1 个文件：找不到：${gone}`)

    await page.getByTestId('kb-tab-sources').click()
    const error = page.getByTestId('source-card').filter({ hasText: '常见问题' }).getByTestId('source-sync-error')
    await expect.poll(() => error.textContent()).toMatch(new RegExp(`^GET ${refusingUrl}/faq 返回 401：.*Incorrect API key`))
    await page.screenshot({ path: `${SHOTS}/knowledge-reasons-zh.png`, animations: 'disabled' })
    expect(errors).toEqual([])
  }, 180_000)
})
