import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import ExcelJS from 'exceljs'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { callError, callJson, connect, connectInMemory, type Peer, type TransportName } from '../testing/peers.js'
import { createExcelServer } from './server.js'

const downloadBase = 'http://127.0.0.1:5001/files/excel'

async function openWorkbook(path: string): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.readFile(path)
  return workbook
}

describe.each<TransportName>(['stdio', 'http'])('excel server over %s', (transport) => {
  let root: string
  let dataDir: string
  let peer: Peer
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'agenta-excel-'))
    dataDir = join(root, 'data')
    peer = await connect(transport, 'excel', ['--data-dir', dataDir], { AGENTA_DOWNLOAD_BASE_URL: downloadBase })
  })
  afterAll(async () => {
    await peer?.close()
    await rm(root, { recursive: true, force: true })
  })

  it('lists the workbook tools', async () => {
    const { tools } = await peer.client.listTools()
    expect(tools.map((t) => t.name).sort()).toEqual(
      [
        'add_sheet',
        'create_workbook',
        'delete_file',
        'delete_sheet',
        'export_csv',
        'format_range',
        'import_csv',
        'list_files',
        'list_sheets',
        'read_range',
        'rename_sheet',
        'write_range'
      ].sort()
    )
  })

  it('writes values and a formula that exceljs reads back, with a download link', async () => {
    const created = await callJson(peer.client, 'create_workbook', { fileName: 'sales', sheets: ['Q1'] })
    expect(created).toEqual({ created: 'sales.xlsx', sheets: ['Q1'], link: `${downloadBase}/sales.xlsx` })

    const written = await callJson(peer.client, 'write_range', {
      fileName: 'sales.xlsx',
      sheetName: 'Q1',
      startCell: 'B2',
      values: [
        ['Item', 'Qty', 'Price'],
        ['Pen', 3, 1.5],
        ['Book', 2, 12],
        ['Total', '=SUM(C3:C4)', '=SUMPRODUCT(C3:C4,D3:D4)']
      ]
    })
    expect(written).toMatchObject({ range: 'B2:D5', cells: 12, formulas: 2, created: false, link: `${downloadBase}/sales.xlsx` })

    const sheet = (await openWorkbook(join(dataDir, 'sales.xlsx'))).getWorksheet('Q1')!
    expect(sheet.getCell('B3').value).toBe('Pen')
    expect(sheet.getCell('C4').value).toBe(2)
    expect(sheet.getCell('D3').value).toBe(1.5)
    expect(sheet.getCell('C5').formula).toBe('SUM(C3:C4)')
    expect(sheet.getCell('D5').formula).toBe('SUMPRODUCT(C3:C4,D3:D4)')

    const read = await callJson(peer.client, 'read_range', { fileName: 'sales.xlsx', sheetName: 'Q1', range: 'B4:C5' })
    expect(read.values).toEqual([
      ['Book', 2],
      ['Total', { formula: '=SUM(C3:C4)', result: null }]
    ])
  })

  it('formats cells: bold, fill, number format and column width', async () => {
    await callJson(peer.client, 'write_range', { fileName: 'styled.xlsx', values: [['Rate', 0.25]] })
    await callJson(peer.client, 'format_range', { fileName: 'styled.xlsx', range: 'A1:B1', bold: true, fillColor: '#ffcc00', columnWidth: 18 })
    await callJson(peer.client, 'format_range', { fileName: 'styled.xlsx', range: 'B1', numberFormat: '0.0%', fontColor: 'C00000' })

    const sheet = (await openWorkbook(join(dataDir, 'styled.xlsx'))).worksheets[0]
    expect(sheet.getCell('A1').font).toMatchObject({ bold: true })
    expect(sheet.getCell('B1').font).toMatchObject({ bold: true, color: { argb: 'FFC00000' } })
    expect(sheet.getCell('A1').fill).toMatchObject({ type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFCC00' } })
    expect(sheet.getCell('B1').numFmt).toBe('0.0%')
    expect(sheet.getColumn(1).width).toBe(18)
    expect(sheet.getColumn(2).width).toBe(18)
  })

  it('adds, renames, lists and deletes sheets', async () => {
    await callJson(peer.client, 'create_workbook', { fileName: 'tabs.xlsx' })
    await callJson(peer.client, 'add_sheet', { fileName: 'tabs.xlsx', sheetName: 'Raw' })
    await callJson(peer.client, 'rename_sheet', { fileName: 'tabs.xlsx', sheetName: 'Raw', newName: 'Data' })
    expect(await callError(peer.client, 'add_sheet', { fileName: 'tabs.xlsx', sheetName: 'data' })).toMatch(/already exists/)
    const listed = await callJson(peer.client, 'list_sheets', { fileName: 'tabs.xlsx' })
    expect(listed.sheets.map((s: { name: string }) => s.name)).toEqual(['Sheet1', 'Data'])
    await callJson(peer.client, 'delete_sheet', { fileName: 'tabs.xlsx', sheetName: 'Sheet1' })
    expect(await callError(peer.client, 'delete_sheet', { fileName: 'tabs.xlsx', sheetName: 'Data' })).toMatch(/only sheet/)
    expect((await openWorkbook(join(dataDir, 'tabs.xlsx'))).worksheets.map((s) => s.name)).toEqual(['Data'])
  })

  it('round-trips CSV through a sheet, keeping codes as text', async () => {
    const csv = 'city,code,visitors\r\n北京,007,1200\r\n"Rome, IT",010,35.5'
    const imported = await callJson(peer.client, 'import_csv', { fileName: 'visits.xlsx', sheetName: 'Cities', csv })
    expect(imported).toMatchObject({ rows: 3, range: 'A1:C3', link: `${downloadBase}/visits.xlsx` })

    const sheet = (await openWorkbook(join(dataDir, 'visits.xlsx'))).getWorksheet('Cities')!
    expect(sheet.getCell('B2').value).toBe('007')
    expect(sheet.getCell('C2').value).toBe(1200)

    const exported = await callJson(peer.client, 'export_csv', { fileName: 'visits.xlsx', sheetName: 'Cities', csvFileName: 'visits-out.csv' })
    expect(exported).toMatchObject({ file: 'visits-out.csv', rows: 3, csv, link: `${downloadBase}/visits-out.csv` })
    expect(await readFile(join(dataDir, 'visits-out.csv'), 'utf8')).toBe('\uFEFF' + csv)

    // And back in from the file, replacing what the sheet held.
    await callJson(peer.client, 'write_range', { fileName: 'visits.xlsx', sheetName: 'Cities', startCell: 'A10', values: [['stale']] })
    await callJson(peer.client, 'import_csv', { fileName: 'visits.xlsx', sheetName: 'Cities', csvFile: 'visits-out.csv' })
    const again = await callJson(peer.client, 'read_range', { fileName: 'visits.xlsx', sheetName: 'Cities' })
    expect(again.range).toBe('A1:C3')
    expect(again.values[2]).toEqual(['Rome, IT', '010', 35.5])
  })

  it('refuses names that would leave the data folder', async () => {
    for (const name of ['../x.xlsx', '../../etc/passwd', '/tmp/x.xlsx', 'sub/x.xlsx', '..\\x.xlsx', '.hidden.xlsx', 'C:x.xlsx']) {
      expect(await callError(peer.client, 'write_range', { fileName: name, values: [[1]] })).toMatch(/^Refused file name/)
    }
    expect(await callError(peer.client, 'delete_file', { fileName: '../data/sales.xlsx' })).toMatch(/^Refused file name/)
    expect(await callError(peer.client, 'import_csv', { fileName: 'a.xlsx', csvFile: '../secret.csv' })).toMatch(/^Refused file name/)
    expect(await readdir(root)).toEqual(['data'])
  })

  it('lists and deletes files', async () => {
    const before = await callJson(peer.client, 'list_files')
    expect(before.files.map((f: { name: string }) => f.name)).toEqual(expect.arrayContaining(['sales.xlsx', 'visits-out.csv']))
    expect(before.files.find((f: { name: string }) => f.name === 'sales.xlsx')).toMatchObject({ link: `${downloadBase}/sales.xlsx` })
    await callJson(peer.client, 'delete_file', { fileName: 'visits-out.csv' })
    const after = await callJson(peer.client, 'list_files')
    expect(after.files.map((f: { name: string }) => f.name)).not.toContain('visits-out.csv')
    expect(await callError(peer.client, 'delete_file', { fileName: 'visits-out.csv' })).toMatch(/No file "visits-out.csv"/)
  })
})

