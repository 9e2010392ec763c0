import type { TurnSummary } from '../../core/chat/turn'
import type { FrameMapper } from '../chat/turn-stream'
import { turnFailure } from './errors'

const usageOf = (u: { promptTokens: number; completionTokens: number }) => ({
  prompt_tokens: u.promptTokens,
  completion_tokens: u.completionTokens,
  total_tokens: u.promptTokens + u.completionTokens
})

const completionId = (runId: string) => `chatcmpl-${runId}`

/** A finished turn as a `chat.completion` object. */
export function completion(summary: TurnSummary, model: string, created: number) {
  return {
    id: completionId(summary.runId),
    object: 'chat.completion' as const,
    created,
    model,
    system_fingerprint: null,
    choices: [{ index: 0, message: { role: 'assistant' as const, content: summary.text, refusal: null }, logprobs: null, finish_reason: 'stop' as const }],
    usage: usageOf(summary.usage)
  }
}

/**
 * Turn events → `chat.completion.chunk` frames as OpenAI streams them: a role chunk, content
 * deltas, a chunk with `finish_reason`, the usage chunk when asked for, then `[DONE]`. The agent's
 * own tool calls stay inside the turn; a failure becomes an `{error}` frame, which the SDKs raise.
 */
export function completionChunks(opts: { model: string; created: number; includeUsage: boolean }): FrameMapper {
  let id = completionId('pending')
  const chunk = (delta: Record<string, unknown>, finish: 'stop' | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created: opts.created,
    model: opts.model,
    system_fingerprint: null,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(opts.includeUsage && { usage: null })
  })
  let failed = false
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
      case 'error':
        failed = true
        return [turnFailure(e).body]
      case 'done': {
        const frames: unknown[] = failed ? [] : [chunk({}, 'stop')]
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
