import { sql, type Kysely, type RawBuilder } from 'kysely'
import { columnTypes } from './column-types'

/**
 * People (accounts on): the tables Better Auth keeps (users, sessions, credentials, verification
 * values, login rate-limit counters; its columns, in snake case) and ours: personal API tokens,
 * invitations, the audit log and who may use each agent. `users` and `api_tokens` of 001 were
 * placeholders nothing wrote to; they are replaced.
 *
 * Better Auth writes dates as ISO text on SQLite and as DATETIME on MySQL, so its date columns
 * are of that type; our own tables keep epoch ms as everywhere else.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db)
  const date = (t.mysql ? sql`datetime(3)` : sql`text`) as RawBuilder<unknown>

  await db.schema.dropTable('api_tokens').ifExists().execute()
  await db.schema.dropTable('users').ifExists().execute()

  await db.schema
    .createTable('users')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', t.short, (c) => c.notNull())
    .addColumn('email', t.short, (c) => c.notNull().unique())
    .addColumn('email_verified', t.bool, (c) => c.notNull().defaultTo(0))
    .addColumn('image', t.text)
    .addColumn('role', t.short, (c) => c.notNull().defaultTo('member'))
    .addColumn('disabled', t.bool, (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', date, (c) => c.notNull())
    .addColumn('updated_at', date, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('auth_sessions')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('token', t.short, (c) => c.notNull().unique())
    .addColumn('user_id', t.id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('expires_at', date, (c) => c.notNull())
    .addColumn('ip_address', t.short)
    .addColumn('user_agent', t.text)
    .addColumn('created_at', date, (c) => c.notNull())
    .addColumn('updated_at', date, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('auth_sessions_user').on('auth_sessions').column('user_id').execute()

  await db.schema
    .createTable('auth_accounts')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('account_id', t.short, (c) => c.notNull())
    .addColumn('provider_id', t.short, (c) => c.notNull())
    .addColumn('user_id', t.id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('access_token', t.text)
    .addColumn('refresh_token', t.text)
    .addColumn('id_token', t.text)
    .addColumn('access_token_expires_at', date)
    .addColumn('refresh_token_expires_at', date)
    .addColumn('scope', t.text)
    .addColumn('password', t.text)
    .addColumn('created_at', date, (c) => c.notNull())
    .addColumn('updated_at', date, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('auth_accounts_user').on('auth_accounts').column('user_id').execute()

  await db.schema
    .createTable('auth_verifications')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('identifier', t.short, (c) => c.notNull())
    .addColumn('value', t.text, (c) => c.notNull())
    .addColumn('expires_at', date, (c) => c.notNull())
    .addColumn('created_at', date, (c) => c.notNull())
    .addColumn('updated_at', date, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('auth_verifications_identifier').on('auth_verifications').column('identifier').execute()

  // Shared by every process of a team server, so a login limit holds across them.
  await db.schema
    .createTable('auth_rate_limits')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('key', t.short, (c) => c.notNull().unique())
    .addColumn('count', t.int, (c) => c.notNull())
    .addColumn('last_request', t.time, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('user_id', t.id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', t.short, (c) => c.notNull())
    .addColumn('prefix', t.short, (c) => c.notNull())
    .addColumn('token_hash', t.short, (c) => c.notNull().unique())
    .addColumn('scopes', t.short, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('last_used_at', t.time)
    .addColumn('expires_at', t.time)
    .execute()
  await db.schema.createIndex('api_tokens_user').on('api_tokens').column('user_id').execute()

  await db.schema
    .createTable('invites')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('code_hash', t.short, (c) => c.notNull().unique())
    .addColumn('role', t.short, (c) => c.notNull())
    .addColumn('email', t.short)
    .addColumn('created_by', t.short, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('expires_at', t.time, (c) => c.notNull())
    .addColumn('used_at', t.time)
    .execute()

  await db.schema
    .createTable('audit_log')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('at', t.time, (c) => c.notNull())
    .addColumn('actor_id', t.short, (c) => c.notNull())
    .addColumn('actor_name', t.short, (c) => c.notNull())
    .addColumn('action', t.short, (c) => c.notNull())
    .addColumn('target_id', t.short)
    .execute()
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute()

  // No row: an agent from before accounts, usable by everyone and changed by any builder.
  await db.schema
    .createTable('agent_access')
    .addColumn('agent_id', t.id, (c) => c.primaryKey().references('agents.id').onDelete('cascade'))
    .addColumn('owner_id', t.id)
    .addColumn('everyone', t.bool, (c) => c.notNull())
    .addColumn('people', t.text, (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'agent_access',
    'audit_log',
    'invites',
    'api_tokens',
    'auth_rate_limits',
    'auth_verifications',
    'auth_accounts',
    'auth_sessions',
    'users'
  ])
    await db.schema.dropTable(table).ifExists().execute()
}
