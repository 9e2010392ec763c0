import { ChunkDrawer } from './ChunkDrawer'
import { DocumentsTable } from './DocumentsTable'
import { IngestionBanner } from './IngestionBanner'
import { UploadList } from './UploadList'
import { UploadZone } from './UploadZone'

export function DocumentsPanel() {
  return (
    <div className="kb-panel">
      <UploadZone />
      <IngestionBanner />
      <UploadList />
      <DocumentsTable />
      <ChunkDrawer />
    </div>
  )
}
