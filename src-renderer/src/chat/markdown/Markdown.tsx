import 'katex/dist/katex.min.css'
import { memo, useMemo, useRef, type AnchorHTMLAttributes } from 'react'
import ReactMarkdown, { type Components } from 'react-markdown'
import rehypeHighlight from 'rehype-highlight'
import rehypeKatex from 'rehype-katex'
import remarkGfm from 'remark-gfm'
import remarkMath from 'remark-math'
import { emptyCache, growBlocks, splitBlocks } from './blocks'
import { CodeBlock } from './CodeBlock'
import './markdown.css'

const remarkPlugins = [remarkGfm, remarkMath]
// A model writing a bad formula must not break the answer: KaTeX shows it in red instead.
const rehypePlugins = [[rehypeKatex, { throwOnError: false, strict: 'ignore' }], [rehypeHighlight, { detect: false }]] as never

// Links leave the app (the Electron host opens http(s) links in the system browser).
const Link = (props: AnchorHTMLAttributes<HTMLAnchorElement>) => <a {...props} target="_blank" rel="noreferrer noopener" />
const components: Components = { pre: CodeBlock, a: Link }

const Block = memo(function Block({ text }: { text: string }) {
  return (
    <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components}>
      {text}
    </ReactMarkdown>
  )
})

/**
 * Markdown with GFM tables, task lists, code highlighting (highlight.js via rehype-highlight),
 * copy buttons and KaTeX math. Rendered block by block: while `streaming`, only the last block
 * re-renders as text arrives. Raw HTML is shown as text, never parsed.
 */
export function Markdown({ text, streaming = false }: { text: string; streaming?: boolean }) {
  const cache = useRef(emptyCache())
  const blocks = useMemo(() => {
    if (!streaming) return splitBlocks(text)
    const next = growBlocks(cache.current, text)
    cache.current = next.cache
    return next.blocks
  }, [text, streaming])
  return (
    <div className="md">
      {blocks.map((b, i) => (
        <Block key={i} text={b} />
      ))}
    </div>
  )
}
