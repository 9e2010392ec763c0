import { sql, type Kysely } from 'kysely'
import { columnTypes } from './column-types'

/**
 * Branches of a conversation (editing a message or regenerating an answer keeps the old tail).
 * Messages form a tree: `parent_id` is the message a message follows (NULL for a session's first
 * messages), `selected` says which child of a parent was shown last (so a branch switched away from
 * comes back as it was left), and `hidden` marks the rows off the branch shown now. `hidden` is
 * derived from the other two, kept as a column so every reader (history, export, search) reads the
 * shown branch with a plain `hidden = 0` instead of walking the tree.
 *
 * Chosen over keeping old tails in hidden sessions whose ids are swapped on a switch: branches of
 * branches, and reads that must never see a half-swapped session, are simpler as three columns.
 * Existing messages become one branch: each one's parent is the message before it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db)
  await db.schema.alterTable('messages').addColumn('parent_id', t.id).execute()
  await db.schema
    .alterTable('messages')
    .addColumn('selected', t.bool, (c) => c.notNull().defaultTo(1))
    .execute()
  await db.schema
    .alterTable('messages')
    .addColumn('hidden', t.bool, (c) => c.notNull().defaultTo(0))
    .execute()
  const previous = sql`SELECT id, LAG(id) OVER (PARTITION BY session_id ORDER BY created_at, id) AS prev FROM messages`
  if (t.mysql) await sql`UPDATE messages m JOIN (${previous}) p ON p.id = m.id SET m.parent_id = p.prev`.execute(db)
  else await sql`UPDATE messages SET parent_id = p.prev FROM (${previous}) AS p WHERE p.id = messages.id`.execute(db)
  await db.schema.createIndex('messages_parent').on('messages').columns(['session_id', 'parent_id']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_parent').on('messages').execute()
  for (const c of ['hidden', 'selected', 'parent_id']) await db.schema.alterTable('messages').dropColumn(c).execute()
}
