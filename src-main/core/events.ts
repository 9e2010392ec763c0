import { EventEmitter } from 'node:events'
import type { StudioEvent, StudioEventName } from '../contract/api'

/** The core's outbox: services emit, hosts forward to IPC and Socket.IO. */
export class StudioEvents {
  private readonly emitter = new EventEmitter()
  constructor() {
    // Every studio window and socket listens; the default cap of 10 would warn falsely.
    this.emitter.setMaxListeners(0)
  }
  emit<N extends StudioEventName>(name: N, payload: StudioEvent<N>): void {
    this.emitter.emit('event', name, payload)
  }
  /** Subscribes to every event; returns the unsubscribe function. */
  subscribe(fn: (name: StudioEventName, payload: unknown) => void): () => void {
    this.emitter.on('event', fn)
    return () => this.emitter.off('event', fn)
  }
}
