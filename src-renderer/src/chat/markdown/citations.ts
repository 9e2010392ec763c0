import type { Element, ElementContent, Nodes, RootContent, Text } from 'hast'

/** `[1]`…`[99]` as the model cites the numbered passages it was given. */
const MARKER = /\[(\d{1,2})\]/g
// Code, links and formulas keep their brackets.
const SKIP = new Set(['code', 'pre', 'a', 'script', 'style'])
const isKatex = (el: Element) => {
  const cls = el.properties.className
  return Array.isArray(cls) && cls.some((c) => String(c).startsWith('katex'))
}

function split(node: Text): ElementContent[] | null {
  const parts: ElementContent[] = []
  let last = 0
  for (const m of node.value.matchAll(MARKER)) {
    if (m.index > last) parts.push({ type: 'text', value: node.value.slice(last, m.index) })
    parts.push({ type: 'element', tagName: 'cite-ref', properties: { n: m[1] }, children: [{ type: 'text', value: m[0] }] })
    last = m.index + m[0].length
  }
  if (!parts.length) return null
  if (last < node.value.length) parts.push({ type: 'text', value: node.value.slice(last) })
  return parts
}

/**
 * Turns citation markers in the answer's text into `cite-ref` elements, which the Markdown
 * component draws as a clickable number when the message has that source (else as the plain text).
 */
export function markCitations(node: Nodes) {
  if (node.type === 'element' && (SKIP.has(node.tagName) || isKatex(node))) return
  if (!('children' in node)) return
  const out: RootContent[] = []
  let changed = false
  for (const child of node.children) {
    if (child.type === 'text') {
      const parts = split(child)
      if (parts) {
        out.push(...(parts as RootContent[]))
        changed = true
        continue
      }
    } else markCitations(child as Nodes)
    out.push(child)
  }
  if (changed) node.children = out as typeof node.children
}
