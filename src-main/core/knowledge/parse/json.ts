import type { FormatParser } from './types'
import { corrupt, reasonOf } from './errors'
import { decodeText } from './text-decoding'

/**
 * JSON flattened to "path: value" lines, e.g. "address.city: 杭州", "tags: a, b". Each item of a
 * top-level array (or each line of JSON Lines) becomes its own paragraph, so the chunker keeps
 * records together.
 */
export const parseJson: FormatParser = async (buffer, fileName) => {
  const source = decodeText(buffer)
  const jsonLines = /\.(jsonl|ndjson)$/i.test(fileName)
  let records: unknown[]
  try {
    if (jsonLines) {
      records = source
        .split(/\r?\n/)
        .filter((line) => line.trim())
        .map((line) => JSON.parse(line) as unknown)
    } else {
      const value = JSON.parse(source) as unknown
      records = Array.isArray(value) ? value : [value]
    }
  } catch (err) {
    throw corrupt(fileName, 'JSON', `not valid JSON (${reasonOf(err)})`, err)
  }
  const paragraphs = records.map((record) => flatten(record, '').join('\n')).filter(Boolean)
  return { sections: [{ text: paragraphs.join('\n\n'), headingPath: [] }] }
}

function flatten(value: unknown, path: string): string[] {
  if (value === null || value === undefined) return []
  if (Array.isArray(value)) {
    if (value.every(isScalar)) {
      const items = value.filter((v) => v !== null && v !== '').map(String)
      return items.length ? [label(path, items.join(', '))] : []
    }
    return value.flatMap((item, i) => flatten(item, `${path}[${i}]`))
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, v]) => flatten(v, path ? `${path}.${key}` : key))
  }
  const text = String(value).trim()
  return text ? [label(path, text)] : []
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object'
}

function label(path: string, text: string): string {
  return path ? `${path}: ${text}` : text
}
