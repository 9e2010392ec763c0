import type { VectorStore } from '../vector'

/**
 * A vector store that is created and opened on first use instead of at start-up. LanceDB's native
 * module and connection cost ~35 MB of RSS, which a server that only chats (or a desktop app with
 * no knowledge base yet) never needs. `open()` is a no-op: the first real call opens, concurrent
 * first calls share one opening, and a failed opening is tried again on the next call.
 */
export function lazyVectorStore(kind: string, create: () => VectorStore): VectorStore & { readonly opened: boolean } {
  let store: VectorStore | undefined
  let opening: Promise<VectorStore> | undefined
  let closed = false

  const ready = (): Promise<VectorStore> =>
    (opening ??= (async () => {
      const s = (store ??= create())
      // After close, the real store is closed too, so the call fails with its own "closed" error.
      if (closed) await s.close()
      else await s.open()
      return s
    })().catch((err: unknown) => {
      opening = undefined
      throw err
    }))

  return {
    kind,
    get opened() {
      return !!store && !!opening
    },
    open: async () => undefined,
    async close() {
      closed = true
      await opening?.catch(() => undefined)
      await store?.close()
    },
    ensureCollection: async (name, spec) => (await ready()).ensureCollection(name, spec),
    hasCollection: async (name) => (await ready()).hasCollection(name),
    upsert: async (collection, rows) => (await ready()).upsert(collection, rows),
    insert: async (collection, rows) => (await ready()).insert(collection, rows),
    deleteByDoc: async (collection, docId) => (await ready()).deleteByDoc(collection, docId),
    search: async (collection, request) => (await ready()).search(collection, request),
    count: async (collection) => (await ready()).count(collection),
    dropCollection: async (name) => (await ready()).dropCollection(name),
    optimize: async (collection) => (await ready()).optimize(collection),
    settled: async () => store?.settled()
  }
}
