import { describe, expect, it } from 'vitest'
import { chunkDocument, documentText, type Chunk } from '../../../src-main/core/knowledge/chunk'
import type { ParsedDocument } from '../../../src-main/core/knowledge/parse'
import { AppError } from '../../../src-main/contract/errors'
import { parseDocument } from '../../../src-main/core/knowledge/parse'
import { makeDocx, makePdf } from './fixtures'

function doc(...sections: ParsedDocument['sections']): ParsedDocument {
  return { sections, charCount: sections.reduce((n, s) => n + s.text.length, 0) }
}

/** Deterministic pseudo-random source so property checks cover many shapes yet never flake. */
function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const EN_WORDS = ['ticket', 'museum', 'opens', 'at', 'eight', 'LanceDB', 'ERR_CONNECTION_RESET', 'the', 'gate', 'price', 'is', '88', 'yuan', 'e.g.', '3.14']
const ZH_SENTENCES = ['古镇景点的门票价格是八十八元。', '学生凭证半价！', '开放时间为早八点至晚五点；', '请问停车场在哪里？', '欢迎光临……', '「这里」是入口。']

function randomText(rand: () => number, length: number): string {
  let text = ''
  while (text.length < length) {
    const r = rand()
    if (r < 0.45) text += ZH_SENTENCES[Math.floor(rand() * ZH_SENTENCES.length)]
    else if (r < 0.85) {
      const n = 1 + Math.floor(rand() * 12)
      text += Array.from({ length: n }, () => EN_WORDS[Math.floor(rand() * EN_WORDS.length)]).join(' ') + (rand() < 0.5 ? '. ' : '! ')
    } else if (r < 0.93) text += '\n\n'
    else if (r < 0.97) text += '\n'
    else text += '无标点的长串'.repeat(1 + Math.floor(rand() * 40)) // no boundary at all: falls back to characters
  }
  return text
}

/** The invariants every chunking must keep. */
function checkInvariants(d: ParsedDocument, chunks: Chunk[], size: number, overlap: number) {
  const full = documentText(d)
  const covered = new Uint8Array(full.length)
  chunks.forEach((c, i) => {
    expect(c.index).toBe(i)
    expect(c.text.length).toBeLessThanOrEqual(size)
    expect(c.text.length).toBeGreaterThan(0)
    expect(c.text).toBe(c.text.trim())
    // each chunk is a verbatim slice at charStart
    expect(full.slice(c.charStart, c.charStart + c.text.length)).toBe(c.text)
    covered.fill(1, c.charStart, c.charStart + c.text.length)
    const prev = chunks[i - 1]
    if (prev && prev.headingPath.join('\u0000') === c.headingPath.join('\u0000') && prev.page === c.page) {
      const prevEnd = prev.charStart + prev.text.length
      expect(c.charStart).toBeGreaterThan(prev.charStart)
      expect(prevEnd - c.charStart).toBeLessThanOrEqual(overlap) // overlap never exceeds what was asked
    }
  })
  // no text lost: every non-whitespace character is in some chunk
  for (let i = 0; i < full.length; i++) if (!covered[i] && !/\s/.test(full[i])) throw new Error(`character ${i} (${full[i]}) is in no chunk`)
  // concatenating the chunks minus their overlaps gives the document back (up to whitespace)
  let rebuilt = ''
  let end = 0
  for (const c of chunks) {
    const from = Math.max(0, end - c.charStart)
    rebuilt += c.text.slice(from)
    end = Math.max(end, c.charStart + c.text.length)
  }
  expect(rebuilt.replace(/\s+/g, '')).toBe(full.replace(/\s+/g, ''))
}

