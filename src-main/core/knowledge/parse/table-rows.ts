/**
 * Rows of a table as lines a model can read without the header in view:
 * "Name: Alice; City: 杭州". The first non-empty row is the header; a missing header cell is
 * named after its column ("Column 3") so no value is ever left without a label.
 */
export function rowsToLines(rows: readonly (readonly unknown[])[]): string {
  const nonEmpty = rows.filter((row) => row.some((cell) => cellText(cell) !== ''))
  if (nonEmpty.length === 0) return ''
  const header = nonEmpty[0].map((cell, i) => cellText(cell) || `Column ${i + 1}`)
  if (nonEmpty.length === 1) return header.join('; ')
  const lines: string[] = []
  for (const row of nonEmpty.slice(1)) {
    const pairs: string[] = []
    row.forEach((cell, i) => {
      const value = cellText(cell)
      if (value !== '') pairs.push(`${header[i] ?? `Column ${i + 1}`}: ${value}`)
    })
    if (pairs.length) lines.push(pairs.join('; '))
  }
  return lines.join('\n')
}

function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return ''
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : cell.toISOString().slice(0, 10)
  return String(cell).replace(/\s+/g, ' ').trim()
}
