import type { SearchFilter } from '../types'
import { FIELDS } from './schema'

export interface FilterExpr {
  /** A Milvus boolean expression naming only fields and placeholders; '' narrows nothing. */
  expr: string
  /** The placeholders' values. */
  values: Record<string, string | string[]>
}

/**
 * A filter as a Milvus expression template (Milvus 2.5+ "filter templating"): the ids travel as
 * template values, never inside the expression text, so an id holding quotes or backslashes
 * (ids come from users' files and APIs) can neither end a literal nor change the expression.
 * null when the filter can match nothing (an empty list), so the caller skips the search.
 */
export function filterExpr(filter: SearchFilter | undefined): FilterExpr | null {
  const parts: string[] = []
  const values: Record<string, string[]> = {}
  for (const [field, placeholder, list] of [
    [FIELDS.kbId, 'kb_ids', filter?.kbIds],
    [FIELDS.docId, 'doc_ids', filter?.docIds]
  ] as const) {
    if (list === undefined) continue
    if (list.length === 0) return null
    parts.push(`${field} in {${placeholder}}`)
    values[placeholder] = [...new Set(list)]
  }
  return { expr: parts.join(' and '), values }
}

/** The rows of one document, for deleteByDoc. */
export function docExpr(docId: string): FilterExpr {
  return { expr: `${FIELDS.docId} == {doc_id}`, values: { doc_id: docId } }
}
