import { describe, expect, it } from 'vitest'
import { buildItem, getPath, redactUrl, textOf } from '../../../src-main/core/knowledge/sources/readers'
import { formatPassages } from '../../../src-main/core/knowledge/retrieval/agent-knowledge'

describe('source items', () => {
  it('reads dot paths with indexes and a $ prefix', () => {
    const v = { data: { items: [{ a: { b: 1 } }, { a: { b: 2 } }] } }
    expect(getPath(v, 'data.items[1].a.b')).toBe(2)
    expect(getPath(v, '$.data.items.0.a')).toEqual({ b: 1 })
    expect(getPath(v, 'data.missing.x')).toBeUndefined()
    expect(getPath([1, 2], '')).toEqual([1, 2])
  })

  it('builds text from one field as its value and from several as labelled lines', () => {
    const row: Record<string, unknown> = { id: 7, title: ' 门票 ', body: '八十八元', note: null, tags: ['a', 'b'] }
    expect(buildItem((c) => row[c], ['body'], 'title', 'id')).toEqual({ key: '7', title: '门票', text: '八十八元' })
    expect(buildItem((c) => row[c], ['body', 'note', 'tags'], null, null)).toMatchObject({ title: null, text: 'body: 八十八元\ntags: ["a","b"]' })
    // Without an id the content identifies the item, so the same content keeps its key.
    const a = buildItem((c) => row[c], ['body'], null, null)
    expect(a.key).toMatch(/^hash:[0-9a-f]{64}$/)
    expect(buildItem((c) => row[c], ['body'], null, null).key).toBe(a.key)
  })

  it('shows values as people read them', () => {
    expect(textOf(new Date('2026-01-02T03:04:05Z'))).toBe('2026-01-02T03:04:05.000Z')
    expect(textOf(Buffer.from('字节'))).toBe('字节')
    expect(textOf(undefined)).toBe('')
    expect(textOf(12.5)).toBe('12.5')
  })

  it('masks the password of a MySQL URL', () => {
    expect(redactUrl('mysql://app:s3cret@db.local:3306/shop')).toBe('mysql://app:••••••@db.local:3306/shop')
    expect(redactUrl('mysql://root@127.0.0.1:3306/x')).toBe('mysql://root@127.0.0.1:3306/x')
  })
})

describe('passages for the model', () => {
  it('numbers passages from the given start with document, headings and page', () => {
    const text = formatPassages(
      [
        { kbId: 'k', docId: 'd', docName: 'guide.pdf', chunkId: 'c1', text: 'Open 8-17.', score: 1, page: 3, headingPath: ['Hours'] },
        { kbId: 'k', docId: 'e', docName: 'faq.md', chunkId: 'c2', text: '门票八十八元。', score: 0.5 }
      ],
      4
    )
    expect(text).toBe('[4] guide.pdf › Hours (p. 3)\nOpen 8-17.\n\n[5] faq.md\n门票八十八元。')
  })
})
