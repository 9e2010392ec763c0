import { Lexer } from 'marked'

/**
 * Markdown split into top-level blocks (paragraphs, lists, code fences, tables…), so a streaming
 * answer re-renders only its last block: the ones before it are finished and their React subtrees
 * are memoised. `marked`'s lexer is only used to find the boundaries; react-markdown renders.
 */
export function splitBlocks(text: string): string[] {
  const blocks: string[] = []
  let pos = 0
  for (const { raw } of Lexer.lex(text, { gfm: true })) {
    // The lexer trims some trailing whitespace; from the first raw that does not line up, the
    // rest of the text joins the last block, so the blocks always add up to the text.
    if (!raw || !text.startsWith(raw, pos)) break
    blocks.push(raw)
    pos += raw.length
  }
  if (pos < text.length) {
    if (blocks.length) blocks[blocks.length - 1] += text.slice(pos)
    else blocks.push(text.slice(pos))
  }
  return blocks
}

export interface BlockCache {
  /** Finished blocks; they never change while the text only grows. */
  done: string[]
  /** Characters of `text` covered by `done`. */
  offset: number
  text: string
}

export const emptyCache = (): BlockCache => ({ done: [], offset: 0, text: '' })

/**
 * Blocks of a text that grows at the end, lexing only what follows the last finished block. A
 * block counts as finished once a later block starts after a blank line: nothing appended can
 * change it then (an open code fence or table is always the last block, so it stays open).
 */
export function growBlocks(cache: BlockCache, text: string): { blocks: string[]; cache: BlockCache } {
  const base = text.startsWith(cache.text) ? cache : emptyCache()
  const tail = splitBlocks(text.slice(base.offset))
  const done = base.done.slice()
  let offset = base.offset
  let frozen = 0
  let run = ''
  // Freeze whole leading blocks up to the last blank-line boundary before the final block.
  for (let i = 0; i < tail.length - 1; i++) {
    run += tail[i]
    if (run.endsWith('\n\n')) {
      for (let j = frozen; j <= i; j++) done.push(tail[j])
      offset += run.length
      run = ''
      frozen = i + 1
    }
  }
  const open = tail.slice(frozen).join('')
  return { blocks: open ? [...done, open] : done, cache: { done, offset, text } }
}
