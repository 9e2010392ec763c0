import type { Field, Schema } from 'apache-arrow'
import type { VectorRow } from '../types'
import { loadLance } from './load'
import { searchTerms } from './search-terms'

/** Column names are snake_case: SQL filters would need quoting for mixed case. */
export const COLUMNS = { id: 'id', docId: 'doc_id', kbId: 'kb_id', text: 'text', terms: 'terms', meta: 'meta', vector: 'vector' } as const
export const RESULT_COLUMNS = [COLUMNS.id, COLUMNS.docId, COLUMNS.kbId, COLUMNS.text, COLUMNS.meta]

export function collectionSchema(dim: number | null): Schema {
  const { arrow } = loadLance()
  const fields: Field[] = [
    new arrow.Field(COLUMNS.id, new arrow.Utf8(), false),
    new arrow.Field(COLUMNS.docId, new arrow.Utf8(), false),
    new arrow.Field(COLUMNS.kbId, new arrow.Utf8(), false),
    new arrow.Field(COLUMNS.text, new arrow.Utf8(), false),
    // What the full-text index reads (see search-terms.ts); hits return `text`.
    new arrow.Field(COLUMNS.terms, new arrow.Utf8(), false),
    // JSON text: meta is free-form per row, and a schema change per new key would rewrite the table.
    new arrow.Field(COLUMNS.meta, new arrow.Utf8(), false)
  ]
  if (dim !== null) {
    fields.push(new arrow.Field(COLUMNS.vector, new arrow.FixedSizeList(dim, new arrow.Field('item', new arrow.Float32(), true)), false))
  }
  return new arrow.Schema(fields)
}

/**
 * Tables written before the `terms` column existed index `text` with LanceDB's character-pair
 * tokenizer; they keep working that way (a knowledge base re-indexed or re-embedded gets the new layout).
 */
export function hasTermsColumn(schema: Schema): boolean {
  return schema.fields.some((f) => f.name === COLUMNS.terms)
}

/** The dim a stored table was created with, read back from its vector column (null if it has none). */
export function dimOf(schema: Schema): number | null {
  const field = schema.fields.find((f) => f.name === COLUMNS.vector)
  if (!field) return null
  return (field.type as { listSize: number }).listSize
}

export function toRecord(row: VectorRow, dim: number | null, withTerms: boolean): Record<string, unknown> {
  const record: Record<string, unknown> = {
    [COLUMNS.id]: row.id,
    [COLUMNS.docId]: row.docId,
    [COLUMNS.kbId]: row.kbId,
    [COLUMNS.text]: row.text,
    [COLUMNS.meta]: JSON.stringify(row.meta ?? {})
  }
  if (withTerms) record[COLUMNS.terms] = searchTerms(row.text)
  if (dim !== null && row.vector) record[COLUMNS.vector] = Array.from(row.vector)
  return record
}
