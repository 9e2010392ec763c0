import { createStore, type StoreApi } from 'zustand/vanilla'
import type { ApiInput, ApiOutput } from '@contract/api'
import type { Api } from '../api/client'
import { toApiError, type ApiError } from '../api/errors'

/** Entities that share the list/get/create/update/delete shape of the contract. */
export type CollectionName = 'providers' | 'agents' | 'tools' | 'knowledgeBases' | 'digitalHumans'

export type ItemOf<C extends CollectionName> = ApiOutput<`${C}.get`>
export type CreateInput<C extends CollectionName> = ApiInput<`${C}.create`>
export type UpdatePatch<C extends CollectionName> = Omit<ApiInput<`${C}.update`>, 'id'>

export interface CollectionState<C extends CollectionName> {
  items: ItemOf<C>[]
  loading: boolean
  /** True once a load succeeded: screens show skeletons before, empty states after. */
  loaded: boolean
  /** The last load's failure; mutations reject instead, so the form that called them can show it. */
  error: ApiError | null
  load(): Promise<void>
  create(input: CreateInput<C>): Promise<ItemOf<C>>
  update(id: string, patch: UpdatePatch<C>): Promise<ItemOf<C>>
  remove(id: string): Promise<void>
}

export type CollectionStore<C extends CollectionName> = StoreApi<CollectionState<C>>

type Loose = (name: string, input: unknown) => Promise<unknown>

export function upsert<T extends { id: string }>(items: T[], item: T): T[] {
  const at = items.findIndex((i) => i.id === item.id)
  if (at < 0) return [...items, item]
  const next = items.slice()
  next[at] = item
  return next
}

type SetState<S> = (partial: Partial<S> | ((s: S) => Partial<S>)) => void

/** The list/create/update/delete part of a store, shared by stores that add more on top. */
export function collectionSlice<C extends CollectionName>(api: Api, name: C, set: SetState<CollectionState<C>>): CollectionState<C> {
  // The endpoint names are built from `name`; the contract's types still hold at the edges above.
  const call = api.call.bind(api) as unknown as Loose
  let loadSeq = 0
  return {
    items: [],
    loading: false,
    loaded: false,
    error: null,
    async load() {
      // Events can trigger loads in bursts: only the newest answer may land.
      const seq = ++loadSeq
      set({ loading: true })
      try {
        const items = (await call(`${name}.list`, {})) as ItemOf<C>[]
        if (seq === loadSeq) set({ items, loading: false, loaded: true, error: null })
      } catch (err) {
        if (seq === loadSeq) set({ loading: false, error: toApiError(err) })
      }
    },
    async create(input) {
      const item = (await call(`${name}.create`, input)) as ItemOf<C>
      set((s) => ({ items: upsert(s.items, item) }))
      return item
    },
    async update(id, patch) {
      const item = (await call(`${name}.update`, { ...patch, id })) as ItemOf<C>
      set((s) => ({ items: upsert(s.items, item) }))
      return item
    },
    async remove(id) {
      await call(`${name}.delete`, { id })
      set((s) => ({ items: s.items.filter((i) => i.id !== id) }))
    }
  }
}

export const createCollectionStore = <C extends CollectionName>(api: Api, name: C): CollectionStore<C> =>
  createStore<CollectionState<C>>()((set) => collectionSlice(api, name, set))
