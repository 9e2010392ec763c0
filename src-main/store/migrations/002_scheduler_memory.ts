import type { Kysely } from 'kysely'
import { columnTypes } from './column-types'

/**
 * Digital employees and memory: per-task run timeout, the trace id, cause, slot and delivery
 * results of each run, and the agent's memory setting. One column per statement because SQLite's
 * ALTER TABLE adds one column at a time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db)
  await db.schema.alterTable('agents').addColumn('memory', t.text).execute()
  await db.schema
    .alterTable('schedules')
    .addColumn('timeout_sec', t.int, (c) => c.notNull().defaultTo(600))
    .execute()
  await db.schema.alterTable('schedule_runs').addColumn('run_id', t.id).execute()
  await db.schema
    .alterTable('schedule_runs')
    .addColumn('run_trigger', t.short, (c) => c.notNull().defaultTo('schedule'))
    .execute()
  await db.schema.alterTable('schedule_runs').addColumn('scheduled_for', t.time).execute()
  await db.schema.alterTable('schedule_runs').addColumn('deliveries', t.text).execute()
  // Start-up looks for runs left `running` by a crash; the grid reads each task's latest run.
  await db.schema.createIndex('schedule_runs_status').on('schedule_runs').column('status').execute()
  await db.schema.createIndex('memories_user_updated').on('memories').columns(['user_id', 'updated_at']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('memories_user_updated').on('memories').execute()
  await db.schema.dropIndex('schedule_runs_status').on('schedule_runs').execute()
  for (const c of ['deliveries', 'scheduled_for', 'run_trigger', 'run_id']) await db.schema.alterTable('schedule_runs').dropColumn(c).execute()
  await db.schema.alterTable('schedules').dropColumn('timeout_sec').execute()
  await db.schema.alterTable('agents').dropColumn('memory').execute()
}
