/**
 * Wall-clock arithmetic in an IANA time zone with nothing but Intl: tasks say "08:00 in
 * Asia/Shanghai", timers need epoch milliseconds.
 */

export interface LocalParts {
  year: number
  /** 1–12 */
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric'
    })
    formatters.set(tz, f)
  }
  return f
}

export function localParts(ms: number, tz: string): LocalParts {
  const out: Record<string, string> = {}
  for (const p of formatter(tz).formatToParts(new Date(ms))) out[p.type] = p.value
  return {
    year: Number(out.year),
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour) % 24,
    minute: Number(out.minute),
    second: Number(out.second)
  }
}

/** Minutes east of UTC at that instant. */
function offsetMinutes(ms: number, tz: string): number {
  const p = localParts(ms, tz)
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000)
}

/**
 * The instant a wall-clock time happens in `tz`. A time that occurs twice (clocks go back) gives
 * the first; one that does not exist (clocks go forward) is read with the offset from before the
 * jump, so 02:30 on a spring-forward night becomes 03:30: a daily task still runs that day.
 */
export function zonedToUtc(year: number, month: number, day: number, hour: number, minute: number, tz: string): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute)
  const before = guess - offsetMinutes(guess - 86_400_000, tz) * 60_000
  const after = guess - offsetMinutes(guess + 86_400_000, tz) * 60_000
  const reads = (ms: number) => {
    const p = localParts(ms, tz)
    return p.year === year && p.month === month && p.day === day && p.hour === hour && p.minute === minute
  }
  const valid = [before, after].filter(reads)
  if (valid.length) return Math.min(...valid)
  return before
}

export const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate()

/** The machine's zone, the default for new tasks. */
export const systemTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'

/** "2026-01-30 18:00" in the zone, for run titles and messages a person reads. */
export const localTime = (ms: number, tz: string) => new Date(ms).toLocaleString('sv-SE', { timeZone: tz }).slice(0, 16)
