import type { Migration, MigrationProvider } from 'kysely'
import * as m001 from './001_initial'
import * as m002 from './002_scheduler_memory'
import * as m003 from './003_knowledge_ingestion'
import * as m004 from './004_knowledge_versions'
import * as m005 from './005_document_claim_index'
import * as m006 from './006_provider_timeouts'
import * as m007 from './007_digital_humans'
import * as m008 from './008_session_origin'
import * as m009 from './009_accounts'
import * as m010 from './010_agent_sync'
import * as m011 from './011_user_preferences'
import * as m012 from './012_message_branches'
import * as m013 from './013_document_error_reasons'
import * as m014 from './014_source_sync_reasons'

/**
 * Listed by hand rather than read from disk: the main process is bundled, so there is no
 * migrations folder at run time. Names sort in the order they run; never rename or edit one that
 * has shipped, add the next.
 */
const migrations: Record<string, Migration> = {
  '001_initial': m001,
  '002_scheduler_memory': m002,
  '003_knowledge_ingestion': m003,
  '004_knowledge_versions': m004,
  '005_document_claim_index': m005,
  '006_provider_timeouts': m006,
  '007_digital_humans': m007,
  '008_session_origin': m008,
  '009_accounts': m009,
  '010_agent_sync': m010,
  '011_user_preferences': m011,
  '012_message_branches': m012,
  '013_document_error_reasons': m013,
  '014_source_sync_reasons': m014
}

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations
}

/** The migrations this version knows, in order (a backup from a newer version has others). */
export const migrationNames: readonly string[] = Object.keys(migrations)
