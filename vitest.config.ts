import { defineConfig } from 'vitest/config'
import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'

// Suites in layers. `unit` and `integration` run the TypeScript sources directly (no build:
// `npm run test:unit` is the quick check); `cli` and `e2e` use the built app in out/ (`npm test`
// builds first, then runs every project). Options set here are inherited by each project.
const project = (name: string, include: string[]) => ({ extends: true as const, test: { name, include } })

export default defineConfig({
  resolve: { alias: { '@contract': resolve(import.meta.dirname, 'src-main/contract') } },
  test: {
    projects: [
      project('unit', ['tests/unit/**/*.test.ts', 'mcp/**/*.test.ts']),
      project('integration', ['tests/integration/**/*.test.ts', 'tests/fuzz/**/*.test.ts']),
      project('cli', ['tests/cli/**/*.test.ts']),
      project('e2e', ['tests/e2e/**/*.test.ts'])
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
