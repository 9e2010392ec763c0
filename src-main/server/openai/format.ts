import type { TurnSummary } from '../../core/chat/turn'
import type { FrameMapper } from '../chat/turn-stream'
import { turnFailure } from './errors'

const usageOf = (u: { promptTokens: number; completionTokens: number }) => ({
  prompt_tokens: u.promptTokens,
  completion_tokens: u.completionTokens,
  total_tokens: u.promptTokens + u.completionTokens
})

const completionId = (runId: string) => `chatcmpl-${runId}`

const toolCall = (c: { id: string; name: string; arguments: string }) => ({
  id: c.id,
  type: 'function' as const,
  function: { name: c.name, arguments: c.arguments }
})

/**
 * A finished turn as a `chat.completion` object. Cards the agent showed ride in `message.cards`
 * (our extension; OpenAI clients pass unknown fields through); calls of the caller's own tools
 * come back as `tool_calls` with finish_reason `tool_calls`.
 */
export function completion(summary: TurnSummary, model: string, created: number) {
  const calls = summary.toolCalls ?? []
  return {
    id: completionId(summary.runId),
    object: 'chat.completion' as const,
    created,
    model,
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant' as const,
          content: calls.length && !summary.text ? null : summary.text,
          refusal: null,
          ...(calls.length && { tool_calls: calls.map(toolCall) }),
          ...(summary.cards.length && { cards: summary.cards })
        },
        logprobs: null,
        finish_reason: calls.length ? ('tool_calls' as const) : ('stop' as const)
      }
    ],
    usage: usageOf(summary.usage)
  }
}

/**
 * Turn events → `chat.completion.chunk` frames as OpenAI streams them: a role chunk, content
 * deltas, a chunk with `finish_reason`, the usage chunk when asked for, then `[DONE]`. The agent's
 * own tool calls stay inside the turn; calls of the caller's tools (`callerTools`) go out as
 * `tool_calls` deltas; a card as `delta.cards` (our extension); a failure becomes an `{error}`
 * frame, which the SDKs raise.
 */
export function completionChunks(opts: { model: string; created: number; includeUsage: boolean; callerTools: Set<string> }): FrameMapper {
  let id = completionId('pending')
  const chunk = (delta: Record<string, unknown>, finish: 'stop' | 'tool_calls' | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created: opts.created,
    model: opts.model,
    system_fingerprint: null,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(opts.includeUsage && { usage: null })
  })
  let failed = false
  let calls = 0
  return (e) => {
    switch (e.type) {
      case 'start':
        id = completionId(e.runId)
        return [chunk({ role: 'assistant', content: '', refusal: null })]
      case 'delta':
        return [chunk({ content: e.content })]
      case 'reasoning':
        // DeepSeek's field, which several clients already show.
        return [chunk({ reasoning_content: e.content })]
      case 'tool_call':
        if (!opts.callerTools.has(e.name)) return []
        return [chunk({ tool_calls: [{ index: calls++, ...toolCall(e) }] })]
      case 'card':
        return [chunk({ cards: [e.card] })]
      case 'error':
        failed = true
        return [turnFailure(e).body]
      case 'done': {
        const frames: unknown[] = failed ? [] : [chunk({}, calls ? 'tool_calls' : 'stop')]
        if (opts.includeUsage)
          frames.push({
            id,
            object: 'chat.completion.chunk',
            created: opts.created,
            model: opts.model,
            system_fingerprint: null,
            choices: [],
            usage: usageOf(e.usage)
          })
        frames.push('[DONE]')
        return frames
      }
      default:
        return []
    }
  }
}
