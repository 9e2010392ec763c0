import { Lexer } from 'marked'
import type { FormatParser } from './types'
import { decodeText, normalizeNewlines } from './text-decoding'
import { SectionBuilder } from './section-builder'

/**
 * A real Markdown lexer (not a regex on "#") so that "#" lines inside code fences and setext
 * headings are told apart. Body text stays Markdown source: tables, lists and code read well to
 * both people and models, and nothing is lost to rendering.
 */
export const parseMarkdown: FormatParser = async (buffer) => {
  const source = normalizeNewlines(decodeText(buffer))
  const tokens = new Lexer({ gfm: true }).lex(source)
  const builder = new SectionBuilder()
  let title: string | undefined
  for (const token of tokens) {
    if (token.type === 'heading') {
      const text = plainHeading(token.text as string)
      if (token.depth === 1 && title === undefined && text) title = text
      builder.heading(token.depth as number, text)
    } else {
      builder.append(token.raw)
    }
  }
  return { title, sections: builder.finish() }
}

/** Heading paths are labels, so inline markup (`code`, **bold**, [links](…)) is reduced to its words. */
function plainHeading(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`~]+/g, '')
    .trim()
}
