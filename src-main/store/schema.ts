import type { Generated } from 'kysely'

/**
 * Row types of the store. Portable across SQLite and MySQL/MariaDB: ids are strings made by the
 * app, times are epoch milliseconds (bigint), booleans are 0/1 integers, structured values are
 * JSON text. Repositories in ./repos turn rows into contract entities.
 */
type Bool = number
type Json = string

export interface ProvidersTable {
  id: string
  name: string
  kind: string
  base_url: string
  api_key_enc: string | null
  api_key_hint: string | null
  enabled: Bool
  connect_timeout_ms: number
  first_token_timeout_ms: number
  idle_timeout_ms: number
  created_at: number
  updated_at: number
}
export interface ModelsTable {
  id: string
  provider_id: string
  model_id: string
  type: string
  /** 'remote' rows come from the provider's /models and go when it drops them; 'manual' ones stay. */
  source: string
  enabled: Bool
  created_at: number
}
export interface AgentsTable {
  id: string
  uuid: string
  name: string
  description: string
  avatar: string
  provider_id: string | null
  model: string | null
  system_prompt: string
  params: Json
  welcome_message: string
  quick_phrases: Json
  theme: Json
  card_templates: Json
  digital_human: Json | null
  max_steps: number
  published: Bool
  public_key: string | null
  allowed_origins: Json
  /** JSON {enabled, shared}; null = memory off (rows from before migration 002). */
  memory: Json | null
  created_at: number
  updated_at: number
}
export interface ToolsTable {
  id: string
  name: string
  remark: string
  category: string
  icon: string
  color: string
  tool_type: string
  transport: string
  config: Json
  enabled: Bool
  created_at: number
  updated_at: number
}
export interface AgentToolsTable {
  agent_id: string
  tool_id: string
  /** JSON array of enabled tool names, or null for all of the server's tools. */
  enabled_tools: Json | null
  require_confirmation: Bool
}
export interface KnowledgeBasesTable {
  id: string
  name: string
  description: string
  embedding_model_id: string | null
  chunk_size: number
  chunk_overlap: number
  created_at: number
  updated_at: number
}
export interface AgentKnowledgeBasesTable {
  agent_id: string
  kb_id: string
  /** JSON retrieval settings for this binding (mode, topK, threshold, as tool or context). */
  settings: Json
}
export interface DocumentsTable {
  id: string
  kb_id: string
  name: string
  source: string
  content_hash: string | null
  char_count: number
  chunk_count: number
  status: string
  error: string | null
  created_at: number
  updated_at: number
}
export interface ChatSessionsTable {
  id: string
  agent_id: string
  user_id: string
  /** studio | chat | api | schedule (migration 007; the column's default is studio). */
  origin: Generated<string>
  title: string
  created_at: number
  updated_at: number
}
export interface MessagesTable {
  id: string
  session_id: string
  role: string
  content: string
  /** JSON: tool calls, card, sources, usage, status. */
  meta: Json
  created_at: number
  /** The message this one follows on its branch (NULL: a first message); migration 012. */
  parent_id: string | null
  /** 1: the child of its parent shown last. */
  selected: Generated<number>
  /** 1: off the branch shown now. */
  hidden: Generated<number>
}
export interface RunStepsTable {
  id: string
  run_id: string
  session_id: string
  kind: string
  name: string
  input: string
  output: string
  error: string | null
  tokens_in: number
  tokens_out: number
  started_at: number
  ended_at: number | null
}
export interface SchedulesTable {
  id: string
  name: string
  instruction: string
  agent_id: string
  model_override: string | null
  schedule: Json
  timezone: string
  loop_count: number
  run_count: number
  enabled: Bool
  missed_policy: string
  delivery: Json
  next_run_at: number | null
  timeout_sec: number
  created_at: number
  updated_at: number
}
export interface ScheduleRunsTable {
  id: string
  schedule_id: string
  session_id: string | null
  status: string
  output: string
  error: string | null
  started_at: number
  ended_at: number | null
  /** The chat turn's run id, for its trace. */
  run_id: string | null
  /** schedule | manual | missed */
  run_trigger: string
  scheduled_for: number | null
  /** JSON array of delivery results. */
  deliveries: Json | null
}
export interface MemoriesTable {
  id: string
  user_id: string
  agent_id: string | null
  text: string
  created_at: number
  updated_at: number
}
/** Better Auth's tables (migration 008): dates as it writes them (ISO text on SQLite, DATETIME on MySQL). */
type AuthDate = string | Date
export interface UsersTable {
  id: string
  name: string
  email: string
  email_verified: number
  image: string | null
  role: string
  disabled: number
  created_at: AuthDate
  updated_at: AuthDate
}
/** A person's own language and theme (null: the studio's setting). */
export interface UserPreferencesTable {
  user_id: string
  language: string | null
  theme: string | null
  updated_at: number
}
export interface AuthSessionsTable {
  id: string
  token: string
  user_id: string
  expires_at: AuthDate
  ip_address: string | null
  user_agent: string | null
  created_at: AuthDate
  updated_at: AuthDate
}
export interface ApiTokensTable {
  id: string
  user_id: string
  name: string
  prefix: string
  token_hash: string
  /** JSON array of scopes. */
  scopes: string
  created_at: number
  last_used_at: number | null
  expires_at: number | null
}
export interface InvitesTable {
  id: string
  code_hash: string
  role: string
  email: string | null
  created_by: string
  created_at: number
  expires_at: number
  used_at: number | null
}
export interface AuditLogTable {
  id: string
  at: number
  actor_id: string
  actor_name: string
  action: string
  target_id: string | null
}
export interface AgentAccessTable {
  agent_id: string
  owner_id: string | null
  everyone: number
  /** JSON array of user ids. */
  people: string
}
export interface SettingsTable {
  key: string
  value: Json
}

/** The digital humans registry (migration 007). */
export interface DigitalHumansTable {
  id: string
  name: string
  kind: string
  look: string
  palette: string
  /** JSON LiveTalkingSettings; null unless kind = livetalking. */
  live_talking: Json | null
  /** JSON {ttsModelId, voice, speed}. */
  voice: Json
  /** JSON {fileName, bytes, sha256, uploadedAt} of the uploaded GLB/VRM; null before an upload. */
  model_file: Json | null
  created_at: number
  updated_at: number
}

/** Where an agent stands with a team server after the last push or pull (migration 010). */
export interface AgentSyncTable {
  agent_id: string
  remote: string
  remote_agent_id: string
  local_fingerprint: string
  remote_fingerprint: string
  synced_at: number
}

export interface DB {
  providers: ProvidersTable
  models: ModelsTable
  agents: AgentsTable
  tools: ToolsTable
  agent_tools: AgentToolsTable
  knowledge_bases: KnowledgeBasesTable
  agent_knowledge_bases: AgentKnowledgeBasesTable
  documents: DocumentsTable
  chat_sessions: ChatSessionsTable
  messages: MessagesTable
  run_steps: RunStepsTable
  schedules: SchedulesTable
  schedule_runs: ScheduleRunsTable
  memories: MemoriesTable
  users: UsersTable
  user_preferences: UserPreferencesTable
  auth_sessions: AuthSessionsTable
  api_tokens: ApiTokensTable
  invites: InvitesTable
  audit_log: AuditLogTable
  agent_access: AgentAccessTable
  settings: SettingsTable
  digital_humans: DigitalHumansTable
  agent_sync: AgentSyncTable
}

// Generated is re-exported for migrations that add auto columns later.
export type { Generated }
