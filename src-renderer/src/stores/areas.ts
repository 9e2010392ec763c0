import type { StudioEvent } from '@contract/api'
import type { Connection } from '../api'
import { createMemoryStore, type MemoryStore } from './memory'

/** The stores of the areas not yet on queries: memory. */
export interface AreaStores {
  memory: MemoryStore
}
export type AreaStoreKey = keyof AreaStores

export function createAreaStores(connection: Connection): AreaStores {
  return { memory: createMemoryStore(connection.api) }
}

/** Studio events → these stores (payloads already checked against the contract). */
export function areaRefreshers(stores: AreaStores): Record<string, (payload: unknown) => void> {
  return {
    'memories.changed': (p) => stores.memory.getState().onChanged((p as StudioEvent<'memories.changed'>).userId),
    'memories.failed': (p) => stores.memory.getState().onFailed(p as StudioEvent<'memories.failed'>)
  }
}
