import type { StudioEvent } from '@contract/api'
import type { Connection } from '../api'
import { pathForFile, uploadFile } from '../api/upload'
import { createKnowledgeStore, type KnowledgeStore, type Uploader } from './knowledge'
import { createKnowledgeSearchStore, type KnowledgeSearchStore } from './knowledge-search'
import { createKnowledgeSourcesStore, type KnowledgeSourcesStore } from './knowledge-sources'
import { createMemoryStore, type MemoryStore } from './memory'

/** The stores of the knowledge detail, and memory areas. */
export interface AreaStores {
  /** The open knowledge base: documents, progress, uploads, chunks. */
  knowledge: KnowledgeStore
  knowledgeSearch: KnowledgeSearchStore
  knowledgeSources: KnowledgeSourcesStore
  memory: MemoryStore
}
export type AreaStoreKey = keyof AreaStores

/** In a browser files go up as multipart; Electron hands the core their paths on disk instead. */
export const uploaderFor = (host: Connection['host']): Uploader =>
  host === 'browser' ? { kind: 'multipart', send: (kbId, file, onProgress) => uploadFile(kbId, file, { onProgress }) } : { kind: 'paths', pathOf: pathForFile }

export function createAreaStores(connection: Connection): AreaStores {
  const { api } = connection
  return {
    knowledge: createKnowledgeStore(api, uploaderFor(connection.host)),
    knowledgeSearch: createKnowledgeSearchStore(api),
    knowledgeSources: createKnowledgeSourcesStore(api),
    memory: createMemoryStore()
  }
}

/** Studio events → these stores (payloads already checked against the contract). */
export function areaRefreshers(stores: AreaStores): Record<string, (payload: unknown) => void> {
  return {
    'knowledge.progress': (p) => stores.knowledge.getState().onProgress(p as StudioEvent<'knowledge.progress'>),
    'knowledge.documents': (p) => stores.knowledge.getState().onDocumentsChanged((p as StudioEvent<'knowledge.documents'>).kbId),
    'knowledge.sources': (p) => stores.knowledgeSources.getState().onChanged((p as StudioEvent<'knowledge.sources'>).kbId)
  }
}
