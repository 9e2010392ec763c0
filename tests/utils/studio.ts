import { existsSync, mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Browser, BrowserContextOptions, Page } from 'playwright-core'
import { bootServer, type BootedServer } from './boot'
import { launchBrowser, openPage } from './browser'
import { desktopBridge } from './fake-bridge'
import { startFakeLlm, type FakeLlm, type FakeLlmOptions } from './fake-llm'

const RENDERER = resolve(import.meta.dirname, '../../out/renderer/index.html')
/**
 * How the studio's pages reach the core: 'http' (a browser: REST and Socket.IO, with the token) or,
 * with AGENTA_E2E_TRANSPORT=ipc (the e2e-ipc project), 'ipc' as in the desktop app: the runtime is
 * the desktop's (host 'electron') and every page the studio's browser opens gets the desktop's
 * `window.agenta` over an in-process bridge (fake-bridge.ts), so calls, streams and events go
 * through the renderer's IPC transport and the real electron/ipc.ts. The server still serves the
 * page (as the desktop's LAN server does) and `srv.api` still sets up data.
 */
export const E2E_TRANSPORT: 'http' | 'ipc' = process.env.AGENTA_E2E_TRANSPORT === 'ipc' ? 'ipc' : 'http'

/** Where the browser tests save their screenshots. */
export const SHOTS = resolve(import.meta.dirname, E2E_TRANSPORT === 'ipc' ? '../../test-results/screenshots-ipc' : '../../test-results/screenshots')

export interface StudioOptions {
  /** The fake OpenAI-compatible server's options; `false`: none. */
  llm?: FakeLlmOptions | false
  /** Extra Chromium flags (e.g. AUTOPLAY). */
  browserArgs?: string[]
  /** The page's browser context (locale, viewport…); `false`: no page (the test opens its own). */
  context?: BrowserContextOptions | false
  /** The studio's settings before the page opens (`PUT /api/settings`). */
  settings?: Record<string, unknown>
  /**
   * The studio's language, in the light theme the screenshots are taken in, and the page's locale
   * to match (`settings` and `context` add to or override these).
   */
  language?: 'en' | 'zh-CN'
  /**
   * A provider on the fake server, its models refreshed when `refreshModels`; `true`: "Fake LLM"
   * with its models, what most tests chat with. Needs `llm`.
   */
  provider?: true | { name: string; refreshModels?: boolean }
  /** Playwright's default timeout for each step of the page. */
  stepTimeoutMs?: number
  /** The server's own options (runtime and HTTP server), e.g. accounts on or knowledge timings. */
  boot?: Parameters<typeof bootServer>[0]
}

const LOCALE = { en: 'en-US', 'zh-CN': 'zh-CN' } as const
const FAKE_PROVIDER = { name: 'Fake LLM', refreshModels: true }

export interface Studio {
  /** E2E_TRANSPORT: how this studio's pages talk to the core. */
  transport: 'http' | 'ipc'
  srv: BootedServer
  /** Undefined with `llm: false`. */
  llm: FakeLlm
  browser: Browser
  /** Undefined with `context: false`. */
  page: Page
  /** The page's uncaught errors and console errors. */
  errors: string[]
  /** The provider made from `provider`. */
  providerId: string
  /** The studio's address at a hash route (`/employees`), signed in with the server's token (over IPC none is needed). */
  url(route?: string): string
  /** Opens `url(route)` in the page. */
  open(route?: string): Promise<void>
  close(): Promise<void>
}

/** The browser tests load the built renderer: without it they would fail on a blank page. */
export function requireRenderer(): void {
  if (!existsSync(RENDERER)) throw new Error(`${RENDERER} is missing: run \`npx electron-vite build\` before the e2e tests`)
  mkdirSync(SHOTS, { recursive: true })
}

/**
 * What every browser test of the studio starts with: the built renderer checked, a server on a
 * free port, the fake model server and Chromium (in parallel), then the settings, the provider
 * and a fresh page. Call in `beforeAll`; `close()` in `afterAll`.
 */
export async function startStudio(opts: StudioOptions = {}): Promise<Studio> {
  requireRenderer()
  const ipc = E2E_TRANSPORT === 'ipc'
  const [srv, llm, browser] = await Promise.all([
    bootServer(ipc ? { ...opts.boot, host: 'electron' } : opts.boot),
    opts.llm === false ? undefined : startFakeLlm(opts.llm ?? {}),
    launchBrowser(opts.browserArgs)
  ])
  const bridge = ipc ? desktopBridge(srv.runtime, { origin: srv.url }) : undefined
  if (bridge) {
    // Every context, the fixture's page and those a test opens itself (openPage, newPage), is a desktop window.
    const newContext = browser.newContext.bind(browser)
    browser.newContext = async (options) => {
      const context = await newContext(options)
      await bridge.attach(context)
      return context
    }
  }
  const studio: Studio = {
    transport: E2E_TRANSPORT,
    srv,
    llm: llm!,
    browser,
    page: undefined as unknown as Page,
    errors: [],
    providerId: '',
    url: (route = '') => `${srv.url}/${ipc ? '' : `?token=${srv.token}`}${route ? `#${route}` : ''}`,
    async open(route) {
      await studio.page.goto(studio.url(route))
    },
    async close() {
      await browser.close()
      bridge?.close()
      await Promise.all([srv.close(), llm?.close()])
    }
  }
  const settings = opts.language ? { language: opts.language, theme: 'light', ...opts.settings } : opts.settings
  const context = opts.language && opts.context !== false ? { locale: LOCALE[opts.language], ...opts.context } : opts.context
  const wanted = opts.provider === true ? FAKE_PROVIDER : opts.provider
  try {
    if (settings) await srv.api('PUT', '/api/settings', settings)
    if (wanted) {
      if (!llm) throw new Error('startStudio: a provider needs the fake model server')
      const provider = await srv.api('POST', '/api/providers', {
        name: wanted.name,
        baseUrl: llm.baseUrl,
        apiKey: opts.llm ? opts.llm.apiKey : undefined
      })
      studio.providerId = provider.body.id
      if (wanted.refreshModels) await srv.api('POST', `/api/providers/${studio.providerId}/refresh-models`)
    }
    if (context !== false) {
      ;({ page: studio.page, errors: studio.errors } = await openPage(browser, context))
      // Over IPC the page must not fall back to the HTTP API: that would be the browser's path again.
      if (ipc) studio.page.on('request', (r) => /^\/(api|socket\.io)\//.test(new URL(r.url()).pathname) && studio.errors.push(`over HTTP: ${r.url()}`))
      if (opts.stepTimeoutMs) studio.page.setDefaultTimeout(opts.stepTimeoutMs)
    }
  } catch (err) {
    await studio.close()
    throw err
  }
  return studio
}
