import { useCallback, useMemo, useState } from 'react'
import { clearedUploads, uploadFiles, uploaderFor, type UploadItem } from '../../queries/knowledge-uploads'
import { useStudio } from '../../stores/hooks'

export interface Uploads {
  items: UploadItem[]
  /** Sends files; each gets its own row. Resolves when all have ended. */
  upload(files: File[]): Promise<void>
  clear(): void
}

/** Files on their way to one knowledge base: rows of the documents panel, gone when it closes. */
export function useUploads(kbId: string): Uploads {
  const studio = useStudio()
  const uploader = useMemo(() => uploaderFor(studio.connection.host), [studio])
  const [items, setItems] = useState<UploadItem[]>([])
  const upload = useCallback((files: File[]) => uploadFiles(studio, uploader, kbId, files, setItems), [studio, uploader, kbId])
  const clear = useCallback(() => setItems(clearedUploads), [])
  return { items, upload, clear }
}
