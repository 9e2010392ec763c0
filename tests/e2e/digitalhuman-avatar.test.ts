// The built-in 2D avatar in real Chromium: speech made with espeak-ng plays through an <audio>
// element and the mouth's drawn openness is measured while it plays and after it stops. The
// avatar modules are bundled for the page with Vite (no app build needed).
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import type { Server } from 'node:http'
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { LOOKS, PALETTES } from '../../digitalhuman/avatar/looks'
import { tempDir } from '../utils/boot'
import { launchBrowser, openPage } from '../utils/browser'
import { bundleForPage, PAGE_HTML, ROOT, servePage } from './digitalhuman-page'
const SHOTS = resolve(ROOT, 'test-results/screenshots')

const SPEECH = {
  en: { voice: 'en', text: 'Hello, welcome to the museum. The map is at the front desk.' },
  zh: { voice: 'cmn', text: '您好，欢迎光临博物馆。导览图在服务台。' }
}

// What the test page can do, exposed on window.dh by the bundle.
const ENTRY = `
import { createAvatar } from '${ROOT}/digitalhuman/avatar/svg-avatar'
import { envelopeOfAudio } from '${ROOT}/digitalhuman/avatar/audio-envelope'
import { visemeTrack } from '${ROOT}/digitalhuman/lipsync/track'
import { speechBounds } from '${ROOT}/digitalhuman/lipsync/loudness'

const avatars = []
const samples = []
let current
let audio

window.dh = {
  mount(id, look, palette, state) {
    const a = createAvatar(document.getElementById(id), { look, palette })
    a.setState(state)
    avatars.push(a)
    return avatars.length - 1
  },
  /** Fetches the WAV, builds the lips (text track fitted to the voice, or loudness), starts playing. */
  async speak(index, url, text, mode) {
    current = avatars[index]
    const bytes = await (await fetch(url)).arrayBuffer()
    const envelope = await envelopeOfAudio(bytes)
    audio = new Audio(URL.createObjectURL(new Blob([bytes], { type: 'audio/wav' })))
    await new Promise((r) => audio.addEventListener('loadedmetadata', r, { once: true }))
    const lips = mode === 'text' ? { track: visemeTrack(text, audio.duration, speechBounds(envelope)) } : { envelope }
    samples.length = 0
    current.setState('speaking')
    current.follow(audio, lips)
    audio.addEventListener('ended', () => current.setState('idle'))
    await audio.play()
  },
  stop() {
    audio.pause()
    current.stop()
  },
  samples: () => samples,
  status: () => ({ playing: !!audio && !audio.paused && !audio.ended, ended: !!audio && audio.ended, time: audio ? audio.currentTime : 0 })
}

import { createElement } from '${ROOT}/node_modules/react'
import { createRoot } from '${ROOT}/node_modules/react-dom/client'
import { DigitalHumanAvatar } from '${ROOT}/digitalhuman/avatar/react-avatar'
let reactRoot
window.dh.react = (props) => {
  reactRoot = reactRoot || createRoot(document.getElementById('gallery'))
  reactRoot.render(createElement(DigitalHumanAvatar, { style: { width: 200 }, ...props }))
}

// One sample per frame: what the avatar drew, and whether the audio was playing then.
const tick = () => {
  if (current && audio) samples.push({ time: audio.currentTime, playing: !audio.paused && !audio.ended, open: Number(current.element.dataset.mouthOpen) })
  requestAnimationFrame(tick)
}
requestAnimationFrame(tick)
`

let server: Server
let origin: string
let browser: Browser
let page: Page
let errors: string[]

interface Sample {
  time: number
  playing: boolean
  open: number
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  const dir = tempDir('dh-avatar-')
  const files: Record<string, [string, Buffer | string]> = {
    '/': ['text/html; charset=utf-8', PAGE_HTML],
    '/bundle.js': ['text/javascript', await bundleForPage(ENTRY)]
  }
  for (const [lang, { voice, text }] of Object.entries(SPEECH)) {
    const wav = join(dir, `${lang}.wav`)
    execFileSync('espeak-ng', ['-v', voice, '-w', wav, text], { stdio: 'ignore' })
    files[`/${lang}.wav`] = ['audio/wav', readFileSync(wav)]
  }
  ;({ server, origin } = await servePage(files))
  browser = await launchBrowser()
  ;({ page, errors } = await openPage(browser))
  await page.goto(`${origin}/`)
  await page.waitForFunction(() => typeof (window as any).dh === 'object')
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await new Promise((r) => server?.close(r))
})

/** Plays one sentence (a click gives the page the user activation autoplay needs) and waits for its end. */
async function speakAndWait(lang: keyof typeof SPEECH, mode: 'text' | 'loudness'): Promise<Sample[]> {
  await page.evaluate(() => {
    document.getElementById('stage')!.innerHTML = ''
    ;(window as any).stageIndex = (window as any).dh.mount('stage', 'guide', 'blue', 'idle')
  })
  await page.click('#stage')
  await page.evaluate(([url, text, m]) => (window as any).dh.speak((window as any).stageIndex, url, text, m), [`/${lang}.wav`, SPEECH[lang].text, mode])
  await page.waitForFunction(() => (window as any).dh.status().ended, undefined, { timeout: 20_000 })
  // After the audio ends the lips come to rest (a bounded poll, not a sleep).
  await page.waitForFunction(() => document.querySelector('#stage svg')!.getAttribute('data-mouth-open') === '0.000', undefined, { timeout: 5_000 })
  return page.evaluate(() => (window as any).dh.samples() as Sample[])
}

