import { defineConfig } from 'vitest/config'
import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'

// Suites in layers. `unit` and `integration` run the TypeScript sources directly (no build:
// `npm run test:unit` is the quick check); `cli`, `e2e` and `e2e-ipc` use the built app in out/ (`npm test`
// builds first, then runs every project). Options set here are inherited by each project.
const project = (name: string, include: string[], env?: Record<string, string>, setupFiles?: string[]) => ({
  extends: true as const,
  test: { name, include, env, setupFiles }
})
// A failed browser test prints what its pages showed (tests/utils/e2e-failure-report.ts).
const BROWSER_SETUP = ['./tests/utils/e2e-failure-report.ts']

// `e2e-ipc`: browser tests once more through the desktop app's IPC transport over an in-process
// bridge (tests/utils/studio.ts, AGENTA_E2E_TRANSPORT=ipc). Every file on the startStudio fixture
// runs there, but together they added ~4 min to the ~12 of the suite on 2 cores: this is a subset
// that still crosses every part of the desktop path — calls, errors as values in both languages
// (newcomer-errors), chat streams (newcomer-defects' preview chat), studio events (studio-shell's
// live lists, employees-ui's runs). Not here by nature: knowledge-ui (a browser uploads multipart;
// the desktop hands the core paths on disk, which Chromium does not reveal to a page) and
// newcomer-serve (Settings → Server under `agenta serve`, not the desktop's).
const E2E_OVER_IPC = ['studio-shell', 'employees-ui', 'newcomer-defects', 'newcomer-errors'].map((f) => `tests/e2e/${f}.test.ts`)

export default defineConfig({
  resolve: { alias: { '@contract': resolve(import.meta.dirname, 'src-main/contract') } },
  test: {
    projects: [
      project('unit', ['tests/unit/**/*.test.ts', 'mcp/**/*.test.ts']),
      project('integration', ['tests/integration/**/*.test.ts', 'tests/fuzz/**/*.test.ts']),
      project('cli', ['tests/cli/**/*.test.ts']),
      project('e2e', ['tests/e2e/**/*.test.ts'], undefined, BROWSER_SETUP),
      project('e2e-ipc', E2E_OVER_IPC, { AGENTA_E2E_TRANSPORT: 'ipc' }, BROWSER_SETUP)
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
