import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, test } from 'vitest'
import { renderMarkdown } from '../../../src-renderer/src/chat/markdown/render'

// What the Markdown component gets for each marker: a `cite-ref` element with the number.
const html = (text: string) =>
  renderToStaticMarkup(createElement('div', null, renderMarkdown(text, { 'cite-ref': ({ n }: { n: string }) => createElement('sup', null, `#${n}`) } as never)))

describe('citation markers in answers', () => {
  test('[1] and [2] in prose, lists and tables become citation elements', () => {
    expect(html('Opens at 9:00 [1], closes at 17:00 [2].')).toBe('<div><p>Opens at 9:00 <sup>#1</sup>, closes at 17:00 <sup>#2</sup>.</p></div>')
    expect(html('- first [1][3]')).toContain('<li>first <sup>#1</sup><sup>#3</sup></li>')
    expect(html('| a |\n| - |\n| x [2] |')).toContain('<td>x <sup>#2</sup></td>')
  })

  test('code, links and formulas keep their brackets; other brackets stay text', () => {
    expect(html('`arr[1]`')).toContain('<code>arr[1]</code>')
    expect(html('```\nx = a[1]\n```')).not.toContain('<sup>')
    expect(html('[see [1]](https://example.com)')).not.toContain('<sup>')
    expect(html('$a_{[1]}$')).not.toContain('<sup>')
    expect(html('[100] and [x] and [ 1 ]')).toBe('<div><p>[100] and [x] and [ 1 ]</p></div>')
  })
})
