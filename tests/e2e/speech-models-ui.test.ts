// The Models screen in real Chromium against `agenta serve`'s server and the built renderer
// (out/renderer: run `npx electron-vite build` first): a provider from the DashScope preset offers
// its speech models in "Add model", one click each, and they land in the tts/stt groups; the
// Volcengine preset says which credentials its speech needs. In Chinese (the users of these presets).
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { clickUntil } from '../utils/antd'
import type { FakeLlm } from '../utils/fake-llm'
import { SHOTS, startStudio, type Studio } from '../utils/studio'

let llm: FakeLlm
let studio: Studio
let page: Page
let errors: string[]

beforeAll(async () => {
  studio = await startStudio({ context: { locale: 'zh-CN' }, stepTimeoutMs: 20_000 })
  ;({ llm, page, errors } = studio)
})

afterAll(() => studio?.close())

const byTestId = (id: string) => page.getByTestId(id)

async function addProvider(kind: string, name: string) {
  await byTestId('provider-add').click()
  await byTestId(`preset-${kind}`).click()
  await byTestId('provider-name').fill(name)
  await byTestId('provider-url').fill(llm.baseUrl)
  await byTestId('provider-key').fill('sk-speech-ui')
  await byTestId('provider-create').click()
  await byTestId('provider-item').filter({ hasText: name }).click()
  await byTestId('provider-key').waitFor({ state: 'detached' })
}

describe('speech models in the Models screen', () => {
  test('the DashScope preset offers CosyVoice and Paraformer; a click adds each to its group', async () => {
    await studio.open()
    await byTestId('nav-models').click()
    await addProvider('bailian', '百炼语音')
    const suggested = byTestId('suggested-speech-models')
    await clickUntil(page.getByRole('button', { name: '新增模型' }), suggested)
    await expect(suggested.textContent()).resolves.toMatch(/cosyvoice-v2 · 语音合成.*paraformer-realtime-v2 · 语音识别/)
    await page.screenshot({ path: `${SHOTS}/models-speech-suggested-zh.png`, animations: 'disabled' })
    await byTestId('suggested-model').filter({ hasText: 'cosyvoice-v2' }).click()
    await byTestId('suggested-model').filter({ hasText: 'paraformer-realtime-v2' }).click()
    await expect.poll(() => byTestId('model-row').count()).toBe(2)
    await expect(byTestId('model-groups').textContent()).resolves.toMatch(/语音合成.*cosyvoice-v2.*语音识别.*paraformer-realtime-v2/)
    // Added ones are no longer offered; the others still are.
    await expect.poll(() => byTestId('suggested-model').filter({ hasText: 'cosyvoice-v2' }).count()).toBe(0)
    await expect(byTestId('suggested-model').filter({ hasText: 'cosyvoice-v1' }).count()).resolves.toBe(1)
  })

  test('the Volcengine preset offers volcano_tts and says its speech key is APPID:TOKEN', async () => {
    await page.keyboard.press('Escape')
    await addProvider('doubao', '豆包语音')
    await page.getByRole('button', { name: '新增模型' }).click()
    await byTestId('suggested-speech-models').filter({ hasText: 'volcano_tts' }).waitFor()
    await expect(byTestId('suggested-speech-models').filter({ hasText: 'volcano_tts' }).textContent()).resolves.toMatch(/APPID:TOKEN/)
  })

  test('the page ran without script errors', () => {
    expect(errors).toEqual([])
  })
})
