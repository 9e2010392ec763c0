import { defineConfig } from 'vitest/config'
import { readdirSync, readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join, resolve } from 'node:path'

// Suites in layers. `unit` and `integration` run the TypeScript sources directly (no build:
// `npm run test:unit` is the quick check); `cli`, `e2e` and `e2e-ipc` use the built app in out/ (`npm test`
// builds first, then runs every project). Options set here are inherited by each project.
const project = (name: string, include: string[], env?: Record<string, string>) => ({ extends: true as const, test: { name, include, env } })

// `e2e-ipc`: the browser suite once more through the desktop app's IPC transport over an in-process
// bridge (tests/utils/studio.ts, AGENTA_E2E_TRANSPORT=ipc): every e2e file on the startStudio
// fixture, found by reading the files, so one moved onto it joins by itself. Except those about
// the browser by nature:
const BROWSER_ONLY = new Set([
  // Uploads: a browser sends files as multipart; the desktop hands the core their paths on disk,
  // which Chromium does not reveal to a page (the rest of the file needs the uploaded documents).
  'knowledge-ui.test.ts'
])
const E2E_DIR = resolve(import.meta.dirname, 'tests/e2e')
const onFixture = readdirSync(E2E_DIR)
  .filter((f) => f.endsWith('.test.ts') && !BROWSER_ONLY.has(f) && readFileSync(join(E2E_DIR, f), 'utf8').includes('startStudio('))
  .map((f) => `tests/e2e/${f}`)

export default defineConfig({
  resolve: { alias: { '@contract': resolve(import.meta.dirname, 'src-main/contract') } },
  test: {
    projects: [
      project('unit', ['tests/unit/**/*.test.ts', 'mcp/**/*.test.ts']),
      project('integration', ['tests/integration/**/*.test.ts', 'tests/fuzz/**/*.test.ts']),
      project('cli', ['tests/cli/**/*.test.ts']),
      project('e2e', ['tests/e2e/**/*.test.ts']),
      project('e2e-ipc', onFixture, { AGENTA_E2E_TRANSPORT: 'ipc' })
    ],
    environment: 'node',
    pool: 'forks',
    // One worker per core the machine gives this process: more only fight over them.
    maxWorkers: availableParallelism(),
    testTimeout: 30_000,
    // A poll waits for what the user would wait for (an indexed document, a saved row); on the
    // loaded 2-core CI machine that takes seconds, not the default one.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 60_000,
    globalSetup: ['./tests/utils/global-setup.ts'],
    reporters: ['default', './tests/utils/summary-reporter.ts']
  }
})
