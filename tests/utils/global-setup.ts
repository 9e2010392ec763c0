import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * One temp folder per test run: every `tempDir()` of every test file is made inside it (the test
 * processes inherit the variable), and the whole of it goes when the run ends, whatever the tests
 * left behind (data folders reopened after a restart, uploaded files, LanceDB tables).
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'agenta-tests-'))
  process.env.AGENTA_TEST_TMP = root
  return () => rmSync(root, { recursive: true, force: true })
}
