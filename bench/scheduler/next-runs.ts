// How long "the next runs" of a schedule take to compute: a rare date (29 February, found years
// ahead) against an everyday rule, both in the same run. The studio previews the next runs as the
// user types a cron expression, so a rare rule must not cost much more than a daily one.
//
//   npx tsx bench/scheduler/next-runs.ts [--repeat 200]
import { parseArgs } from 'node:util'
import { nextRuns } from '../../src-main/core/scheduler/next-run'
import type { ScheduleSpec } from '../../src-main/contract/schedules'

const { values } = parseArgs({ options: { repeat: { type: 'string', default: '200' } } })
const repeat = Number(values.repeat)
const after = Date.parse('2026-03-01T00:00:00Z')

function time(spec: ScheduleSpec, tz: string): number[] {
  const ms: number[] = []
  for (let i = 0; i < repeat; i++) {
    const t = performance.now()
    nextRuns(spec, tz, { after, count: 5 })
    ms.push(performance.now() - t)
  }
  return ms.sort((a, b) => a - b)
}

const p = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor((xs.length * q) / 100))]!
const cases: Array<[string, ScheduleSpec, string]> = [
  ['every day at 09:00 (baseline)', { type: 'cron', expression: '0 9 * * *' }, 'Asia/Shanghai'],
  ['weekdays every 15 min, 9–10 h', { type: 'cron', expression: '*/15 9-10 * * 1-5' }, 'Asia/Shanghai'],
  ['first Monday of the month', { type: 'cron', expression: '0 9 1-7 * MON' }, 'Europe/Berlin'],
  ['29 February (years apart)', { type: 'cron', expression: '0 0 29 2 *' }, 'UTC']
]
time(cases[0]![1], cases[0]![2]) // warm-up: the JIT, Intl's zone data
const base = p(time(cases[0]![1], cases[0]![2]), 50)
process.stdout.write(`next 5 runs, ${repeat} times each\n`)
for (const [name, spec, tz] of cases) {
  const ms = time(spec, tz)
  process.stdout.write(
    `${name.padEnd(32)} p50 ${p(ms, 50).toFixed(3).padStart(8)} ms   p90 ${p(ms, 90).toFixed(3).padStart(8)} ms   p50/baseline ${(p(ms, 50) / base).toFixed(1)}\n`
  )
}
