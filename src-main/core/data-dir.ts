import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { log } from '../base/log'

// POSIX modes; Windows keeps the data folder in the user's profile, private by its ACLs.
const posix = process.platform !== 'win32'

/** Removes group and other access when a file or folder has any (an older version, a copy, a umask of 000). */
export function tightenMode(path: string, mode: 0o700 | 0o600): void {
  if (!posix) return
  let st
  try {
    st = statSync(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  if ((st.mode & 0o077) === 0) return
  try {
    chmodSync(path, mode)
  } catch (err) {
    // Not ours to change (another owner, a read-only mount): worth a warning, not a refusal to start.
    log.warn({ err, path }, 'data file left readable by others')
    return
  }
  log.info({ path, was: (st.mode & 0o777).toString(8), now: mode.toString(8) }, 'data file made private to its owner')
}

/**
 * The data folder holds the database (API keys sealed, but chats, documents and settings in clear),
 * the key file, uploads and logs: it is made 0700 and the SQLite files 0600, created so and
 * tightened at each start if they are looser. A new database file is created empty with 0600
 * before SQLite opens it, and SQLite gives its -wal and -shm files the database's mode.
 */
export function privateDataDir(dir: string, sqliteFile: string | null): void {
  mkdirSync(dirname(dir), { recursive: true })
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  tightenMode(dir, 0o700)
  if (!sqliteFile || sqliteFile === ':memory:') return
  mkdirSync(dirname(sqliteFile), { recursive: true, mode: 0o700 })
  closeSync(openSync(sqliteFile, 'a', 0o600))
  privateSqliteFiles(sqliteFile)
}

/** The database with its write-ahead log and shared-memory index. */
export function privateSqliteFiles(sqliteFile: string): void {
  for (const f of [sqliteFile, `${sqliteFile}-wal`, `${sqliteFile}-shm`]) tightenMode(f, 0o600)
}