describe('chunkDocument', () => {
  it('keeps one section in one chunk when it fits, with its heading path and page', () => {
    const d = doc({ text: 'Short intro.', headingPath: ['Guide'] }, { text: 'Page two text.', headingPath: [], page: 2 })
    expect(chunkDocument(d, { size: 100, overlap: 10 })).toEqual([
      { index: 0, text: 'Short intro.', headingPath: ['Guide'], charStart: 0 },
      { index: 1, text: 'Page two text.', headingPath: [], page: 2, charStart: 12 }
    ])
  })

  it('cuts at paragraphs before sentences, and at sentences before words', () => {
    const para1 = 'The gate opens at eight. Tickets are sold inside.'
    const para2 = 'The museum closes at five. Last entry is at four.'
    const chunks = chunkDocument(doc({ text: `${para1}\n\n${para2}`, headingPath: [] }), { size: 60, overlap: 0 })
    expect(chunks.map((c) => c.text)).toEqual([para1, para2])
    const sentences = chunkDocument(doc({ text: para1, headingPath: [] }), { size: 30, overlap: 0 })
    expect(sentences.map((c) => c.text)).toEqual(['The gate opens at eight.', 'Tickets are sold inside.'])
  })

  it('splits Chinese at 。！？；… and keeps closing quotes with their sentence', () => {
    const text = '古镇景点的门票价格是八十八元。学生凭证半价！开放时间为早八点至晚五点；请问停车场在哪里？欢迎光临……「这里」是入口。'
    const chunks = chunkDocument(doc({ text, headingPath: ['门票'] }), { size: 16, overlap: 0 })
    expect(chunks.map((c) => c.text)).toEqual([
      '古镇景点的门票价格是八十八元。',
      '学生凭证半价！',
      '开放时间为早八点至晚五点；',
      '请问停车场在哪里？欢迎光临……',
      '「这里」是入口。'
    ])
    expect(chunks.every((c) => c.headingPath[0] === '门票')).toBe(true)
    checkInvariants(doc({ text, headingPath: ['门票'] }), chunks, 16, 0)
  })

  it('overlaps consecutive chunks, starting the overlap at a sentence when it can', () => {
    const text = 'One two three four. Five six seven eight. Nine ten eleven twelve. Thirteen fourteen.'
    const d = doc({ text, headingPath: [] })
    const chunks = chunkDocument(d, { size: 45, overlap: 22 })
    checkInvariants(d, chunks, 45, 22)
    expect(chunks[1].text.startsWith('Five six seven eight.')).toBe(true)
    expect(chunks.length).toBeGreaterThan(2)
  })

  it('falls back to characters for text with no boundary, without splitting surrogate pairs', () => {
    const text = '😀'.repeat(50)
    const d = doc({ text, headingPath: [] })
    const chunks = chunkDocument(d, { size: 7, overlap: 2 })
    checkInvariants(d, chunks, 7, 2)
    for (const c of chunks) expect(c.text).toMatch(/^(😀)+$/u)
  })

  it('never mixes sections and never overlaps across them', () => {
    const d = doc({ text: 'a '.repeat(60).trim(), headingPath: ['A'] }, { text: 'b '.repeat(60).trim(), headingPath: ['B'], page: 3 })
    const chunks = chunkDocument(d, { size: 50, overlap: 10 })
    checkInvariants(d, chunks, 50, 10)
    for (const c of chunks) expect(c.text).toMatch(c.headingPath[0] === 'A' ? /^[a ]+$/ : /^[b ]+$/)
    expect(chunks.filter((c) => c.page === 3).every((c) => c.headingPath[0] === 'B')).toBe(true)
  })

  it('keeps every invariant on random mixed English/Chinese documents', () => {
    const rand = rng(42)
    for (let round = 0; round < 60; round++) {
      const size = 8 + Math.floor(rand() * 400)
      const overlap = Math.floor(rand() * Math.min(size, 120))
      const sections = Array.from({ length: 1 + Math.floor(rand() * 4) }, (_, i) => ({
        text: randomText(rand, 1 + Math.floor(rand() * 2500)),
        headingPath: [`H${i}`],
        ...(rand() < 0.5 ? { page: i + 1 } : {})
      }))
      const d = doc(...sections)
      checkInvariants(d, chunkDocument(d, { size, overlap }), size, overlap)
    }
  })

  it('carries page numbers and heading paths from parsed PDF and DOCX files into the chunks', async () => {
    const line = 'Visitors buy tickets at the north gate before entering the old town.'
    const pdf = await parseDocument({ fileName: 'r.pdf', buffer: await makePdf([Array(8).fill(line), Array(8).fill(line)]) })
    const pdfChunks = chunkDocument(pdf, { size: 200, overlap: 40 })
    checkInvariants(pdf, pdfChunks, 200, 40)
    expect(new Set(pdfChunks.map((c) => c.page))).toEqual(new Set([1, 2]))
    const docx = await parseDocument({ fileName: 'g.docx', buffer: await makeDocx() })
    const docxChunks = chunkDocument(docx, { size: 30, overlap: 5 })
    checkInvariants(docx, docxChunks, 30, 5)
    expect(docxChunks.find((c) => c.text.includes('学生'))?.headingPath).toEqual(['Tickets', 'Discounts'])
  })

  it('rejects an overlap that is not smaller than the size, and sizes that are not positive integers', () => {
    const d = doc({ text: 'x', headingPath: [] })
    const err = (() => {
      try {
        chunkDocument(d, { size: 100, overlap: 100 })
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('validation_failed')
    expect((err as AppError).message).toBe('Chunk overlap must be smaller than chunk size (100 ≥ 100)')
    expect(() => chunkDocument(d, { size: 0, overlap: 0 })).toThrow(/positive integer/)
    expect(() => chunkDocument(d, { size: 10.5, overlap: 0 })).toThrow(/positive integer/)
    expect(() => chunkDocument(d, { size: 10, overlap: -1 })).toThrow(/non-negative/)
  })
})
