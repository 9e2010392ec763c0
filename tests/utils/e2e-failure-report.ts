// A browser test that fails on the loaded CI machine is often gone when run again: what its pages
// showed at that moment is printed with the failure (each page's address and visible text, also of
// pages the test closed on its way out) and open pages are saved as screenshots under
// test-results/failures/, so the log alone says what went wrong.
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterEach, beforeEach } from 'vitest'
import { closedPages, launched, visibleText } from './browser'

const DIR = resolve(import.meta.dirname, '../../test-results/failures')
const TEXT_CHARS = 1500

const report = (test: string, what: string, url: string, text: string) =>
  console.error(`[failed: ${test}] ${what}: ${url}\n${text.replace(/\s*\n\s*/g, ' | ').slice(0, TEXT_CHARS)}`)

beforeEach(() => {
  closedPages.length = 0
})

afterEach(async (ctx) => {
  if (ctx.task.result?.state !== 'fail') return
  const name = ctx.task.name.replace(/[^\w.-]+/g, '-').slice(0, 80)
  for (const closed of closedPages) report(ctx.task.name, 'page closed by the test', closed.url, closed.text)
  const open = [...launched].flatMap((b) => b.contexts().flatMap((c) => c.pages()))
  if (open.length) mkdirSync(DIR, { recursive: true })
  for (const [i, page] of open.entries()) {
    const shot = `${DIR}/${name}-${i}.png`
    await page.screenshot({ path: shot, timeout: 5_000 }).catch(() => undefined)
    report(ctx.task.name, `open page ${i} (${shot})`, page.url(), await visibleText(page))
  }
})
