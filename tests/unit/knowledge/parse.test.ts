import { describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as XLSX from '@e965/xlsx'
import { parseDocument, supportedExtensions } from '../../../src-main/core/knowledge/parse'
import { AppError } from '../../../src-main/contract/errors'
import { makeDocx, makePdf, makeXlsx } from './fixtures'

const parse = (fileName: string, content: string | Buffer, mimeType?: string) =>
  parseDocument({ fileName, buffer: typeof content === 'string' ? Buffer.from(content) : content, mimeType })

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(AppError)
  return err as AppError
}

describe('parseDocument', () => {
  it('reads a two-page PDF made by pdf-lib, page by page', async () => {
    const pdf = await makePdf([['Chapter one. The ticket office opens at eight.'], ['Chapter two. The museum closes at five.']], 'Visitor Report')
    const doc = await parse('report.pdf', pdf)
    expect(doc.title).toBe('Visitor Report')
    expect(doc.sections.map((s) => s.page)).toEqual([1, 2])
    expect(doc.sections[0].text).toContain('ticket office opens at eight')
    expect(doc.sections[1].text).toContain('museum closes at five')
    expect(doc.charCount).toBe(doc.sections.reduce((n, s) => n + s.text.length, 0))
    expect(pdf.length).toBeGreaterThan(0) // the caller's buffer is not detached by pdf.js
  })

  it('gives a clear error for a corrupt PDF', async () => {
    const err = await rejection(parse('report.pdf', '%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage'))
    expect(err.code).toBe('validation_failed')
    expect(err.message).toMatch(/^Cannot read report\.pdf: /)
  })

  it('reads a DOCX made by the docx package with its heading path', async () => {
    const doc = await parse('guide.docx', await makeDocx())
    expect(doc.title).toBe('Travel Guide')
    const byText = (needle: string) => doc.sections.find((s) => s.text.includes(needle))
    expect(byText('88 yuan')?.headingPath).toEqual(['Tickets'])
    expect(byText('学生凭学生证半价')?.headingPath).toEqual(['Tickets', 'Discounts'])
    expect(byText('8:00 to 17:30')?.headingPath).toEqual(['Opening hours'])
    expect(doc.sections.some((s) => s.text.includes('Travel Guide'))).toBe(false)
    expect(byText('Summer')?.text).toMatch(/Summer \| 8-18/)
  })

  it('rejects a DOCX that is not a ZIP package', async () => {
    const err = await rejection(parse('old.docx', 'this is not a zip'))
    expect(err.message).toMatch(/^Cannot read old\.docx: not a DOCX file/)
  })

  it('reads an XLSX made by exceljs: a section per sheet, each row "header: value"', async () => {
    const doc = await parse('prices.xlsx', await makeXlsx())
    expect(doc.sections.map((s) => s.headingPath)).toEqual([['Prices'], ['Staff']])
    expect(doc.sections[0].text.split('\n')).toEqual(['Item: 门票; Price: 88; Note: 成人', 'Item: Audio guide; Price: 20'])
    expect(doc.sections[1].text).toBe('Name: Alice; Role: Guide')
  })

  it('reads a legacy XLS (BIFF8) file', async () => {
    const wb = XLSX.utils.book_new()
    XLSX.utils.book_append_sheet(
      wb,
      XLSX.utils.aoa_to_sheet([
        ['城市', '人口'],
        ['杭州', 1200]
      ]),
      '城市'
    )
    const xls = XLSX.write(wb, { bookType: 'xls', type: 'buffer' }) as Buffer
    const doc = await parse('cities.xls', xls)
    expect(doc.sections).toEqual([{ text: '城市: 杭州; 人口: 1200', headingPath: ['城市'] }])
  })

  it('rejects a corrupt XLSX', async () => {
    const err = await rejection(parse('broken.xlsx', 'Item,Price\nA,1'))
    expect(err.message).toMatch(/^Cannot read broken\.xlsx: not a valid spreadsheet/)
  })

  it('reads CSV with quoted fields and a guessed delimiter', async () => {
    const doc = await parse('stock.csv', 'name;qty;note\r\n"Widget, large";5;"says ""hi"""\r\nGadget;7;\r\n')
    expect(doc.sections[0].text).toBe('name: Widget, large; qty: 5; note: says "hi"\nname: Gadget; qty: 7')
  })

  it('keeps Markdown headings as structure, not as "#" lines inside code', async () => {
    const md =
      '# Manual\n\nIntro text.\n\n## Install\n\nRun it:\n\n```sh\n# not a heading\nnpm i\n```\n\n### Linux\n\nUse apt.\n\n## Use\n\nSetext below.\n\nFAQ\n---\n\nAnswers.\n'
    const doc = await parse('manual.md', md)
    expect(doc.title).toBe('Manual')
    expect(doc.sections.map((s) => [s.headingPath.join(' > '), s.text.split('\n')[0]])).toEqual([
      ['Manual', 'Intro text.'],
      ['Manual > Install', 'Run it:'],
      ['Manual > Install > Linux', 'Use apt.'],
      ['Manual > Use', 'Setext below.'],
      ['Manual > FAQ', 'Answers.']
    ])
    expect(doc.sections[1].text).toContain('# not a heading')
  })

  it('takes the title from Markdown front matter and does not index the metadata', async () => {
    const doc = await parse('note.md', '---\ntitle: "门票须知"\ntags: [a, b]\n---\n\nBody text.\n')
    expect(doc.title).toBe('门票须知')
    expect(doc.sections).toEqual([{ text: 'Body text.', headingPath: [] }])
  })

  it('ends a heading a sloppy page left open at the next block', async () => {
    const doc = await parse('sloppy.htm', '<html><head><title>T</title><body><p>x</p><h2>Sub<p>after an unclosed h2</p>')
    expect(doc.sections).toEqual([
      { text: 'x', headingPath: [] },
      { text: 'after an unclosed h2', headingPath: ['Sub'] }
    ])
  })

  it('reads HTML text and headings and drops scripts and styles', async () => {
    const html = `<!doctype html><html><head><title>古镇 Guide</title><style>body{color:red}</style><script>var secret = 1</script></head>
      <body><nav>Home</nav><h1>古镇</h1><p>古镇景点的门票价格是<b>八十八元</b>。</p><script>alert("x")</script>
      <h2>Hours &amp; days</h2><ul><li>Mon–Fri</li><li>Sat</li></ul><p>Line one<br>line two</p></body></html>`
    const doc = await parse('page.html', html)
    expect(doc.title).toBe('古镇 Guide')
    const all = doc.sections.map((s) => s.text).join('\n')
    expect(all).not.toMatch(/secret|alert|color:red/)
    expect(doc.sections.find((s) => s.text.includes('门票'))?.text).toBe('古镇景点的门票价格是八十八元。')
    const hours = doc.sections.find((s) => s.headingPath.at(-1) === 'Hours & days')
    expect(hours?.headingPath).toEqual(['古镇', 'Hours & days'])
    expect(hours?.text).toBe('- Mon–Fri\n- Sat\n\nLine one\nline two')
  })

  it('flattens JSON objects and arrays to readable lines, one paragraph per record', async () => {
    const json = JSON.stringify([
      { name: 'West Lake', city: '杭州', tags: ['lake', 'park'], address: { street: 'Beishan Rd', zip: null } },
      { name: 'Old Town', price: 88, open: true }
    ])
    const doc = await parse('sights.json', json)
    expect(doc.sections[0].text).toBe('name: West Lake\ncity: 杭州\ntags: lake, park\naddress.street: Beishan Rd\n\nname: Old Town\nprice: 88\nopen: true')
    const err = await rejection(parse('broken.json', '{"a": '))
    expect(err.message).toMatch(/^Cannot read broken\.json: not valid JSON/)
  })

  it('reads text in UTF-8 with BOM and in GB18030', async () => {
    const utf8 = await parse('a.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('门票\r\n价格')]))
    expect(utf8.sections[0].text).toBe('门票\n价格')
    const gbk = await parse('b.txt', Buffer.from([0xc4, 0xe3, 0xba, 0xc3, 0xca, 0xc0, 0xbd, 0xe7])) // 你好世界 in GBK
    expect(gbk.sections[0].text).toBe('你好世界')
  })

  it('reads from a path on disk and picks the format from the MIME type when the name has no extension', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agenta-parse-'))
    try {
      const file = join(dir, 'notes.md')
      writeFileSync(file, '# Notes\n\nfrom disk')
      const doc = await parseDocument({ path: file, fileName: 'notes.md' })
      expect(doc.sections).toEqual([{ text: 'from disk', headingPath: ['Notes'] }])
      const byMime = await parse('upload', '<h1>T</h1><p>x</p>', 'text/html; charset=utf-8')
      expect(byMime.sections).toEqual([{ text: 'x', headingPath: ['T'] }])
      const missing = await rejection(parseDocument({ path: join(dir, 'gone.txt'), fileName: 'gone.txt' }))
      expect(missing.code).toBe('not_found')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('rejects unsupported and empty files with a reason', async () => {
    expect((await rejection(parse('photo.png', 'x'))).message).toMatch(/^Cannot read photo\.png: unsupported file type \.png \(supported: .*\.pdf/)
    expect((await rejection(parse('old.doc', 'x'))).message).toBe('Cannot read old.doc: legacy Word .doc files are not supported; save it as .docx')
    expect((await rejection(parse('empty.txt', ''))).message).toBe('Cannot read empty.txt: the file is empty')
    expect((await rejection(parse('blank.md', '\n\n   \n'))).message).toBe('Cannot read blank.md: no text found')
    expect(supportedExtensions).toEqual(expect.arrayContaining(['.txt', '.md', '.html', '.pdf', '.docx', '.xlsx', '.xls', '.csv', '.json']))
  })
})
