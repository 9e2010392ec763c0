import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql, type Kysely } from 'kysely'
import { openStore, type Store } from './store/db'
import { parseMilvusUrl } from './vector'

/**
 * `agenta migrate-data`: moves a desktop workspace (its SQLite database, key file, uploads and
 * LanceDB indexes) to a team server's MySQL/MariaDB database and data folder.
 *
 * - Every table is copied in batches in the order of SQLite's rowid; each batch and its resume
 *   point (`agenta_migration_progress` on the target) commit in one transaction, so a run that is
 *   cut (kill, network) is simply started again and goes on where it stopped, with no duplicate.
 * - At the end every table's row count is compared between the two databases; a difference fails
 *   the command (exit 1) naming the table.
 * - The key file goes to the target data folder (provider keys and secrets stay readable); a
 *   different key already there is refused, never overwritten.
 * - Vectors: without `--vector`, the LanceDB folder is copied as it is (same collections, same rows,
 *   no re-embedding). With `--vector milvus://…`, rows cannot be copied into Milvus from here, so
 *   every knowledge base is marked to be rebuilt: the team server, started with that `--vector`,
 *   re-embeds each document from its stored chunks into the new store (its embedding model's
 *   provider must be reachable from the server) and keeps serving until each rebuild is done.
 */
export interface MigrateOptions {
  /** The desktop data folder (agenta.db, secret.key, knowledge/, vectors/). */
  from: string
  /** mysql://user:pass@host:3306/db of the team server. */
  to: string
  /** The team server's data folder. */
  toData: string
  /** milvus://… when the team server keeps its indexes on Milvus. */
  vector?: string
  /** Rows per batch. */
  batchRows?: number
  /** Stop after this many batches (to try resumption); the next run goes on. */
  maxBatches?: number
  out?: (line: string) => void
}

export interface MigrateResult {
  complete: boolean
  tables: Array<{ table: string; source: number; target: number }>
  vectors: 'copied' | 'rebuild' | 'none'
}

const PROGRESS = 'agenta_migration_progress'
/** Marks a knowledge base whose indexes the team server must build again (differs from every model id). */
export const REBUILD_MARK = 'migrated:rebuild'

