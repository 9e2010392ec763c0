import type { Kysely } from 'kysely'
import { UsagePrices, type UsageQuery, type UsageReport } from '../../contract/usage'
import { num } from '../../store/errors'
import { settingsRepo } from '../../store/repos/settings'
import type { DB } from '../../store/schema'

const PRICES_KEY = 'usage.prices'
const DAY = 86_400_000

/** YYYY-MM-DD of an instant in a time zone (en-CA formats dates that way). */
const dayKey = (fmt: Intl.DateTimeFormat, t: number) => fmt.format(t)

type Figures = { turns: number; tokensIn: number; tokensOut: number; cost: number | null }

/**
 * Usage from the turn traces: each model call is a `run_steps` row of kind `model`, named after
 * the model and carrying the tokens the provider reported; its session names the agent. Rows are
 * read for the range and summed here, so the days follow the user's time zone (daylight saving
 * included) on SQLite and MySQL alike. A turn counts on the day of its first model call.
 */
export function usageService(db: Kysely<DB>) {
  const settings = settingsRepo(db)

  async function prices(): Promise<UsagePrices> {
    const parsed = UsagePrices.safeParse((await settings.get<unknown>(PRICES_KEY)) ?? {})
    return parsed.success ? parsed.data : UsagePrices.parse({})
  }

  async function report(q: UsageQuery): Promise<UsageReport> {
    let query = db
      .selectFrom('run_steps as r')
      .leftJoin('chat_sessions as s', 's.id', 'r.session_id')
      .leftJoin('agents as a', 'a.id', 's.agent_id')
      .select(['r.run_id', 'r.name', 'r.tokens_in', 'r.tokens_out', 'r.started_at', 's.agent_id', 'a.name as agent_name'])
      .where('r.kind', '=', 'model')
      .where('r.started_at', '>=', q.from)
      .where('r.started_at', '<', q.to)
    if (q.agentId) query = query.where('s.agent_id', '=', q.agentId)
    const rows = await query.orderBy('r.started_at').execute()
    const price = await prices()
    const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: q.timezone, year: 'numeric', month: '2-digit', day: '2-digit' })

    const days: string[] = []
    for (let t = q.from; t < q.to; t += DAY / 4) {
      const d = dayKey(fmt, t)
      if (days.at(-1) !== d) days.push(d)
    }
    const last = dayKey(fmt, q.to - 1)
    if (days.at(-1) !== last) days.push(last)

    const costOf = (model: string, tin: number, tout: number) => {
      const p = price.models[model]
      return p ? (tin * p.input + tout * p.output) / 1_000_000 : null
    }
    const add = (f: Figures, tin: number, tout: number, cost: number | null, newTurn: boolean) => {
      f.tokensIn += tin
      f.tokensOut += tout
      if (newTurn) f.turns += 1
      if (cost !== null) f.cost = (f.cost ?? 0) + cost
    }
    const empty = (): Figures => ({ turns: 0, tokensIn: 0, tokensOut: 0, cost: null })
    const totals = empty()
    const byAgent = new Map<string, Figures & { agentId: string | null; agentName: string | null }>()
    const byModel = new Map<string, Figures & { model: string; priced: boolean }>()
    const series = new Map<string, Figures & { day: string; agentId: string | null; model: string }>()
    // A turn is counted once per total, per agent, per model and per bucket it appears in.
    const seen = new Set<string>()
    const first = (scope: string, runId: string) => {
      const key = `${scope}\u0000${runId}`
      if (seen.has(key)) return false
      seen.add(key)
      return true
    }
    let unpriced = false
    for (const r of rows) {
      const tin = Number(r.tokens_in) || 0
      const tout = Number(r.tokens_out) || 0
      const model = r.name || '?'
      const cost = costOf(model, tin, tout)
      if (cost === null && tin + tout > 0) unpriced = true
      const day = dayKey(fmt, num(r.started_at))
      const agentId = r.agent_id ?? null
      add(totals, tin, tout, cost, first('t', r.run_id))
      const a = byAgent.get(agentId ?? '') ?? { agentId, agentName: r.agent_name ?? null, ...empty() }
      byAgent.set(agentId ?? '', a)
      add(a, tin, tout, cost, first(`a${agentId}`, r.run_id))
      const m = byModel.get(model) ?? { model, priced: !!price.models[model], ...empty() }
      byModel.set(model, m)
      add(m, tin, tout, cost, first(`m${model}`, r.run_id))
      const key = `${day}\u0000${agentId}\u0000${model}`
      const s = series.get(key) ?? { day, agentId, model, ...empty() }
      series.set(key, s)
      add(s, tin, tout, cost, first(`s${key}`, r.run_id))
    }
    const byTokens = <T extends Figures>(list: T[]) => list.sort((x, y) => y.tokensIn + y.tokensOut - (x.tokensIn + x.tokensOut) || y.turns - x.turns)
    return {
      from: q.from,
      to: q.to,
      timezone: q.timezone,
      currency: price.currency,
      days,
      totals: { ...totals, costPartial: unpriced && totals.cost !== null },
      byAgent: byTokens([...byAgent.values()]),
      byModel: byTokens([...byModel.values()]),
      series: [...series.values()]
    }
  }

  return {
    report,
    prices,
    async setPrices(next: UsagePrices): Promise<UsagePrices> {
      await settings.set(PRICES_KEY, next)
      return prices()
    }
  }
}
