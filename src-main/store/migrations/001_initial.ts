import type { Kysely } from 'kysely'
import { columnTypes } from './column-types'

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db)

  await db.schema
    .createTable('providers')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', t.short, (c) => c.notNull())
    .addColumn('kind', t.short, (c) => c.notNull())
    .addColumn('base_url', t.short, (c) => c.notNull())
    .addColumn('api_key_enc', t.text)
    .addColumn('api_key_hint', t.short)
    .addColumn('enabled', t.bool, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('providers_name').unique().on('providers').column('name').execute()

  await db.schema
    .createTable('models')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('provider_id', t.id, (c) => c.notNull().references('providers.id').onDelete('cascade'))
    .addColumn('model_id', t.short, (c) => c.notNull())
    .addColumn('type', t.short, (c) => c.notNull())
    .addColumn('source', t.short, (c) => c.notNull())
    .addColumn('enabled', t.bool, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('models_provider_model').unique().on('models').columns(['provider_id', 'model_id']).execute()

  await db.schema
    .createTable('agents')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('uuid', t.id, (c) => c.notNull().unique())
    .addColumn('name', t.short, (c) => c.notNull())
    .addColumn('description', t.text, (c) => c.notNull())
    .addColumn('avatar', t.text, (c) => c.notNull())
    .addColumn('provider_id', t.id, (c) => c.references('providers.id').onDelete('set null'))
    .addColumn('model', t.short)
    .addColumn('system_prompt', t.text, (c) => c.notNull())
    .addColumn('params', t.text, (c) => c.notNull())
    .addColumn('welcome_message', t.text, (c) => c.notNull())
    .addColumn('quick_phrases', t.text, (c) => c.notNull())
    .addColumn('theme', t.text, (c) => c.notNull())
    .addColumn('card_templates', t.text, (c) => c.notNull())
    .addColumn('digital_human', t.text)
    .addColumn('max_steps', t.int, (c) => c.notNull())
    .addColumn('published', t.bool, (c) => c.notNull())
    .addColumn('public_key', t.short)
    .addColumn('allowed_origins', t.text, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('tools')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', t.short, (c) => c.notNull())
    .addColumn('remark', t.text, (c) => c.notNull())
    .addColumn('category', t.short, (c) => c.notNull())
    .addColumn('icon', t.text, (c) => c.notNull())
    .addColumn('color', t.short, (c) => c.notNull())
    .addColumn('tool_type', t.short, (c) => c.notNull())
    .addColumn('transport', t.short, (c) => c.notNull())
    .addColumn('config', t.text, (c) => c.notNull())
    .addColumn('enabled', t.bool, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('tools_name').unique().on('tools').column('name').execute()

  await db.schema
    .createTable('agent_tools')
    .addColumn('agent_id', t.id, (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('tool_id', t.id, (c) => c.notNull().references('tools.id').onDelete('cascade'))
    .addColumn('enabled_tools', t.text)
    .addColumn('require_confirmation', t.bool, (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_tools_pk', ['agent_id', 'tool_id'])
    .execute()

  await db.schema
    .createTable('knowledge_bases')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', t.short, (c) => c.notNull())
    .addColumn('description', t.text, (c) => c.notNull())
    .addColumn('embedding_model_id', t.id, (c) => c.references('models.id').onDelete('set null'))
    .addColumn('chunk_size', t.int, (c) => c.notNull())
    .addColumn('chunk_overlap', t.int, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('knowledge_bases_name').unique().on('knowledge_bases').column('name').execute()

  await db.schema
    .createTable('agent_knowledge_bases')
    .addColumn('agent_id', t.id, (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('kb_id', t.id, (c) => c.notNull().references('knowledge_bases.id').onDelete('cascade'))
    .addColumn('settings', t.text, (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_knowledge_bases_pk', ['agent_id', 'kb_id'])
    .execute()

  await db.schema
    .createTable('documents')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('kb_id', t.id, (c) => c.notNull().references('knowledge_bases.id').onDelete('cascade'))
    .addColumn('name', t.short, (c) => c.notNull())
    .addColumn('source', t.text, (c) => c.notNull())
    .addColumn('content_hash', t.short)
    .addColumn('char_count', t.int, (c) => c.notNull())
    .addColumn('chunk_count', t.int, (c) => c.notNull())
    .addColumn('status', t.short, (c) => c.notNull())
    .addColumn('error', t.text)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('documents_kb').on('documents').columns(['kb_id', 'created_at']).execute()
  await db.schema.createIndex('documents_hash').on('documents').columns(['kb_id', 'content_hash']).execute()

  await db.schema
    .createTable('chat_sessions')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('agent_id', t.id, (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('user_id', t.short, (c) => c.notNull())
    .addColumn('title', t.short, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('chat_sessions_agent_user').on('chat_sessions').columns(['agent_id', 'user_id', 'updated_at']).execute()

  await db.schema
    .createTable('messages')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('session_id', t.id, (c) => c.notNull().references('chat_sessions.id').onDelete('cascade'))
    .addColumn('role', t.short, (c) => c.notNull())
    .addColumn('content', t.text, (c) => c.notNull())
    .addColumn('meta', t.text, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('messages_session').on('messages').columns(['session_id', 'created_at']).execute()

  await db.schema
    .createTable('run_steps')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('run_id', t.id, (c) => c.notNull())
    .addColumn('session_id', t.id, (c) => c.notNull().references('chat_sessions.id').onDelete('cascade'))
    .addColumn('kind', t.short, (c) => c.notNull())
    .addColumn('name', t.short, (c) => c.notNull())
    .addColumn('input', t.text, (c) => c.notNull())
    .addColumn('output', t.text, (c) => c.notNull())
    .addColumn('error', t.text)
    .addColumn('tokens_in', t.int, (c) => c.notNull())
    .addColumn('tokens_out', t.int, (c) => c.notNull())
    .addColumn('started_at', t.time, (c) => c.notNull())
    .addColumn('ended_at', t.time)
    .execute()
  await db.schema.createIndex('run_steps_run').on('run_steps').columns(['run_id', 'started_at']).execute()
  await db.schema.createIndex('run_steps_session').on('run_steps').column('session_id').execute()

  await db.schema
    .createTable('schedules')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', t.short, (c) => c.notNull())
    .addColumn('instruction', t.text, (c) => c.notNull())
    .addColumn('agent_id', t.id, (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('model_override', t.short)
    .addColumn('schedule', t.text, (c) => c.notNull())
    .addColumn('timezone', t.short, (c) => c.notNull())
    .addColumn('loop_count', t.int, (c) => c.notNull())
    .addColumn('run_count', t.int, (c) => c.notNull())
    .addColumn('enabled', t.bool, (c) => c.notNull())
    .addColumn('missed_policy', t.short, (c) => c.notNull())
    .addColumn('delivery', t.text, (c) => c.notNull())
    .addColumn('next_run_at', t.time)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('schedule_runs')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('schedule_id', t.id, (c) => c.notNull().references('schedules.id').onDelete('cascade'))
    .addColumn('session_id', t.id)
    .addColumn('status', t.short, (c) => c.notNull())
    .addColumn('output', t.text, (c) => c.notNull())
    .addColumn('error', t.text)
    .addColumn('started_at', t.time, (c) => c.notNull())
    .addColumn('ended_at', t.time)
    .execute()
  await db.schema.createIndex('schedule_runs_schedule').on('schedule_runs').columns(['schedule_id', 'started_at']).execute()

  await db.schema
    .createTable('memories')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('user_id', t.short, (c) => c.notNull())
    .addColumn('agent_id', t.id, (c) => c.references('agents.id').onDelete('cascade'))
    .addColumn('text', t.text, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('memories_user').on('memories').columns(['user_id', 'agent_id']).execute()

  await db.schema
    .createTable('users')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', t.short, (c) => c.notNull())
    .addColumn('role', t.short, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('user_id', t.id, (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('name', t.short, (c) => c.notNull())
    .addColumn('token_hash', t.short, (c) => c.notNull().unique())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('last_used_at', t.time)
    .execute()

  await db.schema
    .createTable('settings')
    .addColumn('key', t.short, (c) => c.primaryKey())
    .addColumn('value', t.text, (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Children first, so foreign keys never block the drop.
  for (const table of [
    'settings',
    'api_tokens',
    'users',
    'memories',
    'schedule_runs',
    'schedules',
    'run_steps',
    'messages',
    'chat_sessions',
    'documents',
    'agent_knowledge_bases',
    'knowledge_bases',
    'agent_tools',
    'tools',
    'agents',
    'models',
    'providers'
  ]) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