export async function migrateData(opts: MigrateOptions): Promise<MigrateResult> {
  const out = opts.out ?? (() => undefined)
  const sqliteFile = join(opts.from, 'agenta.db')
  if (!existsSync(sqliteFile)) throw new Error(`no desktop workspace in ${opts.from} (agenta.db is missing)`)
  if (!/^mysql:\/\//.test(opts.to)) throw new Error(`--to takes a mysql:// URL`)
  if (opts.vector) parseMilvusUrl(opts.vector)

  // Both are brought to the current schema first, so their tables and columns are the same.
  const source = await openStore({ kind: 'sqlite', file: sqliteFile })
  let target: Store | undefined
  try {
    target = await openStore({ kind: 'mysql', url: opts.to })
    copyKey(opts.from, opts.toData)
    const tables = await userTables(source.db)
    await prepareProgress(target.db, tables)
    let batches = 0
    let complete = true
    for (const table of tables) {
      const r = await copyTable(source.db, target.db, table, opts.batchRows ?? 500, () => opts.maxBatches === undefined || batches++ < opts.maxBatches, out)
      if (!r) {
        complete = false
        break
      }
    }
    if (!complete) {
      out('stopped before the end; run the same command again to go on')
      return { complete, tables: [], vectors: 'none' }
    }
    const counts = await compareCounts(source.db, target.db, tables)
    let vectors: MigrateResult['vectors'] = 'none'
    copyFolder(join(opts.from, 'knowledge'), join(opts.toData, 'knowledge'))
    if (opts.vector) {
      await (target.db as Kysely<any>).updateTable('knowledge_bases').set({ collection_model_id: REBUILD_MARK }).where('collection', 'is not', null).execute()
      vectors = 'rebuild'
      out(`knowledge indexes: to be rebuilt by the team server on ${opts.vector.replace(/\/\/[^@/]*@/, '//')} from the stored chunks`)
    } else if (copyFolder(join(opts.from, 'vectors'), join(opts.toData, 'vectors'))) {
      vectors = 'copied'
      out(`knowledge indexes: LanceDB copied to ${join(opts.toData, 'vectors')}`)
    }
    for (const c of counts)
      out(`${c.table.padEnd(24)} ${String(c.source).padStart(8)} → ${String(c.target).padStart(8)}${c.source === c.target ? '' : '  MISMATCH'}`)
    return { complete: counts.every((c) => c.source === c.target), tables: counts, vectors }
  } finally {
    await target?.close()
    await source.close()
  }
}

/** The app's tables: everything but SQLite's and Kysely's own. */
async function userTables(db: Kysely<any>): Promise<string[]> {
  const rows = await sql<{
    name: string
  }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name`.execute(db)
  return rows.rows.map((r) => r.name)
}

async function prepareProgress(db: Kysely<any>, tables: string[]): Promise<void> {
  await sql`create table if not exists ${sql.table(PROGRESS)} (tbl varchar(64) primary key, last_rowid bigint not null, copied bigint not null, done tinyint not null)`.execute(
    db
  )
  const started = await db.selectFrom(PROGRESS).select('tbl').execute()
  if (started.length) return
  // A first run: the target must not hold a workspace already (its rows would clash or be counted).
  for (const t of tables) {
    const { n } = (await db.selectFrom(t).select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()) as { n: number }
    // Settings and the bundled tools a server seeds at its first start are replaced by the desktop's.
    if (Number(n) && t !== 'settings' && t !== 'tools')
      throw new Error(`the target database is not empty (${t} has ${n} rows); migrate into a new, empty database`)
  }
  for (const t of ['settings', 'tools']) if (tables.includes(t)) await db.deleteFrom(t).execute()
}

/** Copies one table from its resume point; false when stopped by `more()` before the end. */
async function copyTable(from: Kysely<any>, to: Kysely<any>, table: string, batch: number, more: () => boolean, out: (l: string) => void): Promise<boolean> {
  const progress = await to.selectFrom(PROGRESS).selectAll().where('tbl', '=', table).executeTakeFirst()
  if (progress?.done) return true
  let last = Number(progress?.last_rowid ?? 0)
  let copied = Number(progress?.copied ?? 0)
  for (;;) {
    const rows = (
      await sql<Record<string, unknown>>`select rowid as __rowid, * from ${sql.table(table)} where rowid > ${last} order by rowid limit ${batch}`.execute(from)
    ).rows
    if (!rows.length) break
    if (!more()) return false
    const next = Number(rows.at(-1)!.__rowid)
    const values = rows.map(({ __rowid, ...r }) => r)
    // The rows and the resume point commit together: a cut run repeats no row and skips none.
    await to.connection().execute(async (conn) => {
      await sql`set foreign_key_checks = 0`.execute(conn)
      try {
        await conn.transaction().execute(async (tx) => {
          for (const part of byBytes(values)) await tx.insertInto(table).values(part).execute()
          await sql`insert into ${sql.table(PROGRESS)} (tbl, last_rowid, copied, done) values (${table}, ${next}, ${copied + values.length}, 0)
            on duplicate key update last_rowid = values(last_rowid), copied = values(copied)`.execute(tx)
        })
      } finally {
        await sql`set foreign_key_checks = 1`.execute(conn)
      }
    })
    last = next
    copied += values.length
    out(`${table}: ${copied} rows`)
  }
  await sql`insert into ${sql.table(PROGRESS)} (tbl, last_rowid, copied, done) values (${table}, ${last}, ${copied}, 1)
    on duplicate key update done = 1`.execute(to)
  return true
}

/** Splits rows into inserts of at most ~4 MB (MariaDB's max_allowed_packet is 16 MB by default; a document's text can be large). */
function byBytes(rows: Array<Record<string, unknown>>): Array<Array<Record<string, unknown>>> {
  const parts: Array<Array<Record<string, unknown>>> = [[]]
  let size = 0
  for (const r of rows) {
    const bytes = Object.values(r).reduce<number>((n, v) => n + (typeof v === 'string' ? Buffer.byteLength(v) : Buffer.isBuffer(v) ? v.length : 16), 0)
    if (size + bytes > 4 * 2 ** 20 && parts.at(-1)!.length) {
      parts.push([])
      size = 0
    }
    parts.at(-1)!.push(r)
    size += bytes
  }
  return parts
}

async function compareCounts(from: Kysely<any>, to: Kysely<any>, tables: string[]) {
  const count = async (db: Kysely<any>, t: string) =>
    Number(((await db.selectFrom(t).select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()) as { n: number }).n)
  const out: MigrateResult['tables'] = []
  for (const table of tables) out.push({ table, source: await count(from, table), target: await count(to, table) })
  return out
}

/** The key that seals provider keys and secrets: the same on both sides, never a silent overwrite. */
function copyKey(from: string, toData: string) {
  const src = join(from, 'secret.key')
  if (!existsSync(src)) return
  mkdirSync(toData, { recursive: true, mode: 0o700 })
  const dst = join(toData, 'secret.key')
  const key = readFileSync(src, 'utf8').trim()
  if (existsSync(dst)) {
    if (readFileSync(dst, 'utf8').trim() !== key)
      throw new Error(`${dst} holds another key: the migrated secrets could not be read with it. Move it away (or use a new data folder) first`)
    return
  }
  writeFileSync(dst, key, { mode: 0o600 })
}

function copyFolder(src: string, dst: string): boolean {
  if (!existsSync(src)) return false
  cpSync(src, dst, { recursive: true, force: true })
  return true
}
