import type { Agent } from '../../contract/entities'

export interface PromptContext {
  userId: string
  userName?: string
  /** What the client said about itself (e.g. the page module name, a kiosk id). */
  clientInfo?: string
  now?: Date
  timeZone?: string
}

/**
 * The agent's system prompt with its variables filled in. Unknown {{names}} stay as written so a
 * prompt that really contains braces is not mangled.
 */
// Building an Intl.DateTimeFormat costs a fraction of a millisecond, which adds up at hundreds of
// turns a second; the zone and the option sets are few, so the formatters are kept.
const formatters = new Map<string, Intl.DateTimeFormat>()
let serverZone: string | undefined
function formatter(tz: string, kind: 'date' | 'time' | 'weekday'): Intl.DateTimeFormat {
  const key = `${tz}|${kind}`
  let f = formatters.get(key)
  if (!f) {
    const opts: Intl.DateTimeFormatOptions =
      kind === 'date'
        ? { year: 'numeric', month: '2-digit', day: '2-digit' }
        : kind === 'time'
          ? { hour: '2-digit', minute: '2-digit', hour12: false }
          : { weekday: 'long' }
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, ...opts })
    if (formatters.size > 256) formatters.clear()
    formatters.set(key, f)
  }
  return f
}

export function renderSystemPrompt(agent: Agent, ctx: PromptContext): string {
  if (!agent.systemPrompt.includes('{{')) return agent.systemPrompt
  const now = ctx.now ?? new Date()
  const tz = ctx.timeZone ?? (serverZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone)
  const part = (kind: 'date' | 'time' | 'weekday') => formatter(tz, kind).format(now)
  const vars: Record<string, () => string> = {
    date: () => part('date'),
    time: () => part('time'),
    weekday: () => part('weekday'),
    datetime: () => `${part('date')} ${part('time')} (${tz})`,
    user_id: () => ctx.userId,
    user_name: () => ctx.userName ?? ctx.userId,
    client: () => ctx.clientInfo ?? '',
    agent_name: () => agent.name
  }
  return agent.systemPrompt.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (Object.hasOwn(vars, name) ? vars[name]() : whole))
}
