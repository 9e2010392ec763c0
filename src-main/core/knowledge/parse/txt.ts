import type { FormatParser } from './types'
import { decodeText, normalizeNewlines } from './text-decoding'

export const parseTxt: FormatParser = async (buffer) => ({
  sections: [{ text: normalizeNewlines(decodeText(buffer)).trim(), headingPath: [] }]
})
