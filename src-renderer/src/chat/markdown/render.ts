import type { Element, Nodes, Root } from 'hast'
import { toJsxRuntime, type Components } from 'hast-util-to-jsx-runtime'
import type { ReactNode } from 'react'
import { Fragment, jsx, jsxs } from 'react/jsx-runtime'
import { defaultUrlTransform } from 'react-markdown'
import rehypeHighlight from 'rehype-highlight'
import rehypeKatex from 'rehype-katex'
import remarkGfm from 'remark-gfm'
import remarkMath from 'remark-math'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import { unified } from 'unified'
import { markCitations } from './citations'

/**
 * The remark → rehype pipeline react-markdown runs, built and frozen once: react-markdown builds a
 * processor per render, and freezing one registers every highlight.js grammar again (≈10 ms per
 * block), which made opening a long session one 300 ms task.
 */
const processor = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkMath)
  // Raw HTML in an answer is dropped, never parsed (remark-rehype without allowDangerousHtml).
  .use(remarkRehype)
  // A bad formula does not break the answer: rehype-katex shows it as an error in red.
  .use(rehypeKatex, { strict: 'ignore' })
  .use(rehypeHighlight, { detect: false })
  .freeze()

const URL_PROPS = ['href', 'src', 'cite', 'poster', 'action']

/** Links and images go through react-markdown's own rule: javascript: and other schemes become ''. */
function safeUrls(node: Nodes) {
  if (node.type === 'element') {
    const el = node as Element
    for (const prop of URL_PROPS) {
      const value = el.properties[prop]
      if (typeof value === 'string') el.properties[prop] = defaultUrlTransform(value)
    }
  }
  if ('children' in node) for (const child of node.children) safeUrls(child as Nodes)
}

export function renderMarkdown(text: string, components: Partial<Components>): ReactNode {
  const tree = processor.runSync(processor.parse(text)) as Root
  safeUrls(tree)
  markCitations(tree)
  return toJsxRuntime(tree, { Fragment, jsx, jsxs, components, ignoreInvalidStyle: true, passKeys: true })
}
