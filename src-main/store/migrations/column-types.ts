import { MysqlAdapter, sql, type Kysely, type RawBuilder } from 'kysely'

/**
 * Column types that mean the same on SQLite and MySQL/MariaDB, so one migration serves both.
 * MySQL's TEXT holds only 64 KB, and prompts or data-URL avatars can be larger.
 */
export function columnTypes(db: Kysely<unknown>) {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter
  return {
    mysql,
    id: 'varchar(64)' as const,
    short: 'varchar(255)' as const,
    text: (mysql ? sql`mediumtext` : sql`text`) as RawBuilder<unknown>,
    time: 'bigint' as const,
    int: 'integer' as const,
    bool: 'integer' as const
  }
}
