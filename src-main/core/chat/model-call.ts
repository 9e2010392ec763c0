import OpenAI from 'openai'
import { describeProviderFault, type ProviderFault } from '../providers/provider-errors'
import { ConnectTimeoutError, nodeBodyOf } from '../providers/node-fetch'
import type { ProviderTimeouts } from '../../contract/entities'
import { log } from '../../base/log'
import { ProviderChunk, chunkProblem } from './provider-chunk'
import { readSse, type SseEvent } from '../../base/web/sse'
import { readSseStream } from '../../base/sse-stream'

type Params = Omit<OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming, 'stream'>

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

/** The provider a call goes to: named in errors, with its timeouts (contract/entities.ts). */
export interface CallTarget {
  baseUrl: string
  name?: string
  timeouts?: ProviderTimeouts
}

const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`)
const providerWords = (t: CallTarget) => (t.name ? `The provider "${t.name}" (${t.baseUrl})` : `The provider at ${t.baseUrl}`)
/** A fault this module finds itself (not a status or connection error the SDK reports). */
const fault = (t: CallTarget, words: string, retryable = false): ProviderFault => {
  const message = `${providerWords(t)} ${words}`
  return { code: 'upstream_error', message, reason: 'provider_error', params: { detail: message }, retryable }
}

function connectTimeoutOf(err: unknown): ConnectTimeoutError | undefined {
  for (let e = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) if (e instanceof ConnectTimeoutError) return e
  return undefined
}

/**
 * Aborts the call when the provider keeps it waiting: until the first token (text, reasoning or a
 * tool call), then between events. One timer per call, re-armed lazily when it fires, so a chunk
 * costs a clock read rather than a timer.
 */
function watchdog(timeouts: ProviderTimeouts | undefined, signal: AbortSignal) {
  const controller = new AbortController()
  let fired: 'first-token' | 'idle' | null = null
  let started = false
  let last = 0
  let timer: NodeJS.Timeout | undefined
  const check = () => {
    if (!timeouts) return
    const wait = started ? last + timeouts.idleMs - performance.now() : 0
    if (started && wait > 0) return void (timer = setTimeout(check, wait))
    fired = started ? 'idle' : 'first-token'
    controller.abort()
  }
  if (timeouts) timer = setTimeout(check, timeouts.firstTokenMs)
  return {
    signal: AbortSignal.any([signal, controller.signal]),
    get fired() {
      return fired
    },
    /** Something came from the provider; `token` once it is part of the answer. */
    seen(token: boolean) {
      if (!timeouts) return
      if (token && !started) {
        started = true
        clearTimeout(timer)
        timer = setTimeout(check, timeouts.idleMs)
      }
      last = performance.now()
    },
    stop: () => clearTimeout(timer)
  }
}

/**
 * One streamed chat completion. Faults before the first token (429, 5xx, connection errors, a
 * connect timeout) are retried with exponential backoff and jitter; after it, a retry would repeat
 * text the user has already seen, so the call fails with what it had. It also fails, with the
 * reason, when the provider keeps it waiting past the first-token or idle timeout, answers with
 * something other than an event stream, sends a chunk of the wrong shape, or says nothing at all
 * (no text and no tool call; `allowEmpty` lets a turn that already showed a card end quietly).
 */
export async function streamModelCall(
  client: OpenAI,
  params: Params,
  opts: CallTarget & {
    signal: AbortSignal
    retry?: RetryPolicy
    allowEmpty?: boolean
    onDelta(text: string): void
    onReasoning?(text: string): void
  }
): Promise<ModelCallResult> {
  const retry = opts.retry ?? defaultRetry
  for (let attempt = 1; ; attempt++) {
    const result = empty()
    let started = false
    const watch = watchdog(opts.timeouts, opts.signal)
    try {
      // The SDK makes the request (auth, headers, status errors) but the body is read here: its
      // Stream wrapper cost ~3× more per chunk than this loop (src-main/core/chat/sse-reader.ts).
      // Turn clients fetch with `nodeFetch`, whose body is read as a Node stream.
      const response = await client.chat.completions
        .create({ ...params, stream: true, stream_options: { include_usage: true } }, { signal: watch.signal })
        .asResponse()
      const type = response.headers.get('content-type')
      // A login page, a proxy's error page or a JSON answer to a stream request is not an answer.
      if (type && !/^\s*text\/event-stream/i.test(type)) {
        await response.body?.cancel().catch(() => undefined)
        throw new ModelCallError(fault(opts, `answered with ${type.split(';')[0].trim()}, not an event stream: check the base URL`), result, false)
      }
      const calls: { id: string; name: string; arguments: string }[] = []
      const nodeBody = nodeBodyOf(response)
      const onEvent = ({ event, data }: SseEvent) => {
        // The same reading as the SDK's Stream: `[DONE]` ends it, an `error` payload or event fails it.
        if (data.startsWith('[DONE]')) return false
        let raw: { error?: unknown; message?: string } | null
        try {
          raw = JSON.parse(data)
        } catch {
          throw new ModelCallError(fault(opts, `sent a chunk that is not JSON: ${data.slice(0, 100)}`), result, false)
        }
        if (event === 'error') throw new OpenAI.APIError(undefined, raw?.error as object, raw?.message, undefined)
        if (raw?.error) throw new OpenAI.APIError(undefined, raw.error as object, undefined, response.headers)
        if (event !== null && event.startsWith('thread.')) return
        const parsed = ProviderChunk.safeParse(raw)
        if (!parsed.success) throw new ModelCallError(fault(opts, `sent a malformed chunk (${chunkProblem(parsed.error)})`), result, false)
        const chunk = parsed.data
        if (chunk.usage) {
          const { prompt_tokens, completion_tokens } = chunk.usage
          if (prompt_tokens === null || completion_tokens === null)
            log.warn({ baseUrl: opts.baseUrl, usage: raw }, 'provider sent token counts that are not numbers')
          result.usage = { promptTokens: prompt_tokens ?? 0, completionTokens: completion_tokens ?? 0 }
        }
        const choice = chunk.choices?.[0]
        const delta = choice?.delta
        watch.seen(!!(delta?.reasoning_content || delta?.content || delta?.tool_calls?.length))
        if (!choice) return
        if (choice.finish_reason) result.finishReason = choice.finish_reason
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
      if (!result.text && !result.toolCalls.length && !opts.allowEmpty) {
        const why = [result.reasoning && 'only reasoning', result.finishReason && `finish reason: ${result.finishReason}`].filter(Boolean).join(', ')
        throw new ModelCallError(fault(opts, `answered with no content${why ? ` (${why})` : ''}`), result, false)
      }
      return result
    } catch (err) {
      watch.stop()
      if (err instanceof ModelCallError) throw err
      const aborted = opts.signal.aborted
      const connect = connectTimeoutOf(err)
      const t = opts.timeouts
      const f: ProviderFault = aborted
        ? { code: 'upstream_error', message: 'Stopped', retryable: false }
        : watch.fired === 'first-token' && t
          ? fault(opts, `did not start answering within ${seconds(t.firstTokenMs)} (first-token timeout)`)
          : watch.fired === 'idle' && t
            ? fault(opts, `stopped sending in the middle of its answer: nothing for ${seconds(t.idleMs)} (idle timeout)`)
            : connect
              ? fault(opts, `could not be connected to within ${seconds(connect.ms)} (connect timeout)`, true)
              : describeProviderFault(err, opts.baseUrl)
      if (!aborted && !started && f.retryable && attempt < retry.attempts) {
        const delay = retry.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random())
        await sleep(delay, opts.signal)
        if (!opts.signal.aborted) continue
      }
      throw new ModelCallError(f, result, opts.signal.aborted)
    } finally {
      watch.stop()
    }
  }
}
