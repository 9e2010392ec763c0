import { existsSync } from 'node:fs'
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core'

export const CHROMIUM_PATH = '/usr/bin/chromium'

// Quiet, deterministic Chromium: no sandbox (containers), no GPU, nothing phoning home.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
  // The studio honours "reduce motion" (antd's zooms off): a click never lands on a dialog still
  // zooming in, which on the loaded 2-core CI machine was lost now and then.
  '--force-prefers-reduced-motion'
]

/** What a kiosk allows: sound starts with no gesture (the avatar speaks first). */
export const AUTOPLAY = '--autoplay-policy=no-user-gesture-required'

/** Debian's Chromium driven by playwright-core. Missing Chromium is an error, never a silent skip. */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: the browser tests need it. Install it with: apt-get install -y chromium`)
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs], headless: true })
}

export interface OpenedPage {
  page: Page
  /** Uncaught page errors and console errors, for assertions that the app ran clean. */
  errors: string[]
}

/** A fresh context (own cookies) and page, collecting the page's errors. */
export async function openPage(browser: Browser, opts: BrowserContextOptions = {}): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, deviceScaleFactor: 1, ...opts })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`))
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`)
  })
  return { page, errors }
}
