import type { QueryClient } from '@tanstack/react-query'
import type { ApiInput, ApiOutput, EndpointName } from '@contract/api'
import type { Model } from '@contract/entities'
import type { Api } from '../api/client'
import type { ApiError } from '../api/errors'
import { apiQuery, useApiQuery, type ApiQueryOptions } from './api-query'
import { apiKey } from './keys'
import type { ServerState } from './server-state'

/** Entities that share the list/get/create/update/delete shape of the contract. */
export type CollectionName = 'providers' | 'agents' | 'tools' | 'knowledgeBases' | 'digitalHumans'

export type ItemOf<C extends CollectionName> = ApiOutput<`${C}.get`>
export type CreateInput<C extends CollectionName> = ApiInput<`${C}.create`>
export type UpdatePatch<C extends CollectionName> = Omit<ApiInput<`${C}.update`>, 'id'>

export function upsert<T extends { id: string }>(items: T[], item: T): T[] {
  const at = items.findIndex((i) => i.id === item.id)
  if (at < 0) return [...items, item]
  const next = items.slice()
  next[at] = item
  return next
}

// The endpoint names are built from the collection's name; the contract's types still hold at the edges above.
const listName = (name: CollectionName) => `${name}.list` as const satisfies EndpointName
type Loose = (name: string, input: unknown) => Promise<unknown>
const loose = (api: Api) => api.call.bind(api) as unknown as Loose

export const listQuery = <C extends CollectionName>(api: Api, name: C) => apiQuery(api, listName(name))
const listKey = (name: CollectionName) => apiKey(listName(name))

export interface CollectionView<C extends CollectionName> {
  items: ItemOf<C>[]
  /** True once a load succeeded: screens show skeletons before, empty states after. */
  loaded: boolean
  /** The last load's failure; mutations reject instead, so the form that called them can show it. */
  error: ApiError | null
}

const none: never[] = []

/** A collection's list, loaded when a screen shows it and kept fresh by its `<name>.changed` event. */
export function useCollection<C extends CollectionName>(name: C, opts: ApiQueryOptions = {}): CollectionView<C> {
  const q = useApiQuery(listName(name), {}, opts)
  return { items: (q.data ?? none) as ItemOf<C>[], loaded: q.isSuccess, error: q.error }
}

/** The list as cached now, outside React (a keyboard shortcut). */
export const cachedItems = <C extends CollectionName>(queries: QueryClient, name: C): ItemOf<C>[] => (queries.getQueryData(listKey(name)) ?? []) as ItemOf<C>[]

const setItems = <C extends CollectionName>(queries: QueryClient, name: C, change: (items: ItemOf<C>[]) => ItemOf<C>[]) =>
  queries.setQueryData(listKey(name), (items: ItemOf<C>[] | undefined) => (items ? change(items) : items) as never)

/** Reads the list afresh (after an import or a create whose result lists must show); a failure stays on the query. */
export async function reloadCollection({ connection: { api }, queries }: ServerState, name: CollectionName): Promise<void> {
  await queries.fetchQuery({ ...listQuery(api, name), staleTime: 0 }).catch(() => undefined)
}

export async function createItem<C extends CollectionName>({ connection: { api }, queries }: ServerState, name: C, input: CreateInput<C>): Promise<ItemOf<C>> {
  const item = (await loose(api)(`${name}.create`, input)) as ItemOf<C>
  setItems(queries, name, (items) => upsert(items, item))
  return item
}

export async function updateItem<C extends CollectionName>(
  { connection: { api }, queries }: ServerState,
  name: C,
  id: string,
  patch: UpdatePatch<C>
): Promise<ItemOf<C>> {
  const item = (await loose(api)(`${name}.update`, { ...patch, id })) as ItemOf<C>
  setItems(queries, name, (items) => upsert(items, item))
  return item
}

export async function removeItem({ connection: { api }, queries }: ServerState, name: CollectionName, id: string): Promise<void> {
  await loose(api)(`${name}.delete`, { id })
  setItems(queries, name, (items) => items.filter((i) => i.id !== id))
  // The core deletes a provider's models with it.
  if (name === 'providers') queries.setQueryData<Model[]>(apiKey('models.list'), (models) => models?.filter((m) => m.providerId !== id))
}
