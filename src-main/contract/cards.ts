import { z } from 'zod'

/**
 * Interaction cards: JSON that travels in the chat protocol's `card` field and that clients
 * render (the original's templates: scenic-spot list, spot detail, booking, route, weather,
 * welcome; plus chart, table and links). Each type has its schema; the show_card tool validates
 * against it so a client never receives a card it cannot draw.
 */
const text = (max = 2000) => z.string().max(max)
const url = z.string().max(2000)

export const cardSchemas = {
  weather: z.object({
    city: text(64),
    date: text(32).optional(),
    condition: text(64),
    temperature: z.number(),
    high: z.number().optional(),
    low: z.number().optional(),
    humidity: z.number().min(0).max(100).optional(),
    wind: text(64).optional(),
    forecast: z
      .array(z.object({ date: text(32), condition: text(64), high: z.number(), low: z.number() }))
      .max(14)
      .optional()
  }),
  list: z.object({
    title: text(200),
    items: z
      .array(
        z.object({ title: text(200), subtitle: text(500).optional(), image: url.optional(), tags: z.array(text(32)).max(8).optional(), link: url.optional() })
      )
      .min(1)
      .max(50)
  }),
  detail: z.object({
    title: text(200),
    images: z.array(url).max(20).optional(),
    description: text(5000),
    fields: z
      .array(z.object({ label: text(64), value: text(500) }))
      .max(30)
      .optional(),
    actions: z
      .array(z.object({ label: text(64), message: text(500) }))
      .max(6)
      .optional()
  }),
  booking: z.object({
    title: text(200),
    options: z
      .array(z.object({ name: text(200), price: z.number().nonnegative(), currency: text(8).default('CNY'), stock: z.number().int().optional() }))
      .min(1)
      .max(30),
    dates: z.array(text(32)).max(60).optional(),
    note: text(1000).optional()
  }),
  route: z.object({
    title: text(200),
    stops: z
      .array(
        z.object({ name: text(200), description: text(1000).optional(), duration: text(64).optional(), lat: z.number().optional(), lng: z.number().optional() })
      )
      .min(1)
      .max(50),
    totalDuration: text(64).optional(),
    distance: text(64).optional()
  }),
  welcome: z.object({
    greeting: text(1000),
    image: url.optional(),
    questions: z.array(text(200)).max(10)
  }),
  chart: z.object({
    title: text(200).optional(),
    /** An Apache ECharts option object (the bundled chart MCP server produces these). */
    option: z.record(z.string(), z.unknown())
  }),
  table: z.object({
    title: text(200).optional(),
    columns: z.array(text(100)).min(1).max(30),
    rows: z.array(z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))).max(500)
  }),
  link: z.object({
    title: text(200).optional(),
    links: z
      .array(z.object({ title: text(200), url, description: text(500).optional() }))
      .min(1)
      .max(20)
  })
} as const

export type CardType = keyof typeof cardSchemas
export const cardTypes = Object.keys(cardSchemas) as CardType[]
export const CardType = z.enum(cardTypes as [CardType, ...CardType[]])

export const Card = z.object({ type: CardType, data: z.unknown() }).transform((card, ctx) => {
  const parsed = cardSchemas[card.type].safeParse(card.data)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: ['data', ...issue.path] } as never)
    return z.NEVER
  }
  return { type: card.type, data: parsed.data as Record<string, unknown> }
})
export type Card = z.output<typeof Card>
