import OpenAI from 'openai'
import { describeProviderFault, type ProviderFault } from '../providers/provider-errors'
import { nodeBodyOf } from '../providers/node-fetch'
import { readSse, readSseStream, type SseEvent } from './sse-reader'

type Params = Omit<OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming, 'stream'>
type ChatCompletionChunk = OpenAI.Chat.Completions.ChatCompletionChunk

export interface ModelCallResult {
  text: string
  reasoning: string
  toolCalls: { id: string; name: string; arguments: string }[]
  usage: { promptTokens: number; completionTokens: number }
  finishReason: string | null
}

export interface RetryPolicy {
  attempts: number
  baseDelayMs: number
}
export const defaultRetry: RetryPolicy = { attempts: 3, baseDelayMs: 500 }

/** A model call that failed; `partial` holds what had streamed before it did. */
export class ModelCallError extends Error {
  constructor(
    readonly fault: ProviderFault,
    readonly partial: ModelCallResult,
    readonly aborted: boolean
  ) {
    super(fault.message)
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms)
    function done() {
      clearTimeout(t)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })

const empty = (): ModelCallResult => ({ text: '', reasoning: '', toolCalls: [], usage: { promptTokens: 0, completionTokens: 0 }, finishReason: null })

/**
 * One streamed chat completion. Faults before the first token (429, 5xx, connection errors) are
 * retried with exponential backoff and jitter; after it, a retry would repeat text the user has
 * already seen, so the call fails with what it had.
 */
export async function streamModelCall(
  client: OpenAI,
  params: Params,
  opts: { signal: AbortSignal; baseUrl: string; retry?: RetryPolicy; onDelta(text: string): void; onReasoning?(text: string): void }
): Promise<ModelCallResult> {
  const retry = opts.retry ?? defaultRetry
  for (let attempt = 1; ; attempt++) {
    const result = empty()
    let started = false
    try {
      // The SDK makes the request (auth, headers, status errors) but the body is read here: its
      // Stream wrapper cost ~3× more per chunk than this loop (src-main/core/chat/sse-reader.ts).
      // Turn clients fetch with `nodeFetch`, whose body is read as a Node stream.
      const response = await client.chat.completions
        .create({ ...params, stream: true, stream_options: { include_usage: true } }, { signal: opts.signal })
        .asResponse()
      const calls: { id: string; name: string; arguments: string }[] = []
      const nodeBody = nodeBodyOf(response)
      const onEvent = ({ event, data }: SseEvent) => {
        // The same reading as the SDK's Stream: `[DONE]` ends it, an `error` payload or event fails it.
        if (data.startsWith('[DONE]')) return false
        const chunk = JSON.parse(data) as ChatCompletionChunk & { error?: unknown; message?: string }
        if (event === 'error') throw new OpenAI.APIError(undefined, chunk.error as object, chunk.message, undefined)
        if (chunk.error) throw new OpenAI.APIError(undefined, chunk.error as object, undefined, response.headers)
        if (event !== null && event.startsWith('thread.')) return
        if (chunk.usage) result.usage = { promptTokens: chunk.usage.prompt_tokens ?? 0, completionTokens: chunk.usage.completion_tokens ?? 0 }
        const choice = chunk.choices?.[0]
        if (!choice) return
        if (choice.finish_reason) result.finishReason = choice.finish_reason
        const delta = choice.delta as (typeof choice.delta & { reasoning_content?: string }) | undefined
        if (!delta) return
        if (delta.reasoning_content) {
          started = true
          result.reasoning += delta.reasoning_content
          opts.onReasoning?.(delta.reasoning_content)
        }
        if (delta.content) {
          started = true
          result.text += delta.content
          opts.onDelta(delta.content)
        }
        for (const tc of delta.tool_calls ?? []) {
          started = true
          const slot = (calls[tc.index] ??= { id: '', name: '', arguments: '' })
          if (tc.id) slot.id = tc.id
          if (tc.function?.name) slot.name += tc.function.name
          if (tc.function?.arguments) slot.arguments += tc.function.arguments
        }
      }
      await (nodeBody ? readSseStream(nodeBody, onEvent) : readSse(response.body!, onEvent))
      // Some servers omit ids; the follow-up request needs one per call.
      result.toolCalls = calls.filter(Boolean).map((c, i) => ({ ...c, id: c.id || `call_${i}_${Date.now().toString(36)}` }))
      if (opts.signal.aborted) throw new ModelCallError({ code: 'upstream_error', message: 'Stopped', retryable: false }, result, true)
      return result
    } catch (err) {
      if (err instanceof ModelCallError) throw err
      const aborted = opts.signal.aborted
      const fault = aborted ? { code: 'upstream_error' as const, message: 'Stopped', retryable: false } : describeProviderFault(err, opts.baseUrl)
      if (!aborted && !started && fault.retryable && attempt < retry.attempts) {
        const delay = retry.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random())
        await sleep(delay, opts.signal)
        if (!opts.signal.aborted) continue
      }
      throw new ModelCallError(fault, result, opts.signal.aborted)
    }
  }
}
