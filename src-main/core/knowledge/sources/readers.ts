import Database from 'better-sqlite3'
import { AppError } from '../../../contract/errors'
import type { ErrorParams, MessageCode } from '../../../contract/messages'
import type { SourceConfig } from '../../../contract/knowledge'
import { sha256 } from '../ingest/content'

type DatabaseConfig = Extract<SourceConfig, { kind: 'database' }>
type ApiConfig = Extract<SourceConfig, { kind: 'api' }>

/** One database row or API item, ready to become a document. */
export interface SourceItem {
  /** Stable across syncs (the id column/field, else the content's hash). */
  key: string
  title: string | null
  text: string
}

const MAX_API_BYTES = 50 * 1_048_576
const API_TIMEOUT_MS = 30_000

/** Values as people would read them: dates as ISO text, objects as JSON, nothing as empty. */
export function textOf(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'string') return v
  if (v instanceof Date) return v.toISOString()
  if (Buffer.isBuffer(v)) return v.toString('utf8')
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

/** A document from chosen fields: one field is its value alone; several are `name: value` lines (empty ones left out). */
export function buildItem(get: (name: string) => unknown, textFields: string[], titleField: string | null, idField: string | null): SourceItem {
  const text =
    textFields.length === 1
      ? textOf(get(textFields[0])).trim()
      : textFields
          .map((f) => [f, textOf(get(f)).trim()] as const)
          .filter(([, v]) => v !== '')
          .map(([f, v]) => `${f}: ${v}`)
          .join('\n')
  const title = titleField ? textOf(get(titleField)).trim().slice(0, 200) || null : null
  const key = idField ? textOf(get(idField)).trim() : ''
  return { key: key || `hash:${sha256(`${title ?? ''}\n${text}`)}`, title, text }
}

/** A reader's failure with its message code (contract/messages.ts): a source's last sync error is said in the studio's language. */
const said = (code: 'validation_failed' | 'upstream_error', message: string, reason: MessageCode, params: ErrorParams) =>
  new AppError(code, message, undefined, { reason, params })
const queryFailed = (err: unknown) => {
  const detail = (err as Error).message
  return said('validation_failed', `The query failed: ${detail}`, 'source_query_failed', { detail })
}
const notSelect = () => said('validation_failed', 'The query must return rows (a SELECT)', 'source_not_select', {})

function checkColumns(has: (name: string) => boolean, available: string[], wanted: Array<string | null>, what: 'column' | 'field'): void {
  const missing = wanted.filter((c): c is string => !!c && !has(c))
  if (missing.length) {
    const has = available.slice(0, 30).join(', ')
    throw said(
      'validation_failed',
      `The ${what}${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not in the result (it has: ${has || 'nothing'})`,
      what === 'column' ? 'source_columns_missing' : 'source_fields_missing',
      { missing: missing.join(', '), available: has || '—' }
    )
  }
}

/** Rows of the query, streamed: a million-row table never sits in memory. The connection is read-only. */
export async function* readDatabase(cfg: DatabaseConfig): AsyncGenerator<SourceItem> {
  const wanted = [...cfg.textColumns, cfg.titleColumn, cfg.idColumn]
  let first = true
  const toItem = (row: Record<string, unknown>) => {
    if (first) {
      checkColumns((c) => c in row, Object.keys(row), wanted, 'column')
      first = false
    }
    return buildItem((c) => row[c], cfg.textColumns, cfg.titleColumn, cfg.idColumn)
  }
  if (cfg.connection.type === 'sqlite') {
    let db: Database.Database
    try {
      db = new Database(cfg.connection.path, { readonly: true, fileMustExist: true })
    } catch (err) {
      const detail = (err as Error).message
      throw said('validation_failed', `Cannot open the SQLite file ${cfg.connection.path}: ${detail}`, 'source_sqlite_open', {
        path: cfg.connection.path,
        detail
      })
    }
    try {
      let stmt: Database.Statement
      try {
        stmt = db.prepare(cfg.query)
      } catch (err) {
        throw queryFailed(err)
      }
      if (!stmt.reader) throw notSelect()
      for (const row of stmt.iterate() as IterableIterator<Record<string, unknown>>) yield toItem(row)
    } finally {
      db.close()
    }
    return
  }
  const mysql = await import('mysql2')
  const conn = mysql.createConnection({
    uri: cfg.connection.url,
    charset: 'utf8mb4',
    dateStrings: true,
    connectTimeout: 10_000,
    supportBigNumbers: true,
    bigNumberStrings: true
  })
  const run = (q: string) => new Promise<void>((resolve, reject) => conn.query(q, (err) => (err ? reject(err) : resolve())))
  try {
    try {
      // Whatever the query says, this connection cannot change the user's data.
      await run('SET SESSION TRANSACTION READ ONLY')
      await run('START TRANSACTION READ ONLY')
    } catch (err) {
      const url = redactUrl(cfg.connection.url)
      const detail = (err as Error).message
      throw said('validation_failed', `Cannot connect to ${url}: ${detail}`, 'source_connect', { url, detail })
    }
    const stream = conn.query(cfg.query).stream({ highWaterMark: 200 })
    try {
      for await (const row of stream as AsyncIterable<Record<string, unknown>>) {
        if (Array.isArray(row) || typeof row !== 'object' || row === null || 'affectedRows' in row) throw notSelect()
        yield toItem(row)
      }
    } catch (err) {
      if (err instanceof AppError) throw err
      throw queryFailed(err)
    } finally {
      stream.destroy()
    }
  } finally {
    conn.destroy()
  }
}

