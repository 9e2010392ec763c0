import Database from 'better-sqlite3'
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import * as tar from 'tar'
import { BACKUP_FORMAT, BackupManifest } from '../../contract/backup'
import { AppError } from '../../contract/errors'
import { migrationNames } from '../../store/migrations'
import { newId } from '../util/ids'
import { APP_VERSION } from '../version'

/** What of the data folder a backup holds, besides the database copy. Logs and backups stay out. */
export const DATA_ITEMS = ['secret.key', 'vectors', 'knowledge', 'files'] as const
/** The names a restore puts in place (the database's journal files are set aside, never restored). */
export const RESTORED_ITEMS = ['agenta.db', 'agenta.db-wal', 'agenta.db-shm', ...DATA_ITEMS] as const

export const DB_FILE = 'agenta.db'
export const MANIFEST_FILE = 'manifest.json'
/** Where restores are staged, journalled and the data from before one is kept (inside the data folder: same file system, so moves are renames). */
export const RESTORE_DIR = '.restore'

export interface BackupProgressFn {
  (p: { phase: 'database' | 'files'; done: number; total: number }): void
}

/** Bytes of every file under a path (a file or a folder), and their sizes by archive path. */
function sizes(root: string, name: string, into: Map<string, number>): number {
  const st = lstatSync(join(root, name))
  if (st.isFile()) {
    into.set(name, st.size)
    return st.size
  }
  if (!st.isDirectory()) return 0
  let total = 0
  for (const child of readdirSync(join(root, name))) total += sizes(root, `${name}/${child}`, into)
  return total
}

/** Sealed values in the copy that only this computer's OS keychain opens (prefix `ss1:`, see electron/secret-box.ts). */
function keychainSealed(db: Database.Database): boolean {
  const probes: Array<[string, string]> = [
    ['providers', 'api_key_enc'],
    ['tools', 'config'],
    ['settings', 'value'],
    ['knowledge_sources', 'config']
  ]
  const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name))
  return probes.some(([t, c]) => tables.has(t) && db.prepare(`SELECT 1 FROM ${t} WHERE ${c} LIKE '%ss1:%' LIMIT 1`).get() !== undefined)
}

function countRows(db: Database.Database): BackupManifest['counts'] {
  const n = (table: string) => {
    try {
      return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
    } catch {
      return 0
    }
  }
  return { agents: n('agents'), sessions: n('chat_sessions'), messages: n('messages'), knowledgeBases: n('knowledge_bases'), documents: n('documents') }
}

function appliedMigrations(db: Database.Database): string[] {
  try {
    return (db.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as Array<{ name: string }>).map((r) => r.name)
  } catch {
    return []
  }
}

/**
 * Writes the data folder as one gzipped tar at `out`. The database is copied with SQLite's online
 * backup API from a connection of its own, so turns may go on writing meanwhile and the copy is
 * one consistent moment; the folders are read after it (a document being indexed then is indexed
 * again after a restore, from its queue state in the copy). The archive is written beside `out`
 * and renamed into place, so a failed backup leaves no half file under its name.
 */
export async function writeBackup(opts: { dataDir: string; out: string; onProgress?: BackupProgressFn }): Promise<BackupManifest> {
  const { dataDir, out } = opts
  const dbFile = join(dataDir, DB_FILE)
  if (!existsSync(dbFile)) throw new AppError('not_found', `There is no database in ${dataDir} to back up`)
  const work = join(dataDir, `.backup-${newId()}`)
  mkdirSync(work, { mode: 0o700 })
  const partial = `${out}.partial`
  try {
    const fileSizes = new Map<string, number>()
    const present = DATA_ITEMS.filter((item) => existsSync(join(dataDir, item)))
    const filesTotal = present.reduce((sum, item) => sum + sizes(dataDir, item, fileSizes), 0)
    const dbBytes = statSync(dbFile).size
    const total = dbBytes + filesTotal
    const progress = opts.onProgress ?? (() => undefined)

    const source = new Database(dbFile, { readonly: true, fileMustExist: true })
    try {
      await source.backup(join(work, DB_FILE), {
        progress: ({ totalPages, remainingPages }) => {
          progress({ phase: 'database', done: totalPages ? Math.round((dbBytes * (totalPages - remainingPages)) / totalPages) : 0, total })
          return 256
        }
      })
    } finally {
      source.close()
    }
    // The copy becomes one self-contained file (no -wal to carry), and says what it holds.
    const copy = new Database(join(work, DB_FILE))
    let manifest: BackupManifest
    try {
      copy.pragma('journal_mode = DELETE')
      manifest = {
        format: BACKUP_FORMAT,
        app: 'agenta-studio',
        appVersion: APP_VERSION,
        createdAt: Date.now(),
        migrations: appliedMigrations(copy),
        secrets: { keyFile: present.includes('secret.key'), keychain: keychainSealed(copy) },
        counts: countRows(copy)
      }
    } finally {
      copy.close()
    }
    writeFileSync(join(work, MANIFEST_FILE), JSON.stringify(manifest, null, 2), { mode: 0o600 })
    // The data folder's items enter the archive through links in the work folder, so the archive's
    // paths are plain (`vectors/…`) while the database copy and the manifest come from elsewhere.
    for (const item of present) symlinkSync(join(dataDir, item), join(work, item))

    let done = dbBytes
    mkdirSync(dirname(out), { recursive: true })
    await tar.c(
      {
        cwd: work,
        file: partial,
        gzip: true,
        portable: true,
        follow: true,
        mode: 0o600,
        onWriteEntry: (entry) => {
          done += fileSizes.get(entry.path.replace(/\/$/, '')) ?? 0
          progress({ phase: 'files', done: Math.min(done, total), total })
        }
      },
      [MANIFEST_FILE, DB_FILE, ...present]
    )
    renameSync(partial, out)
    return manifest
  } finally {
    rmSync(partial, { force: true })
    rmSync(work, { recursive: true, force: true })
  }
}

