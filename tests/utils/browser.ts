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
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs], headless: true })
  launched.add(browser)
  browser.on('disconnected', () => launched.delete(browser))
  return browser
}

/** Every browser a test file launched and has not closed: what a failed test's report shows (e2e-failure-report.ts). */
export const launched = new Set<Browser>()

/** What a page shows, as text (for a failure's report). */
export const visibleText = (page: Page): Promise<string> =>
  page.evaluate(() => document.body?.innerText ?? '').catch((err: unknown) => `(no text: ${String(err)})`)

/** Pages of openPage's contexts closed during the current test (a test's `finally` closes them before its failure is reported). */
export const closedPages: Array<{ url: string; text: string }> = []

export interface OpenedPage {
  page: Page
  /** Uncaught page errors and console errors, for assertions that the app ran clean. */
  errors: string[]
}

/** A fresh context (own cookies) and page, collecting the page's errors. */
export async function openPage(browser: Browser, opts: BrowserContextOptions = {}): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, deviceScaleFactor: 1, ...opts })
  const page = await context.newPage()
  const close = context.close.bind(context)
  context.close = async (options) => {
    if (!page.isClosed()) closedPages.push({ url: page.url(), text: await visibleText(page) })
    return close(options)
  }
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`))
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`)
  })
  return { page, errors }
}
