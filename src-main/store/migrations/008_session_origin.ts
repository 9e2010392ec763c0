import { sql, type Kysely } from 'kysely'
import { columnTypes } from './column-types'

/**
 * Where a chat session came from: `studio` (the studio's chat and the editor's preview), `chat`
 * (the chat protocol: the phone page, website widgets, kiosks), `api` (the OpenAI-compatible /v1
 * and /mcp) or `schedule` (digital employees). Sessions that exist are sorted by what is known of
 * them: those of a task run are `schedule`, the users the API and MCP routes give are `api`, other
 * non-studio users `chat` (a /v1 caller that named its own user lands there too).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db)
  await db.schema
    .alterTable('chat_sessions')
    .addColumn('origin', t.id, (c) => c.notNull().defaultTo('studio'))
    .execute()
  await sql`UPDATE chat_sessions SET origin = 'schedule' WHERE user_id = 'scheduler' OR id IN (SELECT session_id FROM schedule_runs WHERE session_id IS NOT NULL)`.execute(
    db
  )
  await sql`UPDATE chat_sessions SET origin = 'api' WHERE origin = 'studio' AND user_id IN ('openai-api', 'mcp')`.execute(db)
  await sql`UPDATE chat_sessions SET origin = 'chat' WHERE origin = 'studio' AND user_id <> 'studio'`.execute(db)
  await db.schema.createIndex('chat_sessions_origin').on('chat_sessions').columns(['agent_id', 'origin', 'updated_at']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('chat_sessions_origin').on('chat_sessions').execute()
  await db.schema.alterTable('chat_sessions').dropColumn('origin').execute()
}