describe('excel server in process', () => {
  let dataDir: string
  let client: Client
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'agenta-excel-'))
    client = await connectInMemory(createExcelServer({ dataDir, maxReadCells: 6 }))
  })
  afterAll(() => rm(dataDir, { recursive: true, force: true }))

  it('links to the absolute path when no download URL is set', async () => {
    const created = await callJson(client, 'create_workbook', { fileName: 'local.xlsx' })
    expect(created.link).toBe(join(dataDir, 'local.xlsx'))
    expect(await callError(client, 'create_workbook', { fileName: 'local.xlsx' })).toMatch(/already exists; pass overwrite: true/)
  })

  it('keeps every write when calls on one file overlap', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => callJson(client, 'write_range', { fileName: 'busy.xlsx', startCell: `A${i + 1}`, values: [[i]] })))
    const sheet = (await openWorkbook(join(dataDir, 'busy.xlsx'))).worksheets[0]
    expect(Array.from({ length: 8 }, (_, i) => sheet.getCell(`A${i + 1}`).value)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    expect((await readdir(dataDir)).filter((name) => name.startsWith('.'))).toEqual([])
  })

  it('truncates big reads and says how to get the rest', async () => {
    await callJson(client, 'write_range', { fileName: 'big.xlsx', values: Array.from({ length: 5 }, (_, r) => [r, r * 2]) })
    const read = await callJson(client, 'read_range', { fileName: 'big.xlsx' })
    expect(read.range).toBe('A1:B3')
    expect(read.truncated).toMatch(/Showing A1:B3 of A1:B5/)
  })

  it('explains missing files, missing sheets, bad ranges and unreadable workbooks', async () => {
    expect(await callError(client, 'read_range', { fileName: 'nope.xlsx' })).toMatch(/No workbook "nope.xlsx"/)
    expect(await callError(client, 'read_range', { fileName: 'local.xlsx', sheetName: 'Q9' })).toMatch(/No sheet "Q9"; the workbook has "Sheet1"/)
    expect(await callError(client, 'read_range', { fileName: 'local.xlsx', range: 'A1:ZZZZ9' })).toMatch(/not a cell address/)
    expect(await callError(client, 'add_sheet', { fileName: 'local.xlsx', sheetName: 'a/b' })).toMatch(/cannot contain/)
    await writeFile(join(dataDir, 'broken.xlsx'), 'not a zip')
    expect(await callError(client, 'list_sheets', { fileName: 'broken.xlsx' })).toMatch(/"broken.xlsx" is not a readable .xlsx workbook/)
    expect(await callError(client, 'format_range', { fileName: 'local.xlsx', range: 'A1' })).toMatch(/Nothing to format/)
  })
})
