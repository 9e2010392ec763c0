import { describe, expect, it } from 'vitest'
import { columnLetters, columnNumber, displayValue, fromCellValue, parseRange, toCellValue } from './cells.js'
import { parseCsv, toCsv } from './csv.js'
import { resolveFileName } from './file-names.js'

describe('file names', () => {
  const dir = '/srv/excel'

  it('accepts plain names and adds the default extension', () => {
    expect(resolveFileName(dir, 'report', ['xlsx'])).toEqual({ name: 'report.xlsx', path: '/srv/excel/report.xlsx', kind: 'xlsx' })
    expect(resolveFileName(dir, ' 销售 2024.xlsx ', ['xlsx']).name).toBe('销售 2024.xlsx')
    expect(resolveFileName(dir, 'out.CSV', ['xlsx', 'csv']).kind).toBe('csv')
  })

  it.each(['../x.xlsx', '..', '.', 'a/../../x.xlsx', '/etc/passwd', 'C:\\x.xlsx', 'x\u0000.xlsx', 'CON.xlsx', '.env', ''])('refuses %j', (name) => {
    expect(() => resolveFileName(dir, name, ['xlsx'])).toThrow(/^Refused file name/)
  })

  it('refuses other file types', () => {
    expect(() => resolveFileName(dir, 'script.sh', ['xlsx'])).toThrow(/only .xlsx files/)
  })
})

describe('cell addresses', () => {
  it('converts column letters both ways', () => {
    for (const [letters, n] of [
      ['A', 1],
      ['Z', 26],
      ['AA', 27],
      ['XFD', 16384]
    ] as const) {
      expect(columnNumber(letters)).toBe(n)
      expect(columnLetters(n)).toBe(letters)
    }
  })

  it('normalises ranges', () => {
    expect(parseRange('c3:a1')).toEqual({ top: 1, left: 1, bottom: 3, right: 3 })
    expect(parseRange('$B$2')).toEqual({ top: 2, left: 2, bottom: 2, right: 2 })
    expect(() => parseRange('A1:B2:C3')).toThrow(/not a range/)
    expect(() => parseRange('A0')).toThrow(/not a cell address/)
  })

  it('maps formulas in and out', () => {
    expect(toCellValue('=A1*2')).toEqual({ formula: 'A1*2' })
    expect(toCellValue('=')).toBe('=')
    expect(fromCellValue({ formula: 'A1*2', result: 4 })).toEqual({ formula: '=A1*2', result: 4 })
    expect(displayValue({ formula: 'A1*2', result: 4 })).toBe(4)
    expect(displayValue({ formula: 'A1*2' } as never)).toBe('=A1*2')
    expect(fromCellValue({ richText: [{ text: 'a' }, { text: 'b' }] })).toBe('ab')
    expect(fromCellValue(new Date(Date.UTC(2024, 0, 2)))).toBe('2024-01-02T00:00:00.000Z')
  })
})

describe('csv', () => {
  it('types only canonical numbers and detects the delimiter', () => {
    expect(parseCsv('\uFEFFa;b;c\n1;007;1e3\n-2.5;;x\n')).toEqual([
      ['a', 'b', 'c'],
      [1, '007', '1e3'],
      [-2.5, null, 'x']
    ])
  })

  it('quotes what needs quoting', () => {
    expect(toCsv([['a,b', 'say "hi"', null, 3]])).toBe('"a,b","say ""hi""",,3')
  })
})
