/**
 * `UPDATE t SET WHERE …` is an SQL syntax error, so every repository's `update` asks this first:
 * a patch with no value to write (an empty API update, all fields undefined) does nothing.
 */
export const nothingToSet = (patch: object): boolean => Object.values(patch).every((v) => v === undefined)
