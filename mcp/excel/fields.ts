import { z } from 'zod'

export const fileName = z.string().min(1).max(180).describe('Workbook file name in the data folder, e.g. "sales.xlsx" (no folders; .xlsx is added if missing)')

// Excel's own rules for sheet names; checking them here gives a clear error instead of a broken file.
export const sheetName = z
  .string()
  .min(1)
  .max(31, 'Sheet names are at most 31 characters')
  .regex(/^[^[\]:*?/\\]+$/, 'Sheet names cannot contain [ ] : * ? / \\')
  .refine((name) => !name.startsWith("'") && !name.endsWith("'"), 'Sheet names cannot start or end with an apostrophe')
  .describe('Sheet (tab) name')

export const optionalSheet = sheetName.optional().describe('Sheet (tab) name; the first sheet when omitted')

export const cellValue = z.union([z.string(), z.number(), z.boolean(), z.null()])
