import type { EndpointName, StreamName } from '@contract/api'

/** Sends one call of the contract and returns the raw answer; failures reject with an ApiError. */
export type Transport = (name: EndpointName, input: unknown) => Promise<unknown>

/**
 * Runs one streamed call: each raw event goes to `onEvent` in order; resolves when the stream ends
 * or `signal` aborts it (cancelling is not a failure); rejects with an ApiError otherwise.
 */
export type StreamTransport = (name: StreamName, input: unknown, onEvent: (event: unknown) => void, signal: AbortSignal) => Promise<void>

export type StudioEventListener = (name: string, payload: unknown) => void

/** Subscribes to studio events; returns the unsubscribe function. */
export type EventSource = (listener: StudioEventListener) => () => void
