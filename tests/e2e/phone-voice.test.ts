// The phone page's voice (src-renderer/src/phone/voice.tsx) in Chromium against the server and the
// fake model server: hold the microphone to ask (espeak-ng speech as the fake microphone, the
// server's /speech/transcribe), and hear the answer sentence by sentence when spoken replies are on.
// Needs out/renderer (`npx electron-vite build`) and espeak-ng.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { bootServer, tempDir, type BootedServer } from '../utils/boot'
import { launchBrowser } from '../utils/browser'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'
import { markSpeech } from '../utils/fake-speech'

const VISITOR_SAYS = 'What time do you open?'

let s: BootedServer
let llm: FakeLlm
let browser: Browser
let agent: any

beforeAll(async () => {
  const dir = tempDir('phone-mic-')
  const raw = join(dir, 'raw.wav')
  execFileSync('espeak-ng', ['-v', 'en', '-w', raw, VISITOR_SAYS])
  const mic = join(dir, 'visitor.wav')
  writeFileSync(mic, markSpeech(new Uint8Array(readFileSync(raw)), VISITOR_SAYS))
  ;[llm, s, browser] = await Promise.all([
    startFakeLlm({ speech: { heard: VISITOR_SAYS } }),
    bootServer(),
    launchBrowser(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${mic}`])
  ])
  const provider = (await s.api('POST', '/api/providers', { name: 'Fake', baseUrl: llm.baseUrl })).body
  const tts = (await s.api('POST', '/api/models', { providerId: provider.id, modelId: 'fake-tts', type: 'tts' })).body
  await s.api('POST', '/api/models', { providerId: provider.id, modelId: 'fake-asr', type: 'stt' })
  agent = (
    await s.api('POST', '/api/agents', {
      providerId: provider.id,
      model: 'fake-chat',
      name: 'Front Desk',
      published: true,
      digitalHuman: { ttsModelId: tts.id, voice: 'desk' }
    })
  ).body
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await s?.close()
  await llm?.close()
})

describe('phone page voice', () => {
  test('hold the microphone to ask; with spoken replies on, the answer is synthesized sentence by sentence', async () => {
    llm.script({ chunks: ['We open ', 'at nine. ', 'We close ', 'at five.'], chunkDelayMs: 150 })
    const page = await (await browser.newContext({ viewport: { width: 390, height: 760 } })).newPage()
    const synth: string[] = []
    page.on('request', (r) => {
      if (r.url().includes('/speech/synthesize')) synth.push(JSON.parse(r.postData() ?? '{}').text)
    })
    await page.goto(`${s.url}/chat/${agent.uuid}`)
    await page.getByTestId('phone-speak').click()
    expect(await page.getByTestId('phone-speak').getAttribute('aria-pressed')).toBe('true')
    const box = (await page.getByTestId('phone-mic').boundingBox())!
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await page.mouse.down()
    await expect.poll(() => page.getByTestId('phone-mic').getAttribute('data-recording')).toBe('true')
    // Hold the button while the visitor speaks. A fixed time on purpose: how long the button is held
    // is the user's action under test.
    await page.waitForTimeout(2_000)
    await page.mouse.up()
    await expect.poll(() => page.getByTestId('phone-user').last().textContent(), { timeout: 10_000 }).toBe(VISITOR_SAYS)
    await expect.poll(() => synth, { timeout: 10_000 }).toEqual(['We open at nine.', 'We close at five.'])
    // The page has asked for both sentences; the server's call to the provider may still be on its way.
    const voices = () => llm.requests.filter((r: any) => r.path === '/v1/audio/speech').map((r: any) => r.body.voice)
    await expect.poll(voices, { timeout: 10_000 }).toEqual(['desk', 'desk'])

    // Switched off: the next answer is only shown.
    await page.getByTestId('phone-speak').click()
    llm.script({ text: 'Tickets are at the door.' })
    await page.getByTestId('phone-input').fill('Tickets?')
    await page.getByTestId('phone-input').press('Enter')
    await expect.poll(() => page.getByTestId('phone-answer').last().textContent(), { timeout: 10_000 }).toContain('Tickets are at the door.')
    await expect.poll(() => page.getByTestId('phone-send').isVisible()).toBe(true)
    expect(synth).toHaveLength(2)
    await page.context().close()
  })
})
