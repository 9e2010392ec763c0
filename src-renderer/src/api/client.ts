import { streams, type ApiClient, type ApiInput, type ApiOutput, type EndpointName, type StreamEvent, type StreamName } from '@contract/api'
import { TurnEvent } from '@contract/chat'
import { parseOutput } from '@contract/rest-request'
import type { z } from 'zod'
import { ApiError, toApiError } from './errors'
import type { StreamTransport, Transport } from './transport'

export type StreamInput<N extends StreamName> = z.input<(typeof streams)[N]['input']>

/** A running stream: `done` settles when it ends (resolves on cancel too, rejects with an ApiError). */
export interface StreamHandle {
  done: Promise<void>
  cancel(): void
}

export interface Api extends ApiClient {
  stream<N extends StreamName>(name: N, input: StreamInput<N>, onEvent: (event: StreamEvent<N>) => void): StreamHandle
}

export interface ApiHooks {
  /** The server refused our credentials (browser only): the app asks for the token. */
  onUnauthorized?: (err: ApiError) => void
}

// The kinds of turn event this build knows (the contract's); a newer server's other kinds are skipped.
const TURN_EVENTS = new Set<string>(TurnEvent.options.map((o) => o.shape.type.value))
const isStreamEvent = (e: unknown): boolean => typeof e === 'object' && e !== null && TURN_EVENTS.has((e as { type?: unknown }).type as string)

const noStreams: StreamTransport = async () => {
  throw new ApiError('internal', 'This connection cannot stream', 0)
}

/** The renderer's one Api: any transport, answers validated against the contract. */
export function createApi(transport: Transport, hooks: ApiHooks = {}, streamTransport: StreamTransport = noStreams): Api {
  const failed = (err: unknown) => {
    const apiErr = toApiError(err)
    if (apiErr.code === 'unauthorized') hooks.onUnauthorized?.(apiErr)
    return apiErr
  }
  return {
    async call<N extends EndpointName>(name: N, input: ApiInput<N>): Promise<ApiOutput<N>> {
      let raw: unknown
      try {
        raw = await transport(name, input)
      } catch (err) {
        throw failed(err)
      }
      const parsed = parseOutput(name, raw)
      if (!parsed.ok) throw new ApiError('internal', `Unexpected answer from ${name}: ${parsed.issue}`, 0)
      return parsed.data
    },
    stream<N extends StreamName>(name: N, input: StreamInput<N>, onEvent: (event: StreamEvent<N>) => void): StreamHandle {
      const controller = new AbortController()
      const done = streamTransport(name, input, (e) => isStreamEvent(e) && onEvent(e as StreamEvent<N>), controller.signal).catch((err: unknown) => {
        throw failed(err)
      })
      return { done, cancel: () => controller.abort() }
    }
  }
}
