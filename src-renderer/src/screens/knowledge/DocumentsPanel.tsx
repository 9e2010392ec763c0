import type { KbDocument } from '@contract/knowledge'
import { hashKey } from '@tanstack/react-query'
import { useState } from 'react'
import { firstQuery, nextQuery, useDocuments, type DocumentQuery } from '../../queries/knowledge'
import { ChunkDrawer } from './ChunkDrawer'
import { DocumentsTable } from './DocumentsTable'
import { IngestionBanner } from './IngestionBanner'
import { UploadList } from './UploadList'
import { UploadZone } from './UploadZone'
import { useUploads } from './useUploads'

/** One knowledge base's documents: its page and filter, uploads and chunk viewer are this panel's own state. */
export function DocumentsPanel({ kbId }: { kbId: string }) {
  const [query, setQuery] = useState<DocumentQuery>(firstQuery)
  const [chunksOf, setChunksOf] = useState<KbDocument | null>(null)
  const documents = useDocuments(kbId, query)
  const uploads = useUploads(kbId)
  // The same page and filter asked again (Enter in the search box) is read again, as a refresh.
  const onQuery = (patch: Partial<DocumentQuery>) => {
    const next = nextQuery(query, patch)
    if (hashKey([next]) === hashKey([query])) documents.reload()
    else setQuery(next)
  }
  return (
    <div className="kb-panel">
      <UploadZone kbId={kbId} upload={uploads.upload} />
      <IngestionBanner kbId={kbId} counts={documents.counts} />
      <UploadList uploads={uploads} />
      <DocumentsTable kbId={kbId} documents={documents} query={query} onQuery={onQuery} onChunks={setChunksOf} />
      <ChunkDrawer kbId={kbId} doc={chunksOf} onClose={() => setChunksOf(null)} />
    </div>
  )
}
