import Papa from 'papaparse'
import type { FormatParser } from './types'
import { decodeText } from './text-decoding'
import { rowsToLines } from './table-rows'

/** papaparse guesses the delimiter (comma, semicolon, tab, pipe), which covers CSV exports from Chinese and European Excel alike. */
export const parseCsv: FormatParser = async (buffer, fileName) => {
  const text = decodeText(buffer)
  const delimiter = fileName.toLowerCase().endsWith('.tsv') ? '\t' : ''
  const result = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: 'greedy' })
  // papaparse reports ragged rows as errors but still returns them; a row with a missing field is still worth indexing.
  return { sections: [{ text: rowsToLines(result.data), headingPath: [] }] }
}
