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
  const { body, title: frontTitle } = splitFrontMatter(normalizeNewlines(decodeText(buffer)))
  // Block tokens only: body text is kept as source, so marked's inline pass (half its time on big
  // imports) would be thrown away.
  const tokens = new Lexer({ gfm: true }).blockTokens(body, [])
  const builder = new SectionBuilder()
  let title = frontTitle
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

/**
 * YAML front matter (static-site and Obsidian notes) is metadata, not text; left in, marked would
 * read its closing "---" as a setext underline and make a heading of the last key.
 */
function splitFrontMatter(source: string): { body: string; title?: string } {
  const match = /^---\n([\s\S]*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)/.exec(source)
  if (!match) return { body: source }
  const titleLine = /^title:[ \t]*(.+)$/m.exec(match[1])
  const title = titleLine?.[1].trim().replace(/^(["'])(.*)\1$/, '$2') || undefined
  return { body: source.slice(match[0].length), title }
}
