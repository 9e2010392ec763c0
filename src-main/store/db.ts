import Database from 'better-sqlite3'
import { Kysely, Migrator, MysqlDialect, SqliteDialect } from 'kysely'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { DB } from './schema'
import { migrationProvider } from './migrations'
import { cachingDatabase } from './statement-cache'

export type StoreConfig = { kind: 'sqlite'; file: string } | { kind: 'mysql'; url: string }

export interface Store {
  db: Kysely<DB>
  kind: StoreConfig['kind']
  close(): Promise<void>
}

/** Opens the database and brings its schema up to date. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const db = config.kind === 'sqlite' ? openSqlite(config.file) : await openMysql(config.url)
  try {
    await migrate(db)
  } catch (err) {
    await db.destroy()
    throw err
  }
  return { db, kind: config.kind, close: () => db.destroy() }
}

function openSqlite(file: string): Kysely<DB> {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const sqlite = new Database(file)
  // WAL lets readers run while a turn writes; the busy timeout rides out a second process
  // (e.g. `agenta serve` and the desktop app on one data folder) instead of failing at once.
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: cachingDatabase(sqlite) }) })
}

async function openMysql(url: string): Promise<Kysely<DB>> {
  // Loaded only in team mode so the desktop app never pays for mysql2.
  const { createPool } = await import('mysql2')
  const pool = createPool({ uri: url, connectionLimit: 10, charset: 'utf8mb4', supportBigNumbers: true, bigNumberStrings: false })
  return new Kysely<DB>({ dialect: new MysqlDialect({ pool }) })
}

async function migrate(db: Kysely<DB>): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? error}`)
  }
}
