import 'katex/dist/katex.min.css'
import { memo, useDeferredValue, useMemo, useRef, type AnchorHTMLAttributes } from 'react'
import type { Components } from 'hast-util-to-jsx-runtime'
import { emptyCache, growBlocks, splitBlocks } from './blocks'
import type { Source } from '@contract/chat'
import { Citation, SourcesContext } from './Citation'
import { CodeBlock } from './CodeBlock'
import { renderMarkdown } from './render'
import './markdown.css'

// Links leave the app (the Electron host opens http(s) links in the system browser).
const Link = (props: AnchorHTMLAttributes<HTMLAnchorElement>) => <a {...props} target="_blank" rel="noreferrer noopener" />
const components = { pre: CodeBlock, a: Link, 'cite-ref': Citation } as unknown as Partial<Components>

/** Characters above which a finished answer is drawn block by block in the background. */
const LARGE = 6000
const NONE: string[] = []

const Block = memo(function Block({ text }: { text: string }) {
  return <>{renderMarkdown(text, components)}</>
})

/**
 * Markdown with GFM tables, task lists, code highlighting (highlight.js via rehype-highlight),
 * copy buttons and KaTeX math. While `streaming`, the text is split into top-level blocks and only
 * the last one re-renders as text arrives; an answer read from history renders in one pass. Raw HTML is
 * dropped, never parsed. Citation markers ([1]) of the given `sources` are clickable.
 */
export function Markdown({ text, streaming = false, sources }: { text: string; streaming?: boolean; sources?: Source[] }) {
  const cache = useRef(emptyCache())
  const large = !streaming && !cache.current.text && text.length > LARGE
  const blocks = useMemo(() => {
    if (large) return splitBlocks(text)
    // An answer that streamed here keeps its blocks when it ends: re-rendering it whole would be
    // one long task at the very end of a long answer.
    if (!streaming && !cache.current.text) return [text]
    const next = growBlocks(cache.current, text)
    cache.current = next.cache
    return next.blocks
  }, [text, streaming, large])
  // A long answer from history is drawn in a background render that React splits between its
  // blocks, so opening a session that ends with one does not block the page.
  const shown = useDeferredValue(blocks, large ? NONE : blocks)
  return (
    <SourcesContext.Provider value={sources ?? null}>
      <div className="md">
        {shown.map((b, i) => (
          <Block key={i} text={b} />
        ))}
      </div>
    </SourcesContext.Provider>
  )
}
