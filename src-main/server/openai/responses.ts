import type { ResponsesRequest } from '../../contract/openai'
import type { TurnSummary } from '../../core/chat/turn'
import type { FrameMapper } from '../chat/turn-stream'

type Usage = { promptTokens: number; completionTokens: number }

/** The Responses API's `input` (and `instructions`) as chat messages, for the same turn input as /v1/chat/completions. */
export function responsesMessages(body: ResponsesRequest) {
  const items = typeof body.input === 'string' ? [{ role: 'user' as const, content: body.input }] : body.input
  return [
    ...(body.instructions ? [{ role: 'system' as const, content: body.instructions }] : []),
    ...items.map((m) => ({
      role: m.role,
      content: typeof m.content === 'string' ? m.content : m.content.map((p) => p.text ?? '').join('')
    }))
  ]
}

const usageOf = (u: Usage) => ({
  input_tokens: u.promptTokens,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: u.completionTokens,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: u.promptTokens + u.completionTokens
})

interface Shape {
  runId: string
  model: string
  created: number
  status: 'in_progress' | 'completed' | 'failed'
  text?: string
  usage?: Usage
  cards?: TurnSummary['cards']
  error?: { code: string; message: string }
}

const messageItem = (runId: string, text: string, status: 'in_progress' | 'completed') => ({
  id: `msg_${runId}`,
  type: 'message' as const,
  status,
  role: 'assistant' as const,
  content: status === 'completed' ? [{ type: 'output_text' as const, text, annotations: [], logprobs: [] }] : []
})

/** A `response` object; the agent's cards ride in `cards` (our extension, as on chat completions). */
function response(s: Shape) {
  return {
    id: `resp_${s.runId}`,
    object: 'response' as const,
    created_at: s.created,
    status: s.status,
    model: s.model,
    output: s.status === 'completed' ? [messageItem(s.runId, s.text ?? '', 'completed')] : [],
    output_text: s.text ?? '',
    error: s.error ? { code: s.error.code, message: s.error.message } : null,
    incomplete_details: null,
    instructions: null,
    metadata: {},
    parallel_tool_calls: false,
    temperature: null,
    top_p: null,
    tool_choice: 'auto' as const,
    tools: [],
    text: { format: { type: 'text' as const } },
    usage: s.usage ? usageOf(s.usage) : null,
    ...(s.cards?.length && { cards: s.cards })
  }
}

/** A finished turn as a Responses API `response`. */
export function responseObject(summary: TurnSummary, model: string, created: number) {
  return response({ runId: summary.runId, model, created, status: 'completed', text: summary.text, usage: summary.usage, cards: summary.cards })
}

/**
 * Turn events → Responses API stream events: response.created, one message item whose text
 * arrives as output_text deltas, then response.completed (or response.failed with the reason).
 */
export function responseEvents(opts: { model: string; created: number }): FrameMapper {
  let runId = 'pending'
  let seq = 0
  let text = ''
  let error: { code: string; message: string } | undefined
  const cards: TurnSummary['cards'] = []
  const ev = (type: string, fields: Record<string, unknown>) => ({ type, sequence_number: seq++, ...fields })
  const shape = (status: Shape['status'], usage?: Usage): Shape => ({ runId, model: opts.model, created: opts.created, status, text, usage, cards, error })
  const itemId = () => `msg_${runId}`
  return (e) => {
    switch (e.type) {
      case 'start':
        runId = e.runId
        return [
          ev('response.created', { response: response(shape('in_progress')) }),
          ev('response.in_progress', { response: response(shape('in_progress')) }),
          ev('response.output_item.added', { output_index: 0, item: messageItem(runId, '', 'in_progress') }),
          ev('response.content_part.added', { item_id: itemId(), output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } })
        ]
      case 'delta':
        text += e.content
        return [ev('response.output_text.delta', { item_id: itemId(), output_index: 0, content_index: 0, delta: e.content, logprobs: [] })]
      case 'card':
        cards.push(e.card)
        return []
      case 'error':
        error = { code: e.code, message: e.message }
        return []
      case 'done':
        if (error) return [ev('response.failed', { response: response(shape('failed', e.usage)) })]
        return [
          ev('response.output_text.done', { item_id: itemId(), output_index: 0, content_index: 0, text, logprobs: [] }),
          ev('response.content_part.done', { item_id: itemId(), output_index: 0, content_index: 0, part: { type: 'output_text', text, annotations: [] } }),
          ev('response.output_item.done', { output_index: 0, item: messageItem(runId, text, 'completed') }),
          ev('response.completed', { response: response(shape('completed', e.usage)) })
        ]
      default:
        return []
    }
  }
}
