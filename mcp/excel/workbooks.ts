import ExcelJS from 'exceljs'
import { ToolError } from '../shared/results.js'
import type { DataFolder } from './data-folder.js'

export type Workbook = ExcelJS.Workbook
export type Worksheet = ExcelJS.Worksheet

export interface OpenedFile {
  name: string
  path: string
}

async function load(folder: DataFolder, file: OpenedFile): Promise<Workbook> {
  // exceljs reports a missing file as a generic Error, so ask the file system first.
  if (!(await folder.exists(file.path))) {
    throw new ToolError(`No workbook "${file.name}" in the data folder (list_files shows what exists)`)
  }
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.readFile(file.path)
  } catch (error) {
    throw new ToolError(`"${file.name}" is not a readable .xlsx workbook: ${(error as Error).message}`)
  }
  return workbook
}

export async function save(folder: DataFolder, file: OpenedFile, workbook: Workbook): Promise<void> {
  // Formulas we write carry no cached result; make Excel and LibreOffice compute them on open.
  workbook.calcProperties.fullCalcOnLoad = true
  const buffer = Buffer.from(await workbook.xlsx.writeBuffer())
  await folder.writeAtomically(file.path, buffer)
}

export async function readWorkbook(folder: DataFolder, fileName: string): Promise<{ file: OpenedFile; workbook: Workbook }> {
  const file = folder.file(fileName)
  const workbook = await folder.locked(file.path, () => load(folder, file))
  return { file, workbook }
}

/**
 * How updateWorkbook treats the file: "existing" must be there; "create" starts an empty workbook
 * when it is missing, so "write these values to report.xlsx" works in one call; "replace" always
 * starts empty, whatever (even an unreadable file) is there.
 */
export type OpenMode = 'existing' | 'create' | 'replace'

/** Load, change, save, all under the file's lock so concurrent calls cannot lose each other's edits. */
export async function updateWorkbook<T>(
  folder: DataFolder,
  fileName: string,
  change: (workbook: Workbook, context: { file: OpenedFile; created: boolean }) => T | Promise<T>,
  mode: OpenMode = 'existing'
): Promise<{ file: OpenedFile; result: T; created: boolean }> {
  const file = folder.file(fileName)
  return folder.locked(file.path, async () => {
    const created = mode === 'replace' || (mode === 'create' && !(await folder.exists(file.path)))
    const workbook = created ? new ExcelJS.Workbook() : await load(folder, file)
    const result = await change(workbook, { file, created })
    // A workbook without sheets is not a valid .xlsx for Excel.
    if (workbook.worksheets.length === 0) workbook.addWorksheet('Sheet1')
    await save(folder, file, workbook)
    return { file, result, created }
  })
}

function sheetNames(workbook: Workbook): string {
  return workbook.worksheets.map((s) => `"${s.name}"`).join(', ') || 'none'
}

/** No name means the first sheet, which is what a person means by "the spreadsheet". */
export function getSheet(workbook: Workbook, name?: string): Worksheet {
  const sheet = name === undefined ? workbook.worksheets[0] : workbook.getWorksheet(name)
  if (!sheet) {
    throw new ToolError(name === undefined ? 'The workbook has no sheets' : `No sheet "${name}"; the workbook has ${sheetNames(workbook)}`)
  }
  return sheet
}

export function getOrAddSheet(workbook: Workbook, name?: string): Worksheet {
  if (name !== undefined && !workbook.getWorksheet(name)) return workbook.addWorksheet(name)
  if (name === undefined && workbook.worksheets.length === 0) return workbook.addWorksheet('Sheet1')
  return getSheet(workbook, name)
}

export function assertNoSheet(workbook: Workbook, name: string): void {
  // Excel compares sheet names case-insensitively, so "Data" and "data" cannot coexist.
  if (workbook.worksheets.some((s) => s.name.toLowerCase() === name.toLowerCase())) {
    throw new ToolError(`A sheet named "${name}" already exists; the workbook has ${sheetNames(workbook)}`)
  }
}

/** Empties every cell but keeps formatting; exceljs' spliceRows cannot remove all rows of a sheet. */
export function clearValues(sheet: Worksheet): void {
  sheet.eachRow((row) =>
    row.eachCell((cell) => {
      cell.value = null
    })
  )
}
