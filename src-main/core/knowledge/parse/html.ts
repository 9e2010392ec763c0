import { Parser } from 'htmlparser2'
import type { FormatParser, Section } from './types'
import { decodeText } from './text-decoding'
import { SectionBuilder } from './section-builder'

/** Content that is never read as text. */
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'svg', 'canvas', 'iframe', 'object', 'head'])
/** Elements that end a line: without this, "<p>a</p><p>b</p>" would read as "ab". */
const BLOCK = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'dd',
  'details',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'thead',
  'tfoot',
  'tr',
  'ul',
  'caption'
])
const PARAGRAPH = new Set(['p', 'blockquote', 'pre', 'table', 'ul', 'ol', 'dl', 'section', 'article', 'figure', 'hr'])

export interface HtmlText {
  title?: string
  sections: Section[]
}

/** Streams the markup once (htmlparser2 callbacks, no DOM), so big pages stay cheap. */
export function htmlToSections(html: string): HtmlText {
  const builder = new SectionBuilder()
  let skipDepth = 0
  let preDepth = 0
  let heading: { level: number; text: string } | null = null
  let titleText: string | null = null
  let inTitle = false
  let firstH1: string | undefined
  let cellIndex = 0
  let cellDepth = 0
  let last = '\n'

  const write = (text: string) => {
    if (!text) return
    if (heading) heading.text += text
    else builder.append(text)
    last = text[text.length - 1]
  }
  const endHeading = () => {
    if (!heading) return
    const text = heading.text.replace(/\s+/g, ' ').trim()
    if (heading.level === 1 && firstH1 === undefined && text) firstH1 = text
    builder.heading(heading.level, text)
    heading = null
    last = '\n'
  }
  const softSpace = () => {
    if (!/\s/.test(last)) write(' ')
  }

  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'title') {
          inTitle = true
          titleText ??= ''
          return
        }
        if (SKIPPED.has(name)) {
          skipDepth++
          return
        }
        if (skipDepth) return
        if (/^h[1-6]$/.test(name)) {
          endHeading()
          heading = { level: Number(name[1]), text: '' }
          return
        }
        // Sloppy pages leave headings open ("<h2>Title<p>text"); a block ends the heading there.
        if (heading && (BLOCK.has(name) || name === 'table')) endHeading()
        if (name === 'pre') preDepth++
        if (name === 'tr') {
          cellIndex = 0
          return
        }
        if (name === 'td' || name === 'th') {
          if (cellIndex++ > 0) {
            softSpace()
            write('| ')
          }
          cellDepth++
          return
        }
        // A table row stays one line: paragraphs inside a cell (Word puts every cell in a <p>) become spaces.
        if (cellDepth) {
          if (name === 'br' || BLOCK.has(name)) softSpace()
          return
        }
        if (name === 'br') write('\n')
        else if (name === 'li') write('\n- ')
        else if (BLOCK.has(name)) write('\n')
      },
      ontext(raw) {
        if (inTitle) {
          titleText += raw
          return
        }
        if (skipDepth) return
        if (preDepth) write(raw)
        else write(/\s/.test(last) ? raw.replace(/\s+/g, ' ').replace(/^ /, '') : raw.replace(/\s+/g, ' '))
      },
      onclosetag(name) {
        if (name === 'title') {
          inTitle = false
          return
        }
        if (SKIPPED.has(name)) {
          skipDepth = Math.max(0, skipDepth - 1)
          return
        }
        if (skipDepth) return
        if (heading && name === `h${heading.level}`) {
          endHeading()
          return
        }
        if (name === 'pre') preDepth = Math.max(0, preDepth - 1)
        if (name === 'td' || name === 'th') {
          cellDepth = Math.max(0, cellDepth - 1)
          return
        }
        if (cellDepth) return
        if (PARAGRAPH.has(name)) write('\n\n')
        else if (name === 'tr' || (BLOCK.has(name) && name !== 'li')) write('\n')
      }
    },
    { decodeEntities: true, lowerCaseTags: true }
  )
  parser.write(html)
  parser.end()
  endHeading()

  const sections = builder
    .finish()
    .map((s) => ({ ...s, text: cleanLines(s.text) }))
    .filter((s) => s.text)
  const title = (titleText as string | null)?.replace(/\s+/g, ' ').trim() || firstH1
  return { title, sections }
}

/**
 * Collapsed inline whitespace leaves at most one space at a line's edges; removing just that one
 * keeps the deeper indentation of <pre> code intact.
 */
function cleanLines(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/^ (?! )/, '').replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

export const parseHtml: FormatParser = async (buffer) => htmlToSections(decodeText(buffer))
