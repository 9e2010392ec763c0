import type { FormatParser } from './types'
import { cannotRead, corrupt, reasonOf } from './errors'
import { htmlToSections } from './html'

// Word's Title style names the document rather than a part of it, so it becomes the title (the
// HTML reader takes <title> wherever it is) and stays out of every heading path.
const STYLE_MAP = ["p[style-name='Title'] => title:fresh"]

/**
 * mammoth maps Word styles to semantic HTML (Heading n -> hn, lists, tables), and the HTML
 * reader turns that into sections, so DOCX and HTML share one notion of headings.
 * Images are dropped: they would only add base64 noise to the text.
 */
export const parseDocx: FormatParser = async (buffer, fileName) => {
  if (!isZip(buffer))
    throw cannotRead(fileName, 'not a DOCX file (a .docx is a ZIP package; legacy .doc files must be saved as .docx)', {
      code: 'doc_not_zip',
      params: { format: 'DOCX' }
    })
  // ~15 MB of RSS: loaded with the first Word file, not at start-up.
  const { default: mammoth } = await import('mammoth')
  let html: string
  try {
    const result = await mammoth.convertToHtml({ buffer }, { styleMap: STYLE_MAP, convertImage: mammoth.images.imgElement(async () => ({ src: '' })) })
    html = result.value
  } catch (err) {
    throw corrupt(fileName, 'DOCX', `not a valid DOCX (${reasonOf(err)})`, err)
  }
  return htmlToSections(html)
}

export function isZip(buffer: Buffer): boolean {
  return buffer.length >= 4 && buffer[0] === 0x50 && buffer[1] === 0x4b && buffer[2] === 0x03 && buffer[3] === 0x04
}
