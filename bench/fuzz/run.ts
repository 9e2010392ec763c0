/**
 * The long fuzz run (the bounded one is tests/fuzz/fuzz.test.ts):
 *
 *   npx tsx bench/fuzz/run.ts --cases 10000 [--seed N] [--case I] [--no-minimize] [--json out.json]
 *
 * FUZZ_SEED / FUZZ_CASES / FUZZ_CASE work as the flags do. Prints cases/s, the counts of crashes,
 * 5xx, bad shapes and wrongly accepted requests, failures by route, and each distinct failure with
 * a shrunk reproducer. Exits 1 when anything failed.
 */
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { formatReport, runFuzz } from '../../tests/fuzz/harness'

const { values } = parseArgs({
  options: {
    cases: { type: 'string' },
    seed: { type: 'string' },
    case: { type: 'string' },
    'no-minimize': { type: 'boolean' },
    json: { type: 'string' }
  }
})
const seed = Number(values.seed ?? process.env.FUZZ_SEED ?? Date.now() % 2 ** 31)
const cases = Number(values.cases ?? process.env.FUZZ_CASES ?? 10_000)
const only = values.case ?? process.env.FUZZ_CASE
process.stdout.write(`fuzz: seed ${seed}, ${cases} cases${only !== undefined ? `, only case ${only}` : ''}\n`)
let last = 0
const report = await runFuzz({
  seed,
  cases: only !== undefined ? Math.max(cases, Number(only) + 1) : cases,
  only: only !== undefined ? Number(only) : undefined,
  minimize: !values['no-minimize'],
  progress(done, total, failures) {
    if (Date.now() - last < 5000 && done !== total) return
    last = Date.now()
    process.stdout.write(`  ${done}/${total} cases, ${failures} failures\n`)
  }
})
process.stdout.write(formatReport(report) + '\n')
if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2))
const failed = Object.values(report.counts).reduce((a, b) => a + b, 0)
process.exit(failed ? 1 : 0)