function expectLipsMoveWithTheVoice(samples: Sample[]) {
  const during = samples.filter((s) => s.playing && s.time > 0)
  expect(during.length).toBeGreaterThan(20)
  const opens = during.map((s) => s.open)
  // Open on vowels, nearly closed between syllables and at the comma: the value keeps changing.
  expect(Math.max(...opens)).toBeGreaterThan(0.5)
  expect(opens.filter((o) => o < 0.15).length).toBeGreaterThan(0)
  expect(new Set(opens.map((o) => o.toFixed(2))).size).toBeGreaterThan(8)
  // Once the audio stopped, the mouth rests.
  const after = samples.filter((s) => !s.playing)
  expect(after.at(-1)!.open).toBe(0)
}

describe('built-in 2D avatar in Chromium', () => {
  test('English speech with a text viseme track: the mouth moves while the audio plays and rests when it ends', async () => {
    const samples = await speakAndWait('en', 'text')
    expectLipsMoveWithTheVoice(samples)
    expect(errors).toEqual([])
  })

  test('Chinese speech with a pinyin viseme track: the mouth moves while the audio plays and rests when it ends', async () => {
    expectLipsMoveWithTheVoice(await speakAndWait('zh', 'text'))
    expect(errors).toEqual([])
  })

  test('loudness fallback (no text timing): the mouth follows the voice and rests when it ends', async () => {
    expectLipsMoveWithTheVoice(await speakAndWait('en', 'loudness'))
    expect(errors).toEqual([])
  })

  test('barge-in: stopping mid-sentence closes the mouth at once', async () => {
    await page.evaluate(() => {
      document.getElementById('stage')!.innerHTML = ''
      ;(window as any).stageIndex = (window as any).dh.mount('stage', 'robot', 'green', 'idle')
    })
    await page.click('#stage')
    await page.evaluate(([text]) => (window as any).dh.speak((window as any).stageIndex, '/en.wav', text, 'text'), [SPEECH.en.text])
    await page.waitForFunction(() => Number(document.querySelector('#stage svg')!.getAttribute('data-mouth-open')) > 0.3, undefined, { timeout: 10_000 })
    await page.locator('#stage').screenshot({ path: `${SHOTS}/digitalhuman-speaking.png` })
    await page.evaluate(() => (window as any).dh.stop())
    expect(await page.evaluate(() => document.querySelector('#stage svg')!.getAttribute('data-mouth-open'))).toBe('0.000')
    const status = await page.evaluate(() => (window as any).dh.status())
    expect(status.playing).toBe(false)
    expect(status.ended).toBe(false)
  })

  test('the React wrapper mounts the avatar once and follows its look and state props', async () => {
    const svg = page.locator('#gallery [data-testid="digital-human-avatar"] svg')
    await page.evaluate(() => (window as any).dh.react({ look: 'robot', palette: 'amber', state: 'listening' }))
    await expect.poll(() => svg.getAttribute('data-state')).toBe('listening')
    expect(await svg.getAttribute('data-look')).toBe('robot')
    await page.evaluate(() => (window as any).dh.react({ look: 'panda', palette: { outfit: '#123456' }, state: 'thinking' }))
    await expect.poll(() => svg.getAttribute('data-look')).toBe('panda')
    await expect.poll(() => svg.getAttribute('data-state')).toBe('thinking')
    expect(await svg.count()).toBe(1)
    expect(await page.locator('#gallery svg path[fill="#123456"]').count()).toBe(1)
    await page.evaluate(() => (window as any).dh.react({ look: 'panda', state: 'idle' }))
    expect(errors).toEqual([])
  })

  test('every look in every state renders, with a screenshot of each look', async () => {
    const states = ['idle', 'listening', 'thinking', 'speaking'] as const
    await page.evaluate(
      ([looks, palettes, sts]) => {
        const gallery = document.body.appendChild(document.createElement('div'))
        looks.forEach((look, i) => {
          const row = document.createElement('div')
          row.id = `look-${look}`
          row.style.cssText = 'display:flex;gap:8px;padding:8px;background:#fff'
          gallery.append(row)
          sts.forEach((st) => {
            const cell = document.createElement('div')
            cell.className = 'av'
            cell.id = `${look}-${st}`
            row.append(cell)
            ;(window as any).dh.mount(cell.id, look, palettes[i % palettes.length], st)
          })
        })
      },
      [[...LOOKS], [...PALETTES], [...states]] as const
    )
    for (const look of LOOKS) {
      for (const st of states) {
        const svg = page.locator(`#${look}-${st} svg`)
        await expect.poll(() => svg.getAttribute('data-state')).toBe(st)
        expect(await svg.getAttribute('data-look')).toBe(look)
        // The mouth is drawn and the picture has its size.
        expect(await page.locator(`#${look}-${st} [data-part="mouth"]`).getAttribute('d')).toMatch(/^M[\d.]+ [\d.]+ C/)
        const box = await svg.boundingBox()
        expect(box!.width).toBeGreaterThan(150)
      }
      await page.locator(`#look-${look}`).screenshot({ path: `${SHOTS}/digitalhuman-${look}.png` })
    }
    expect(errors).toEqual([])
  })
})