/** The password of a MySQL URL replaced, for messages and for what the API shows. */
export function redactUrl(url: string): string {
  // Not through URL: it would percent-encode the mask.
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1••••••@')
}

/** `data.items`, `data.items[0].list`, `$.results`: dots and [n] indexes. */
export function getPath(value: unknown, path: string): unknown {
  const parts = path
    .replace(/^\$\.?/, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean)
  let cur: unknown = value
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[p]
  }
  return cur
}

/** Items of one HTTP request (JSON), with the chosen fields. */
export async function* readApi(cfg: ApiConfig, signal?: AbortSignal): AsyncGenerator<SourceItem> {
  let res: Response
  const withBody = cfg.method !== 'GET' && cfg.body !== null
  const headers: Record<string, string> = { accept: 'application/json', ...(withBody ? { 'content-type': 'application/json' } : {}), ...cfg.headers }
  try {
    res = await fetch(cfg.url, {
      method: cfg.method,
      headers,
      ...(withBody ? { body: cfg.body as string } : {}),
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(API_TIMEOUT_MS)]) : AbortSignal.timeout(API_TIMEOUT_MS)
    })
  } catch (err) {
    const e = err as Error & { cause?: Error }
    if (e.name === 'TimeoutError')
      throw said('upstream_error', `Cannot reach ${cfg.url}: no answer within ${API_TIMEOUT_MS / 1000} s`, 'source_api_timeout', {
        url: cfg.url,
        seconds: API_TIMEOUT_MS / 1000
      })
    const detail = e.cause?.message ?? e.message
    throw said('upstream_error', `Cannot reach ${cfg.url}: ${detail}`, 'source_api_unreachable', { url: cfg.url, detail })
  }
  const length = Number(res.headers.get('content-length') ?? 0)
  if (length > MAX_API_BYTES)
    throw said('validation_failed', `The response of ${cfg.url} is larger than ${MAX_API_BYTES / 1_048_576} MB`, 'source_api_too_large', {
      url: cfg.url,
      limit: `${MAX_API_BYTES / 1_048_576} MB`
    })
  const text = await res.text()
  if (!res.ok)
    throw said('upstream_error', `${cfg.method} ${cfg.url} answered ${res.status}: ${text.slice(0, 200)}`, 'source_api_status', {
      method: cfg.method,
      url: cfg.url,
      status: res.status,
      detail: text.slice(0, 200)
    })
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw said('validation_failed', `${cfg.url} did not return JSON (it starts with: ${text.slice(0, 80)})`, 'source_api_not_json', {
      url: cfg.url,
      start: text.slice(0, 80)
    })
  }
  const list = cfg.itemsPath ? getPath(json, cfg.itemsPath) : json
  if (!Array.isArray(list)) {
    const keys = json && typeof json === 'object' ? Object.keys(json).slice(0, 20).join(', ') : ''
    throw said(
      'validation_failed',
      `No list at "${cfg.itemsPath || '(the response itself)'}" in the response of ${cfg.url}${keys ? ` (top-level keys: ${keys})` : ''}`,
      'source_api_no_list',
      { url: cfg.url, path: cfg.itemsPath || '—', keys: keys || '—' }
    )
  }
  const wanted = [...cfg.fields, cfg.titleField, cfg.idField]
  for (const [i, item] of list.entries()) {
    if (i === 0) checkColumns((f) => getPath(item, f) !== undefined, item && typeof item === 'object' ? Object.keys(item) : [], wanted, 'field')
    yield buildItem((f) => getPath(item, f), cfg.fields, cfg.titleField, cfg.idField)
  }
}
