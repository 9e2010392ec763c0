import { z } from 'zod'
import { Card, cardSchemas, type CardType } from '../../contract/cards'
import type { ClientHub } from './client-hub'
import type { ToolProvider, ToolSpec } from './tool-registry'

/** Tools every agent has: the clock, cards (when the agent has card templates), asking the user. */
export function builtinTools(clients: ClientHub): ToolProvider {
  return {
    name: 'built-in',
    async toolsFor(ctx) {
      const tools: ToolSpec[] = [currentTime]
      const cardTypes = ctx.agent.cardTemplates.filter((t): t is CardType => t in cardSchemas)
      if (cardTypes.length) tools.push(showCard(cardTypes))
      if (ctx.interactive) tools.push(askUser(clients))
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
