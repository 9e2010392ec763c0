import { z } from 'zod'

/**
 * Usage: turns and tokens per agent and per model over time, from the model steps of the turn
 * traces (`run_steps`), with a cost where the user entered the model's prices.
 */

const DAY = 86_400_000
/** The longest range one query covers. */
export const MAX_USAGE_DAYS = 366

const validZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

export const UsageQuery = z
  .object({
    /** Epoch ms, inclusive. */
    from: z.coerce.number().int().min(0),
    /** Epoch ms, exclusive. */
    to: z.coerce.number().int().min(0),
    /** The days are this time zone's (the user's), e.g. Asia/Shanghai. */
    timezone: z.string().max(64).default('UTC').refine(validZone, 'must be an IANA time zone such as Asia/Shanghai'),
    agentId: z.string().min(1).max(64).optional()
  })
  .refine((q) => q.to > q.from, { message: 'must be after from', path: ['to'] })
  .refine((q) => q.to - q.from <= MAX_USAGE_DAYS * DAY, { message: `a range covers at most ${MAX_USAGE_DAYS} days`, path: ['to'] })
export type UsageQuery = z.infer<typeof UsageQuery>

const Figures = {
  turns: z.number().int(),
  tokensIn: z.number().int(),
  tokensOut: z.number().int(),
  /** In the prices' currency; null when no model used here has a price. */
  cost: z.number().nullable()
}

export const UsageReport = z.object({
  from: z.number(),
  to: z.number(),
  timezone: z.string(),
  currency: z.string(),
  /** Every day of the range (YYYY-MM-DD in the time zone), in order. */
  days: z.array(z.string()),
  totals: z.object({ ...Figures, /** Some tokens were used by models without a price: the cost is a lower bound. */ costPartial: z.boolean() }),
  byAgent: z.array(z.object({ agentId: z.string().nullable(), agentName: z.string().nullable(), ...Figures })),
  byModel: z.array(z.object({ model: z.string(), priced: z.boolean(), ...Figures })),
  /** One row per day, agent and model that has any use. */
  series: z.array(z.object({ day: z.string(), agentId: z.string().nullable(), model: z.string(), ...Figures }))
})
export type UsageReport = z.infer<typeof UsageReport>

/** Price of a model per million tokens, as the provider bills it. */
export const ModelPrice = z.object({ input: z.number().min(0).max(1_000_000), output: z.number().min(0).max(1_000_000) })
export const UsagePrices = z.object({
  currency: z.string().trim().min(1).max(8).default('USD'),
  /** By model id as the agents name it (what the traces record). */
  models: z.record(z.string().min(1).max(200), ModelPrice).default({})
})
export type UsagePrices = z.infer<typeof UsagePrices>
