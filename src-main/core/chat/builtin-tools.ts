import { z } from 'zod'
import { Card, cardSchemas, type CardType } from '../../contract/cards'
import type { ClientHub } from './client-hub'
import type { ToolProvider, ToolSpec } from './tool-registry'

/**
 * Tools every agent has: the clock, cards (when the agent has card templates), asking the user
 * (when someone can answer), narrating step by step (when a digital human speaks the turn).
 */
export function builtinTools(clients: ClientHub): ToolProvider {
  return {
    name: 'built-in',
    async toolsFor(ctx) {
      const tools: ToolSpec[] = [currentTime]
      const cardTypes = ctx.agent.cardTemplates.filter((t): t is CardType => t in cardSchemas)
      if (cardTypes.length) tools.push(showCard(cardTypes))
      if (ctx.interactive) tools.push(askUser(clients))
      if (ctx.speech?.presents) tools.push(explain)
      return tools
    }
  }
}

const currentTime: ToolSpec = {
  name: 'current_time',
  description: 'The current date and time, with weekday and time zone. Use it for anything relative to today.',
  parameters: { type: 'object', properties: { timeZone: { type: 'string', description: 'IANA zone, e.g. Asia/Shanghai; default: the server zone' } } },
  async execute(args) {
    const zone = typeof args.timeZone === 'string' && args.timeZone ? args.timeZone : Intl.DateTimeFormat().resolvedOptions().timeZone
    try {
      const now = new Date()
      const text = new Intl.DateTimeFormat('en-CA', { timeZone: zone, dateStyle: 'full', timeStyle: 'long' }).format(now)
      return { content: JSON.stringify({ iso: now.toISOString(), local: text, timeZone: zone }) }
    } catch {
      return { content: `Unknown time zone "${zone}"`, isError: true }
    }
  }
}

function showCard(types: CardType[]): ToolSpec {
  const schemaText = types.map((t) => `- ${t}: ${JSON.stringify(z.toJSONSchema(cardSchemas[t], { io: 'input', unrepresentable: 'any' }))}`).join('\n')
  return {
    name: 'show_card',
    description: `Show the user an interactive card next to your answer. Card types and the JSON each takes as data:\n${schemaText}`,
    parameters: {
      type: 'object',
      properties: { type: { type: 'string', enum: types }, data: { type: 'object', description: 'The card content, matching the type' } },
      required: ['type', 'data']
    },
    async execute(args) {
      const parsed = Card.safeParse(args)
      if (!parsed.success || !types.includes(parsed.data.type)) {
        const why = parsed.success
          ? `card type must be one of ${types.join(', ')}`
          : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
        return { content: `The card was not shown: ${why}. Fix the data and call show_card again.`, isError: true }
      }
      return { content: `The ${parsed.data.type} card is shown to the user.`, card: parsed.data }
    }
  }
}

function askUser(clients: ClientHub): ToolSpec {
  return {
    name: 'ask_user',
    description: 'Ask the user for a piece of information or a confirmation and wait for the answer. Use it when you cannot continue without it.',
    parameters: {
      type: 'object',
      properties: {
        question: { type: 'string', description: 'What to ask, in the user’s language' },
        type: { type: 'string', enum: ['string', 'number', 'boolean'], description: 'The kind of answer expected' }
      },
      required: ['question']
    },
    timeoutMs: Number.POSITIVE_INFINITY, // the wait has its own timeout
    async execute(args, ctx) {
      const question = String(args.question ?? '')
      const inputSchema = { type: typeof args.type === 'string' ? args.type : 'string', description: question }
      const outcome = await clients.waitOn(ctx.clientId, {
        signal: ctx.signal,
        start: (waitId) => {
          ctx.emit({ type: 'wait', waitId, kind: 'input', schema: inputSchema, text: question })
          if (ctx.clientId) clients.send(ctx.clientId, 'wait_for_input', { wait_id: waitId, input_schema: inputSchema })
        }
      })
      if (outcome.status === 'answered') return { content: JSON.stringify(outcome.data ?? null) }
      if (outcome.status === 'timeout') return { content: 'The user did not answer in time. Continue without it or ask again later.', isError: true }
      return { content: 'The question was cancelled.', isError: true }
    }
  }
}

const MAX_EXPLAIN_STEPS = 20
const ExplainArgs = z.object({ steps: z.array(z.string().trim().min(1).max(2_000)).min(1).max(MAX_EXPLAIN_STEPS) })

/**
 * The original's "digital human explanation" (数字人讲解): the avatar narrates the steps one after
 * another, each only once it has finished the previous one (one `wait_for_digitalhuman` per step).
 */
const explain: ToolSpec = {
  name: 'explain',
  description:
    'Narrate an explanation step by step through the digital human (a guided tour, a walkthrough, a lesson): each step is spoken in turn, ' +
    "the next only once the avatar has finished the previous one. Give each step as the words to say, in the user's language. " +
    'Afterwards close with at most one short sentence; do not repeat the steps.',
  parameters: {
    type: 'object',
    properties: {
      steps: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: MAX_EXPLAIN_STEPS, description: 'What the avatar says, one entry per step' }
    },
    required: ['steps']
  },
  timeoutMs: Number.POSITIVE_INFINITY, // each step's wait has its own timeout
  async execute(args, ctx) {
    const parsed = ExplainArgs.safeParse(args)
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ')
      return { content: `Nothing was narrated: ${why}. Fix the steps and call explain again.`, isError: true }
    }
    const { steps } = parsed.data
    const speech = ctx.speech
    if (!speech?.presents) return { content: 'No digital human is speaking this conversation: answer in text instead.', isError: true }
    for (const [i, text] of steps.entries()) {
      const outcome = await speech.narrate(text, { index: i + 1, count: steps.length })
      if (outcome.status === 'answered') continue
      const spoken = i ? `Steps 1–${i} of ${steps.length} were spoken; the rest was not` : 'No step was spoken'
      const why =
        outcome.status === 'timeout'
          ? 'the avatar did not finish in time'
          : ctx.signal.aborted
            ? 'the turn was stopped'
            : 'the digital human is no longer connected'
      return { content: `${spoken}: ${why}.`, isError: true }
    }
    return { content: `All ${steps.length} steps were spoken by the digital human.` }
  }
}
