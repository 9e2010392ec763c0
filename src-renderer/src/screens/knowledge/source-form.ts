import type { KnowledgeSource } from '@contract/knowledge'
import type { SourceInput } from '../../queries/knowledge-sources'
import type { FieldMap } from '../../ui/feedback'
import { lines } from '../../ui/format'

/** The source dialog's fields: both kinds side by side, so switching kind keeps what was typed. */
export interface SourceFormValues {
  name: string
  kind: 'database' | 'api'
  enabled: boolean
  /** Cron; empty = only on demand. */
  schedule: string
  dbType: 'sqlite' | 'mysql'
  dbPath: string
  dbUrl: string
  query: string
  textColumns: string[]
  titleColumn: string
  idColumn: string
  method: 'GET' | 'POST' | 'PUT'
  url: string
  /** `key: value` lines. */
  headersText: string
  body: string
  itemsPath: string
  fields: string[]
  titleField: string
  idField: string
}

export const emptySource: SourceFormValues = {
  name: '',
  kind: 'database',
  enabled: true,
  schedule: '',
  dbType: 'sqlite',
  dbPath: '',
  dbUrl: '',
  query: '',
  textColumns: [],
  titleColumn: '',
  idColumn: '',
  method: 'GET',
  url: '',
  headersText: '',
  body: '',
  itemsPath: '',
  fields: [],
  titleField: '',
  idField: ''
}

const orNull = (v: string | undefined) => (v?.trim() ? v.trim() : null)

/** `key: value` lines → headers; the first colon splits, so values may hold colons (URLs, tokens). */
export function parseHeaders(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of lines(text)) {
    const at = line.indexOf(':')
    if (at <= 0) continue
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim()
  }
  return out
}

export function toFormValues(source: KnowledgeSource): SourceFormValues {
  const base = { ...emptySource, name: source.name, enabled: source.enabled, schedule: source.schedule ?? '' }
  const c = source.config
  if (c.kind === 'database') {
    return {
      ...base,
      kind: 'database',
      dbType: c.connection.type,
      dbPath: c.connection.type === 'sqlite' ? c.connection.path : '',
      dbUrl: c.connection.type === 'mysql' ? c.connection.url : '',
      query: c.query,
      textColumns: c.textColumns,
      titleColumn: c.titleColumn ?? '',
      idColumn: c.idColumn ?? ''
    }
  }
  return {
    ...base,
    kind: 'api',
    method: c.method,
    url: c.url,
    // Header values come back masked; sent back unchanged, the server keeps the stored ones.
    headersText: Object.entries(c.headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n'),
    body: c.body ?? '',
    itemsPath: c.itemsPath,
    fields: c.fields,
    titleField: c.titleField ?? '',
    idField: c.idField ?? ''
  }
}

export function toSourceInput(v: SourceFormValues): SourceInput {
  const common = { name: v.name.trim(), enabled: v.enabled, schedule: orNull(v.schedule) }
  if (v.kind === 'database') {
    return {
      ...common,
      config: {
        kind: 'database',
        connection: v.dbType === 'sqlite' ? { type: 'sqlite', path: v.dbPath.trim() } : { type: 'mysql', url: v.dbUrl.trim() },
        query: v.query,
        textColumns: v.textColumns,
        titleColumn: orNull(v.titleColumn),
        idColumn: orNull(v.idColumn)
      }
    }
  }
  return {
    ...common,
    config: {
      kind: 'api',
      method: v.method,
      url: v.url.trim(),
      headers: parseHeaders(v.headersText),
      body: v.method === 'GET' ? null : orNull(v.body),
      itemsPath: v.itemsPath.trim(),
      fields: v.fields,
      titleField: orNull(v.titleField),
      idField: orNull(v.idField)
    }
  }
}

const CONFIG_FIELDS: Record<string, keyof SourceFormValues> = {
  'connection.path': 'dbPath',
  'connection.url': 'dbUrl',
  connection: 'dbPath',
  query: 'query',
  textColumns: 'textColumns',
  titleColumn: 'titleColumn',
  idColumn: 'idColumn',
  method: 'method',
  url: 'url',
  headers: 'headersText',
  body: 'body',
  itemsPath: 'itemsPath',
  fields: 'fields',
  titleField: 'titleField',
  idField: 'idField'
}

/** Where the server's issues ("config.connection.url", "config.fields.0", "schedule") land in the form. */
export const sourceFieldFor: FieldMap = (path) => {
  if (path === 'name' || path === 'schedule' || path === 'enabled') return [path]
  const inner = path.replace(/^config\./, '').replace(/\.\d+$/, '')
  const field = CONFIG_FIELDS[inner]
  return field ? [field] : null
}
