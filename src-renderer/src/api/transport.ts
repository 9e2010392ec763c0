import type { EndpointName } from '@contract/api'

/** Sends one call of the contract and returns the raw answer; failures reject with an ApiError. */
export type Transport = (name: EndpointName, input: unknown) => Promise<unknown>

export type StudioEventListener = (name: string, payload: unknown) => void

/** Subscribes to studio events; returns the unsubscribe function. */
export type EventSource = (listener: StudioEventListener) => () => void
