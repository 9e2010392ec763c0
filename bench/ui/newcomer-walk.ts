// The newcomer's first hour, timed (issue 15, "done when": from an empty data folder to an agent
// that answers from its own documents with clickable citations in under five minutes). Chromium
// drives the studio as a newcomer would, on a server with an empty data folder, the fake LLM
// playing a local Ollama: add the local model server from the first-run guide, make the agent from
// the customer-service template, upload a document to its knowledge base, ask a question, click
// the citation and see its source. Prints each step's wall time and the total.
//
// These are the machine's times (clicks as fast as the page allows, no reading or typing time), so
// they bound what the studio itself costs a newcomer, not how long a person takes.
//
//   npx electron-vite build          # the renderer under test is out/renderer
//   npx tsx bench/ui/newcomer-walk.ts [--lang en|zh-CN]
import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { Locator, Page } from 'playwright-core'
import { createRuntime } from '../../src-main/core/runtime'
import { startServer } from '../../src-main/server'
import { tempDir } from '../../tests/utils/boot'
import { launchBrowser, openPage } from '../../tests/utils/browser'
import { startFakeLlm } from '../../tests/utils/fake-llm'

const { values } = parseArgs({ options: { lang: { type: 'string', default: 'en' } } })
const LANG = values.lang === 'zh-CN' ? 'zh-CN' : 'en'
if (!existsSync(resolve(import.meta.dirname, '../../out/renderer/index.html'))) {
  console.error('out/renderer is missing: run `npx electron-vite build` first')
  process.exit(2)
}

const DOCUMENT = '# Opening hours\n\nThe museum opens at 9:00 and closes at 17:00 every day except Monday.\n\n# Tickets\n\nAdults pay 12 euros.\n'

/** Clicks until `done` holds (a click while a dialog opens can be lost on a loaded machine). */
async function clickUntil(target: Locator, done: () => Promise<boolean>, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`gave up clicking ${target}`)
    await target.click({ timeout: 2_000 }).catch(() => undefined)
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** A server on an empty data folder whose "local Ollama" is the fake LLM (the first-run guide probes it). */
async function serve(ollamaUrl: string) {
  const dataDir = tempDir('agenta-bench-walk-')
  const runtime = await createRuntime({
    host: 'server',
    dataDir,
    mcp: { autoConnect: false },
    localModelServers: [{ kind: 'ollama', name: 'Ollama', baseUrl: ollamaUrl }]
  })
  const token = 'bench-token'
  const server = await startServer(runtime, { host: '127.0.0.1', port: 0, token, rendererDir: resolve(import.meta.dirname, '../../out/renderer') })
  runtime.setServerStatusSource(server.status)
  return {
    url: server.url,
    token,
    api: (method: string, path: string, body?: unknown) =>
      fetch(server.url + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    async close() {
      await server.close()
      await runtime.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

async function main() {
  const llm = await startFakeLlm()
  const srv = await serve(llm.baseUrl)
  const browser = await launchBrowser()
  const steps: Array<{ step: string; ms: number }> = []
  const timed = async (step: string, run: () => Promise<void>) => {
    const started = performance.now()
    await run()
    steps.push({ step, ms: Math.round(performance.now() - started) })
  }
  let page: Page | undefined
  try {
    await srv.api('PUT', '/api/settings', { language: LANG })
    const opened = await openPage(browser, { locale: LANG === 'en' ? 'en-US' : 'zh-CN' })
    page = opened.page
    page.setDefaultTimeout(30_000)
    const p = page
    const guide = p.getByTestId('first-run')
    let agentId = ''

    await timed('open the studio (empty data folder)', async () => {
      await p.goto(`${srv.url}/?token=${srv.token}#/agents`)
      await guide.waitFor()
    })
    await timed('add the local model server (Ollama, detected)', async () => {
      await guide.getByTestId('local-server-add-ollama').click()
      await guide.getByTestId('first-run-done-1').waitFor()
    })
    await timed('make the agent from the customer-service template', async () => {
      await guide.getByTestId('first-run-templates').click()
      const workspace = p.getByTestId('agent-workspace')
      await clickUntil(p.getByTestId('template-customer-service'), () => workspace.isVisible())
      agentId = /#\/agents\/([^/?]+)/.exec(p.url())?.[1] ?? ''
    })
    await timed('upload a document to its knowledge base (until "ready")', async () => {
      await p.getByTestId('nav-knowledge').click()
      await p.getByTestId('screen-knowledge').waitFor()
      await clickUntil(p.getByTestId('kb-card').first(), () => p.getByTestId('kb-detail').isVisible())
      const file = join(tempDir('agenta-walk-'), 'opening-hours.md')
      writeFileSync(file, DOCUMENT)
      await p.locator('.kb-upload-actions input[type=file]').first().setInputFiles(file)
      const row = p.getByTestId('doc-table').locator('tr').filter({ hasText: 'opening-hours.md' })
      await row.getByTestId('doc-status').waitFor()
      const ready = LANG === 'en' ? 'Ready' : '已就绪'
      for (const end = Date.now() + 60_000; (await row.getByTestId('doc-status').textContent()) !== ready;) {
        if (Date.now() > end) throw new Error('the document did not become ready within 60 s')
        await new Promise((r) => setTimeout(r, 100))
      }
    })
    await timed('ask a question and get the answer', async () => {
      await p.getByTestId('nav-chat').click()
      await p.getByTestId('chat-input').waitFor()
      if (agentId && !p.url().includes(agentId)) await p.goto(`${srv.url}/?token=${srv.token}#/chat/${agentId}`)
      llm.script({ text: 'The museum opens at 9:00 [1].' })
      await p.getByTestId('chat-input').fill('When does the museum open?')
      await p.getByTestId('chat-send').click()
      const answer = p.getByTestId('msg-assistant').last()
      for (const end = Date.now() + 60_000; (await answer.getAttribute('data-status').catch(() => null)) !== 'ok';) {
        if (Date.now() > end) throw new Error('no answer within 60 s')
        await new Promise((r) => setTimeout(r, 100))
      }
    })
    await timed('click the citation: its source opens', async () => {
      const answer = p.getByTestId('msg-assistant').last()
      await answer.getByTestId('cite').first().click()
      const pop = answer.getByTestId('cite-pop')
      await pop.waitFor()
      const text = (await pop.textContent()) ?? ''
      if (!/opening-hours\.md/.test(text)) throw new Error(`the citation opened something else: ${text.slice(0, 200)}`)
    })
    if (opened.errors.length) console.warn('page errors:', opened.errors)
  } finally {
    const total = steps.reduce((s, x) => s + x.ms, 0)
    const width = Math.max(...steps.map((s) => s.step.length), 5)
    console.log(`\nNewcomer walk (${LANG}), the machine's wall time per step (no human reading or typing time):`)
    for (const s of steps) console.log(`  ${s.step.padEnd(width)}  ${(s.ms / 1000).toFixed(2).padStart(7)} s`)
    console.log(`  ${'total'.padEnd(width)}  ${(total / 1000).toFixed(2).padStart(7)} s   (issue 15's goal: under 300 s for a person)`)
    await page?.context().close()
    await browser.close()
    await srv.close()
    await llm.close()
  }
}

await main()