/** Why an archive was refused; the UI words each one (details.reason). */
export type RefusalReason = 'not_a_backup' | 'damaged' | 'newer_format' | 'newer_database' | 'database_damaged'

function refuse(reason: RefusalReason, message: string, extra: Record<string, unknown> = {}): AppError {
  const code = reason === 'newer_format' || reason === 'newer_database' ? 'validation_failed' : 'bad_request'
  return new AppError(code, message, { reason, ...extra })
}

/** An archive path that may be unpacked: one of the items, nothing outside, no links or devices. */
function allowedEntry(path: string, type: string): boolean {
  if (type !== 'File' && type !== 'Directory') return false
  const clean = path.replace(/\/$/, '')
  if (!clean || clean.startsWith('/') || clean.split('/').some((part) => part === '..' || part === '')) return false
  const top = clean.split('/')[0]
  if (clean === MANIFEST_FILE || clean === DB_FILE) return type === 'File'
  return (DATA_ITEMS as readonly string[]).includes(top)
}

/**
 * Unpacks an archive into `stageDir` and checks it: every entry is one a backup holds, the
 * manifest is there and not from a newer format, the database is whole (integrity_check) and
 * has no migration this version does not know. Throws an AppError (4xx) naming the reason;
 * the stage folder is removed then.
 */
export async function unpackAndCheck(archive: string, stageDir: string): Promise<BackupManifest> {
  if (!existsSync(archive) || !statSync(archive).isFile()) throw new AppError('not_found', `No backup file at ${archive}`)
  rmSync(stageDir, { recursive: true, force: true })
  mkdirSync(stageDir, { recursive: true, mode: 0o700 })
  try {
    const refused: string[] = []
    try {
      await tar.x({
        file: archive,
        cwd: stageDir,
        strict: true,
        preserveOwner: false,
        filter: (path, entry) => {
          const type = 'type' in entry ? String(entry.type) : 'File'
          if (allowedEntry(path, type)) return true
          refused.push(path)
          return false
        }
      })
    } catch (err) {
      throw refuse('damaged', `The file is damaged or not a backup: ${(err as Error).message}`)
    }
    if (refused.length)
      throw refuse('not_a_backup', `The file holds entries a backup never has: ${refused.slice(0, 3).join(', ')}`, { entries: refused.slice(0, 20) })
    const manifestPath = join(stageDir, MANIFEST_FILE)
    if (!existsSync(manifestPath)) throw refuse('not_a_backup', 'The file is not an Agenta Studio backup (it has no manifest.json)')
    let raw: unknown
    try {
      raw = JSON.parse(readFileSync(manifestPath, 'utf8'))
    } catch {
      throw refuse('damaged', 'The backup manifest is not readable JSON')
    }
    const format = (raw as { format?: unknown })?.format
    if (typeof format === 'number' && format > BACKUP_FORMAT) {
      throw refuse(
        'newer_format',
        `This backup was made by a newer Agenta Studio (format ${format}; this version reads up to ${BACKUP_FORMAT}): update the app first`,
        {
          format
        }
      )
    }
    const parsed = BackupManifest.safeParse(raw)
    if (!parsed.success) throw refuse('not_a_backup', 'The file is not an Agenta Studio backup (its manifest does not fit)')
    const dbPath = join(stageDir, DB_FILE)
    if (!existsSync(dbPath)) throw refuse('not_a_backup', 'The backup holds no database')
    let db: Database.Database | undefined
    try {
      db = new Database(dbPath, { readonly: true, fileMustExist: true })
      const check = db.pragma('integrity_check', { simple: true })
      if (check !== 'ok') throw refuse('database_damaged', `The database in the backup is damaged (${String(check)})`)
      const known = new Set(migrationNames)
      const unknown = appliedMigrations(db).filter((n) => !known.has(n))
      if (unknown.length)
        throw refuse('newer_database', `The database in this backup comes from a newer Agenta Studio (${unknown.join(', ')}): update the app first`, {
          migrations: unknown
        })
    } catch (err) {
      if (err instanceof AppError) throw err
      throw refuse('database_damaged', `The database in the backup cannot be read: ${(err as Error).message}`)
    } finally {
      db?.close()
    }
    return parsed.data
  } catch (err) {
    rmSync(stageDir, { recursive: true, force: true })
    throw err
  }
}

/** Total bytes under a folder (what a staged restore takes on disk). */
export function folderBytes(dir: string): number {
  let total = 0
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const st = lstatSync(join(dir, name))
    if (st.isFile()) total += st.size
  }
  return total
}
