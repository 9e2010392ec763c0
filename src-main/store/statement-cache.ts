import type { Database, Statement } from 'better-sqlite3'
import type { SqliteDatabase, SqliteStatement } from 'kysely'

/** How many distinct SQL texts keep a prepared statement. The app's hot queries are a few dozen. */
export const STATEMENT_CACHE_SIZE = 256

/**
 * Hands kysely's SQLite driver one prepared statement per SQL text instead of preparing every
 * query anew (`prepare` was ≈0.5 ms of each chat turn, the biggest SQLite cost in the relay
 * benchmark). Safe to reuse because:
 * - SQLite re-prepares a statement by itself when the schema changes (migrations, ALTER, DROP):
 *   the rows then have the new columns, or the call fails like a fresh prepare would.
 * - kysely runs one query at a time on the single connection and `all`/`run` finish before they
 *   return; a statement still being iterated (`streamQuery`) is `busy`, and gets a fresh,
 *   uncached twin instead.
 * Bounded (least recently used out), since SQL with a variable number of parameters (`in (…)`)
 * makes a new text per list length.
 */
export function cachingDatabase(db: Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase & { readonly cached: number } {
  const cache = new Map<string, Statement>()
  return {
    get cached() {
      return cache.size
    },
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql)
      if (hit && !hit.busy) {
        // Map keeps insertion order: re-inserting marks it most recently used.
        cache.delete(sql)
        cache.set(sql, hit)
        return hit
      }
      const stmt = db.prepare(sql)
      if (hit) return stmt
      cache.set(sql, stmt)
      if (cache.size > size) cache.delete(cache.keys().next().value!)
      return stmt
    },
    close() {
      // Closing the database finalizes every statement it prepared.
      cache.clear()
      db.close()
    }
  }
}
