/**
 * Entity fields → columns, the one way every repository writes a patch: each column is given
 * its converted value, and the ones left undefined (fields the caller did not send) are not
 * written. Row → entity goes through the converters in ../errors (bool, num, json).
 */
export function columns<Row>(values: { [K in keyof Row]?: Row[K] | undefined }): Partial<Row> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<Row>
}

/** A JSON column: undefined stays undefined (not written), null stays null. */
export const jsonColumn = (v: unknown): string | null | undefined => (v === undefined ? undefined : v === null ? null : JSON.stringify(v))
/** A boolean column (0/1 in both dialects). */
export const boolColumn = (v: boolean | undefined): number | undefined => (v === undefined ? undefined : v ? 1 : 0)
