import type { Attachment, StoredAttachment } from '../../contract/chat'
import { AppError } from '../../contract/errors'
import { parseDocument } from '../knowledge/parse'

/** How much of an attached document the model reads; the rest is cut with a note. */
const MAX_TEXT_CHARS = 50_000

/**
 * Checks and converts what a user attached: images are kept as data URLs for vision models,
 * documents are read to text with the knowledge parsers. A file that cannot be read fails the
 * whole message with its reason, before anything is saved.
 */
export async function readAttachments(files: Attachment[]): Promise<StoredAttachment[]> {
  return Promise.all(
    files.map(async (f) => {
      const bytes = Buffer.from(f.data, 'base64')
      if (!bytes.length) throw new AppError('validation_failed', `Invalid request: attachments: ${f.name} is empty`)
      if (f.mimeType.startsWith('image/')) {
        return { name: f.name, mimeType: f.mimeType, size: bytes.length, kind: 'image' as const, dataUrl: `data:${f.mimeType};base64,${f.data}` }
      }
      const doc = await parseDocument({ buffer: bytes, fileName: f.name, mimeType: f.mimeType })
      let text = doc.sections.map((s) => s.text).join('\n\n')
      if (text.length > MAX_TEXT_CHARS) text = `${text.slice(0, MAX_TEXT_CHARS)}\n… (cut: ${text.length} characters in all)`
      return { name: f.name, mimeType: f.mimeType, size: bytes.length, kind: 'file' as const, text }
    })
  )
}

/** The user turn as the model sees it: the text, each document's text, then the images. */
export function userContent(text: string, attachments: StoredAttachment[] | undefined) {
  if (!attachments?.length) return text
  const files = attachments.filter((a) => a.kind === 'file').map((a) => `\n\n[Attached file: ${a.name}]\n${a.text ?? ''}`)
  const images = attachments.filter((a) => a.kind === 'image' && a.dataUrl)
  const body = text + files.join('')
  if (!images.length) return body
  return [{ type: 'text' as const, text: body }, ...images.map((a) => ({ type: 'image_url' as const, image_url: { url: a.dataUrl! } }))]
}
