import { describe, expect, it } from 'vitest'
import { formatReport, runFuzz } from './harness'

/**
 * The bounded fuzz run of CI: requests generated from the contract's schemas over every route, the
 * chat protocol, /v1, /mcp, uploads and Socket.IO, against a server in its own process. The long
 * run is bench/fuzz (`npx tsx bench/fuzz/run.ts --cases 10000`).
 *
 * Seeded: the seed is printed; FUZZ_SEED=<n> replays a run, FUZZ_CASE=<i> one case of it,
 * FUZZ_CASES sets the size.
 */
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31)
const cases = Number(process.env.FUZZ_CASES ?? 450)
const only = process.env.FUZZ_CASE === undefined ? undefined : Number(process.env.FUZZ_CASE)

describe('fuzz', () => {
  it('no request crashes the server, answers 5xx, answers an error outside its shape, or is accepted when it must be refused', async () => {
    // A server that crashes on every other case would spend the run restarting: stop after a few.
    const report = await runFuzz({ seed, cases: only === undefined ? cases : Math.max(cases, only + 1), only, maxRestarts: 5 })
    const text = formatReport(report)
    // The whole report (seed, counts, every distinct failure with its reproducer) is the failure message.
    process.stdout.write(text + '\n')
    expect({ ...report.counts, failures: report.classes.map((c) => `[${c.kind}] ${c.route}: ${c.detail}`) }, text).toEqual({
      crash: 0,
      hang: 0,
      '5xx': 0,
      shape: 0,
      accepted: 0,
      state: 0,
      leak: 0,
      failures: []
    })
  }, 170_000)
})
