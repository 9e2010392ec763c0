import type { SearchFilter } from '../types'
import { COLUMNS } from './schema'

/** SQL string literal; ids come from users' files and APIs, so quotes must never end the literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`
}

/**
 * The WHERE clause for a filter; '' when it does not narrow anything, null when it can match
 * nothing (an empty list), so the caller can skip the query altogether.
 */
export function whereClause(filter: SearchFilter | undefined): string | null {
  if (!filter) return ''
  const parts: string[] = []
  for (const [column, values] of [
    [COLUMNS.kbId, filter.kbIds],
    [COLUMNS.docId, filter.docIds]
  ] as const) {
    if (values === undefined) continue
    if (values.length === 0) return null
    parts.push(`${column} IN (${[...new Set(values)].map(sqlString).join(', ')})`)
  }
  return parts.join(' AND ')
}
