import { defineConfig } from 'vitest/config'
import { resolve } from 'node:path'

// One config for every suite. Unit and integration tests run the TypeScript sources directly;
// tests under tests/e2e and tests/cli use the built app in out/ (npm test builds first).
export default defineConfig({
  resolve: { alias: { '@contract': resolve(import.meta.dirname, 'src-main/contract') } },
  test: {
    include: ['tests/**/*.test.ts', 'mcp/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // 2 cores: more workers only fight over them.
    maxWorkers: 2,
    testTimeout: 30_000,
    // A poll waits for what the user would wait for (an indexed document, a saved row); on the
    // loaded 2-core CI machine that takes seconds, not the default one.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 60_000,
    globalSetup: ['./tests/utils/global-setup.ts'],
    reporters: ['default', './tests/utils/summary-reporter.ts']
  }
})
