import { extractText, getDocumentProxy, getMeta } from 'unpdf'
import type { FormatParser, Section } from './types'
import { cannotRead, corrupt, reasonOf, unreadable } from './errors'
import { tidy } from './section-builder'

/**
 * PDF text per page through pdf.js (unpdf's serverless build: no canvas, no worker, no native
 * module). Pages stay separate sections so every chunk can cite its page.
 */
export const parsePdf: FormatParser = async (buffer, fileName) => {
  // A view, not a copy: the caller's buffer is the only copy of a large file we hold.
  const data = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>
  try {
    pdf = await getDocumentProxy(data, { verbosity: 0, isEvalSupported: false, stopAtErrors: false })
  } catch (err) {
    throw pdfError(fileName, err)
  }
  try {
    const { text } = await extractText(pdf, { mergePages: false })
    const sections: Section[] = []
    text.forEach((pageText, i) => {
      const clean = tidy(pageText)
      if (clean) sections.push({ text: clean, headingPath: [], page: i + 1 })
    })
    let title: string | undefined
    try {
      const info = (await getMeta(pdf)).info as { Title?: unknown }
      if (typeof info.Title === 'string' && info.Title.trim()) title = info.Title.trim()
    } catch {
      // Metadata is a nicety; a PDF whose text we read is not rejected over its info dictionary.
    }
    return { title, sections }
  } catch (err) {
    throw pdfError(fileName, err)
  } finally {
    await pdf.destroy().catch(() => undefined)
  }
}

function pdfError(fileName: string, err: unknown) {
  const name = err instanceof Error ? err.name : ''
  if (name === 'PasswordException') return cannotRead(fileName, 'the PDF is password-protected', { code: 'doc_pdf_password' }, err)
  if (name === 'InvalidPDFException') return corrupt(fileName, 'PDF', `not a valid PDF (${reasonOf(err)})`, err)
  return unreadable(fileName, err)
}
