import type { WorkBook } from '@e965/xlsx'
import type { FormatParser, Section } from './types'
import { cannotRead, corrupt, reasonOf } from './errors'
import { isZip } from './docx'
import { rowsToLines } from './table-rows'

let sheetJs: Promise<typeof import('@e965/xlsx')> | undefined

/** SheetJS and its code-page tables cost ~40 MB of RSS: loaded with the first spreadsheet, not at start-up. */
function loadSheetJs() {
  return (sheetJs ??= (async () => {
    const [XLSX, cptable] = await Promise.all([import('@e965/xlsx'), import('@e965/xlsx/dist/cpexcel.full.mjs')])
    // Legacy .xls files store text in Windows code pages (e.g. 936 for Chinese); without the
    // tables SheetJS returns mojibake for them.
    XLSX.set_cptable(cptable)
    return XLSX
  })())
}

/**
 * XLSX and legacy XLS (and ODS) through SheetJS — the npm-registry republish of the current
 * release (@e965/xlsx), since the "xlsx" package on npm is stuck on a version with known
 * prototype-pollution and ReDoS bugs on crafted files. One section per sheet.
 */
export const parseSpreadsheet: FormatParser = async (buffer, fileName) => {
  const ext = fileName.toLowerCase().split('.').pop()
  // SheetJS reads almost any bytes as *some* sheet (even plain text); check the container first
  // so a corrupt .xlsx fails clearly instead of indexing garbage.
  if ((ext === 'xlsx' || ext === 'xlsm' || ext === 'ods') && !isZip(buffer)) {
    throw cannotRead(fileName, 'not a valid spreadsheet (the file is not a ZIP package)', { code: 'doc_not_zip', params: { format: ext.toUpperCase() } })
  }
  const XLSX = await loadSheetJs()
  let workbook: WorkBook
  try {
    workbook = XLSX.read(buffer, { type: 'buffer', dense: true, cellDates: true, cellHTML: false, cellStyles: false })
  } catch (err) {
    throw corrupt(fileName, (ext ?? 'xlsx').toUpperCase(), `not a valid spreadsheet (${reasonOf(err)})`, err)
  }
  const sections: Section[] = []
  for (const name of workbook.SheetNames) {
    const sheet = workbook.Sheets[name]
    if (!sheet) continue
    // raw: false gives the text Excel shows (formatted numbers and dates), which is what people search for.
    const rows = XLSX.utils.sheet_to_json<unknown[]>(sheet, { header: 1, raw: false, defval: '', blankrows: false })
    const text = rowsToLines(rows)
    if (text) sections.push({ text, headingPath: [name] })
  }
  const title = typeof workbook.Props?.Title === 'string' && workbook.Props.Title.trim() ? workbook.Props.Title.trim() : undefined
  return { title, sections }
}
