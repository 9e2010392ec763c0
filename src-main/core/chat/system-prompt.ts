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
export function renderSystemPrompt(agent: Agent, ctx: PromptContext): string {
  const now = ctx.now ?? new Date()
  const tz = ctx.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone
  const part = (opts: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-CA', { timeZone: tz, ...opts }).format(now)
  const vars: Record<string, string> = {
    date: part({ year: 'numeric', month: '2-digit', day: '2-digit' }),
    time: part({ hour: '2-digit', minute: '2-digit', hour12: false }),
    weekday: part({ weekday: 'long' }),
    datetime: `${part({ year: 'numeric', month: '2-digit', day: '2-digit' })} ${part({ hour: '2-digit', minute: '2-digit', hour12: false })} (${tz})`,
    user_id: ctx.userId,
    user_name: ctx.userName ?? ctx.userId,
    client: ctx.clientInfo ?? '',
    agent_name: agent.name
  }
  return agent.systemPrompt.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => vars[name] ?? whole)
}
