import { z } from 'zod'
import * as E from './entities'
import * as TV from './team-servers'
import * as C from './chat'
import * as S from './schedules'
import * as M from './memory'
import * as K from './knowledge'
import * as D from './digital-humans'
import * as B from './backup'
import * as U from './usage'
import * as SP from './speech'
import * as AC from './accounts'
import type { Access } from './access'
import * as O from './onboarding'
import * as KI from './kiosk'
import * as TS from './team-sync'

/**
 * The one contract. Each endpoint is named once here; the REST routes, the IPC handlers, the
 * renderer's two transports and /api/openapi.json are all derived from this table.
 *
 * `input` is what a caller sends: path params, query and body merged into one object.
 */
export interface Endpoint<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: string
  summary: string
  input: I
  output: O
  /** Who may call it (contract/access.ts); absent: admins only. Checked once, in dispatch. */
  access?: Access
}

const ep = <I extends z.ZodType, O extends z.ZodType>(e: Endpoint<I, O>) => e
/** The declarations most endpoints share. */
const A = {
  public: { role: 'public' },
  member: { role: 'member' },
  builder: { role: 'builder' },
  ownUser: { role: 'member', own: ['self'] },
  ownSession: { role: 'member', own: ['session'] },
  ownMemory: { role: 'member', own: ['memory'] },
  editAgent: { role: 'builder', own: ['agentEdit'] }
} as const satisfies Record<string, Access>
const none = z.object({})
const byId = z.object({ id: z.string().min(1).max(64) })
const ok = z.object({ ok: z.literal(true) })

export const endpoints = {
  'app.info': ep({ access: A.member, method: 'GET', path: '/api/info', summary: 'App name, version and where data lives', input: none, output: E.AppInfo }),
  // The desktop's "Connect to a team server…" (core/team-servers.ts): admins only, since the check reaches out to the address given.
  'teamServers.recent': ep({
    method: 'GET',
    path: '/api/team-servers',
    summary: 'Team servers this studio connected to, newest first',
    input: none,
    output: TV.TeamServerList
  }),
  'teamServers.check': ep({
    method: 'POST',
    path: '/api/team-servers/check',
    summary: 'Check that an address is an Agenta team server of this version (ready, with accounts) and remember it',
    input: TV.TeamServerCheckInput,
    output: TV.TeamServer
  }),
  'teamServers.forget': ep({
    method: 'POST',
    path: '/api/team-servers/forget',
    summary: 'Remove a team server from the recent ones',
    input: z.object({ origin: z.string().min(1).max(2000) }),
    output: ok
  }),

  'providers.presets': ep({
    access: A.builder,
    method: 'GET',
    path: '/api/provider-presets',
    summary: 'Known providers with their base URLs',
    input: none,
    output: z.array(E.ProviderPreset)
  }),
  'providers.list': ep({ access: A.builder, method: 'GET', path: '/api/providers', summary: 'List providers', input: none, output: z.array(E.Provider) }),
  'providers.get': ep({ access: A.builder, method: 'GET', path: '/api/providers/:id', summary: 'One provider', input: byId, output: E.Provider }),
  'providers.create': ep({ method: 'POST', path: '/api/providers', summary: 'Add a provider', input: E.ProviderCreate, output: E.Provider }),
  'providers.update': ep({
    method: 'PUT',
    path: '/api/providers/:id',
    summary: 'Change a provider',
    input: byId.extend(E.ProviderUpdate.shape),
    output: E.Provider
  }),
  'providers.delete': ep({ method: 'DELETE', path: '/api/providers/:id', summary: 'Delete a provider and its models', input: byId, output: ok }),
  'providers.test': ep({
    method: 'POST',
    path: '/api/providers/:id/test',
    summary: 'Check that the provider answers with this key',
    input: byId,
    output: E.ProviderTestResult
  }),
  'providers.refreshModels': ep({
    method: 'POST',
    path: '/api/providers/:id/refresh-models',
    summary: "Reload the provider's model list from its /models",
    input: byId,
    output: E.RefreshModelsResult
  }),

  'models.list': ep({
    access: A.builder,
    method: 'GET',
    path: '/api/models',
    summary: 'List models, optionally of one provider or type',
    input: z.object({ providerId: z.string().optional(), type: E.ModelType.optional() }),
    output: z.array(E.Model)
  }),
  'models.create': ep({ method: 'POST', path: '/api/models', summary: 'Add a model by hand', input: E.ModelCreate, output: E.Model }),
  'models.update': ep({
    method: 'PUT',
    path: '/api/models/:id',
    summary: 'Change a model type or enable it',
    input: byId.extend(E.ModelUpdate.shape),
    output: E.Model
  }),
  'models.delete': ep({ method: 'DELETE', path: '/api/models/:id', summary: 'Delete a model', input: byId, output: ok }),
  'speech.voices': ep({
    access: A.builder,
    method: 'GET',
    path: '/api/speech/voices',
    summary: 'The voices known for a tts model (a stored model id, or builtin:espeak-ng)',
    input: SP.SpeechVoicesQuery,
    output: SP.SpeechVoices
  }),

  'agents.list': ep({ access: A.member, method: 'GET', path: '/api/agents', summary: 'List agents', input: none, output: z.array(E.Agent) }),
  'agents.get': ep({
    access: { role: 'member', own: ['agentUse'] },
    method: 'GET',
    path: '/api/agents/:id',
    summary: 'One agent, by id or uuid',
    input: byId,
    output: E.Agent
  }),
  'agents.create': ep({ access: A.builder, method: 'POST', path: '/api/agents', summary: 'Create an agent', input: E.AgentCreate, output: E.Agent }),
  'agents.update': ep({
    access: A.editAgent,
    method: 'PUT',
    path: '/api/agents/:id',
    summary: 'Change an agent',
    input: byId.extend(E.AgentUpdate.shape),
    output: E.Agent
  }),
  'agents.delete': ep({ access: A.editAgent, method: 'DELETE', path: '/api/agents/:id', summary: 'Delete an agent', input: byId, output: ok }),
  'dependents.get': ep({
    access: A.builder,
    method: 'GET',
    path: '/api/dependents/:kind/:id',
    summary: 'What deleting an agent, knowledge base, model or digital human takes with it or leaves without',
    input: byId.extend({ kind: E.DependentKind }),
    output: E.Dependents
  }),
  'agents.rotateKey': ep({
    access: A.editAgent,
    method: 'POST',
    path: '/api/agents/:id/rotate-key',
    summary: "Replace the agent's public key (old embeds stop working)",
    input: byId,
    output: E.Agent
  }),

  'digitalHumans.list': ep({
    access: A.builder,
    method: 'GET',
    path: '/api/digital-humans',
    summary: 'The digital humans registry: built-in looks, 3D files and LiveTalking avatars',
    input: none,
    output: z.array(D.DigitalHuman)
  }),
  'digitalHumans.get': ep({
    access: A.builder,
    method: 'GET',
    path: '/api/digital-humans/:id',
    summary: 'One digital human',
    input: byId,
    output: D.DigitalHuman
  }),
  'digitalHumans.create': ep({
    access: A.builder,
    method: 'POST',
    path: '/api/digital-humans',
    summary: 'Register a digital human (a GLB/VRM file is uploaded afterwards)',
    input: D.DigitalHumanCreate,
    output: D.DigitalHuman
  }),
  'digitalHumans.update': ep({
    access: A.builder,
    method: 'PUT',
    path: '/api/digital-humans/:id',
    summary: 'Change a digital human',
    input: byId.extend(D.DigitalHumanUpdate.shape),
    output: D.DigitalHuman
  }),
  'digitalHumans.delete': ep({
    access: A.builder,
    method: 'DELETE',
    path: '/api/digital-humans/:id',
    summary: 'Delete a digital human and its file; agents using it fall back to the built-in avatar',
    input: byId,
    output: ok
  }),
  'digitalHumans.setModelPath': ep({
    access: A.builder,
    method: 'POST',
    path: '/api/digital-humans/:id/model-path',
    summary: 'Attach a GLB/VRM file by its path on the machine that runs the server (the desktop app; browsers upload it)',
    input: byId.extend(D.AvatarModelPath.shape),
    output: D.DigitalHuman
  }),

  'sessions.list': ep({
    access: { role: 'member', own: ['self'] },
    method: 'GET',
    path: '/api/sessions',
    summary: 'Chat sessions, newest first, optionally of one agent or user, or matching a search',
    input: C.SessionList,
    output: z.array(C.ChatSession)
  }),
  'sessions.create': ep({
    access: { role: 'member', own: ['self', 'agentUse'] },
    method: 'POST',
    path: '/api/sessions',
    summary: 'Start a chat session with an agent',
    input: C.SessionCreate,
    output: C.ChatSession
  }),
  'sessions.get': ep({ access: A.ownSession, method: 'GET', path: '/api/sessions/:id', summary: 'One chat session', input: byId, output: C.ChatSession }),
  'sessions.rename': ep({
    access: A.ownSession,
    method: 'PUT',
    path: '/api/sessions/:id',
    summary: 'Rename a chat session',
    input: byId.extend({ title: z.string().trim().min(1).max(200) }),
    output: C.ChatSession
  }),
  'sessions.delete': ep({
    access: A.ownSession,
    method: 'DELETE',
    path: '/api/sessions/:id',
    summary: 'Delete a chat session and its messages',
    input: byId,
    output: ok
  }),
  'sessions.messages': ep({
    access: A.ownSession,
    method: 'GET',
    path: '/api/sessions/:id/messages',
    summary: 'Messages of a session, oldest first',
    input: byId,
    output: z.array(C.ChatMessage)
  }),
  'sessions.showBranch': ep({
    access: A.ownSession,
    method: 'POST',
    path: '/api/sessions/:id/branch',
    summary: 'Show the branch of a conversation that goes through one of its messages (an earlier edit or answer); returns the messages shown',
    input: byId.extend({ messageId: z.string().min(1).max(64) }),
    output: z.array(C.ChatMessage)
  }),
  'runs.get': ep({
    access: { role: 'member', own: ['run'] },
    method: 'GET',
    path: '/api/runs/:id',
    summary: 'The trace of one turn: every model and tool call',
    input: byId,
    output: z.array(C.RunStep)
  }),
  'chat.answerWait': ep({
    access: A.member,
    method: 'POST',
    path: '/api/chat/waits/:waitId',
    summary: 'Answer a turn that waits for input',
    input: C.WaitAnswer,
    output: ok
  }),

  'tools.list': ep({ access: A.builder, method: 'GET', path: '/api/tools', summary: 'List MCP servers', input: none, output: z.array(E.Tool) }),
  'tools.get': ep({ access: A.builder, method: 'GET', path: '/api/tools/:id', summary: 'One MCP server', input: byId, output: E.Tool }),
  'tools.create': ep({ access: A.builder, method: 'POST', path: '/api/tools', summary: 'Add an MCP server', input: E.ToolCreate, output: E.Tool }),
  'tools.update': ep({
    access: A.builder,
    method: 'PUT',
    path: '/api/tools/:id',
    summary: 'Change an MCP server',
    input: byId.extend(E.ToolUpdate.shape),
    output: E.Tool
  }),
  'tools.delete': ep({ access: A.builder, method: 'DELETE', path: '/api/tools/:id', summary: 'Delete an MCP server', input: byId, output: ok }),
  'tools.status': ep({
    access: A.builder,
    method: 'GET',
    path: '/api/tool-status',
    summary: 'Connection state and tool list of every MCP server',
    input: none,
    output: z.array(E.ToolStatus)
  }),
  'tools.test': ep({
    access: A.builder,
    method: 'POST',
    path: '/api/tools/:id/test',
    summary: 'Connect to a saved MCP server and list its tools, or say exactly why not',
    input: byId,
    output: E.ToolTestResult
  }),
  'tools.testConfig': ep({
    access: A.builder,
    method: 'POST',
    path: '/api/tool-test',
    summary: 'Try an MCP server configuration before saving it',
    // toolId: the saved server being edited; its masked header/env values in config stand for the saved ones.
    input: z.object({ config: E.ToolConfig, toolId: byId.shape.id.optional() }),
    output: E.ToolTestResult
  }),
  'agents.tools': ep({
    access: A.builder,
    method: 'GET',
    path: '/api/agents/:id/tools',
    summary: 'The MCP servers and tools an agent uses',
    input: byId,
    output: z.array(E.AgentToolBinding)
  }),
  'agents.setTools': ep({
    access: A.editAgent,
    method: 'PUT',
    path: '/api/agents/:id/tools',
    summary: 'Choose the MCP servers and tools an agent uses',
    input: byId.extend({ bindings: z.array(E.AgentToolBinding).max(100) }),
    output: z.array(E.AgentToolBinding)
  }),

  'knowledgeBases.list': ep({
    access: A.builder,
    method: 'GET',
    path: '/api/knowledge-bases',
    summary: 'List knowledge bases',
    input: none,
    output: z.array(E.KnowledgeBase)
  }),
  'knowledgeBases.get': ep({
    access: A.builder,
    method: 'GET',
    path: '/api/knowledge-bases/:id',
    summary: 'One knowledge base',
    input: byId,
    output: E.KnowledgeBase
  }),
  'knowledgeBases.create': ep({
    access: A.builder,
    method: 'POST',
    path: '/api/knowledge-bases',
    summary: 'Create a knowledge base',
    input: E.KnowledgeBaseCreate,
    output: E.KnowledgeBase
  }),
  'knowledgeBases.update': ep({
    access: A.builder,
    method: 'PUT',
    path: '/api/knowledge-bases/:id',
    summary: 'Change a knowledge base',
    input: byId.extend(E.KnowledgeBaseUpdate.shape),
    output: E.KnowledgeBase
  }),
  'knowledgeBases.delete': ep({
    access: A.builder,
    method: 'DELETE',
    path: '/api/knowledge-bases/:id',
    summary: 'Delete a knowledge base',
    input: byId,
    output: ok
  }),
  'knowledgeBases.status': ep({
    access: A.builder,
    method: 'GET',
    path: '/api/knowledge-bases/:id/status',
    summary: 'Document counts, ingestion progress and the embedding model search uses now',
    input: byId,
    output: K.KnowledgeBaseStatus
  }),
  'knowledgeBases.reindex': ep({
    access: A.builder,
    method: 'POST',
    path: '/api/knowledge-bases/:id/reindex',
    summary: 'Parse, chunk and index every document again (after a chunk size change)',
    input: byId,
    output: z.object({ queued: z.number().int() })
  }),
  'knowledgeBases.documents': ep({
    access: A.builder,
    method: 'GET',
    path: '/api/knowledge-bases/:id/documents',
    summary: 'Documents of a knowledge base, newest first, with counts by status',
    input: K.DocumentListInput,
    output: K.DocumentPage
  }),
  'knowledgeBases.document': ep({
    access: A.builder,
    method: 'GET',
    path: '/api/knowledge-bases/:id/documents/:docId',
    summary: 'One document and its ingestion state',
    input: byId.extend({ docId: z.string().min(1).max(64) }),
    output: K.KbDocument
  }),
  'knowledgeBases.chunks': ep({
    access: A.builder,
    method: 'GET',
    path: '/api/knowledge-bases/:id/documents/:docId/chunks',
    summary: 'The chunks of a document, in order',
    input: K.ChunkListInput,
    output: K.ChunkPage
  }),
  'knowledgeBases.deleteDocument': ep({
    access: A.builder,
    method: 'DELETE',
    path: '/api/knowledge-bases/:id/documents/:docId',
    summary: 'Remove a document and its chunks',
    input: byId.extend({ docId: z.string().min(1).max(64) }),
    output: ok
  }),
  'knowledgeBases.reindexDocument': ep({
    access: A.builder,
    method: 'POST',
    path: '/api/knowledge-bases/:id/documents/:docId/reindex',
    summary: 'Read a document again and replace its chunks (also retries a failed one)',
    input: byId.extend({ docId: z.string().min(1).max(64) }),
    output: K.KbDocument
  }),
  'knowledgeBases.addPaths': ep({
    method: 'POST',
    path: '/api/knowledge-bases/:id/add-paths',
    summary: 'Queue files and folders (recursively) on the machine that runs the server',
    input: K.AddPathsInput,
    output: K.AddResult
  }),
  'knowledgeBases.search': ep({
    access: A.builder,
    method: 'POST',
    path: '/api/knowledge-bases/:id/search',
    summary: 'Search a knowledge base (full-text, vector or hybrid, optionally reranked)',
    input: K.KbSearchInput,
    output: K.KbSearchResult
  }),
  'knowledgeBases.sources': ep({
    access: A.builder,
    method: 'GET',
    path: '/api/knowledge-bases/:id/sources',
    summary: 'Database and API sources of a knowledge base',
    input: byId,
    output: z.array(K.KnowledgeSource)
  }),
  'knowledgeBases.createSource': ep({
    access: A.builder,
    method: 'POST',
    path: '/api/knowledge-bases/:id/sources',
    summary: 'Add a database or API source',
    input: byId.extend(K.KnowledgeSourceCreate.shape),
    output: K.KnowledgeSource
  }),
  'knowledgeBases.updateSource': ep({
    access: A.builder,
    method: 'PUT',
    path: '/api/knowledge-bases/:id/sources/:sourceId',
    summary: 'Change a source',
    input: byId.extend({ sourceId: z.string().min(1).max(64), ...K.KnowledgeSourceUpdate.shape }),
    output: K.KnowledgeSource
  }),
  'knowledgeBases.deleteSource': ep({
    access: A.builder,
    method: 'DELETE',
    path: '/api/knowledge-bases/:id/sources/:sourceId',
    summary: 'Remove a source and its documents',
    input: byId.extend({ sourceId: z.string().min(1).max(64) }),
    output: ok
  }),
  'knowledgeBases.syncSource': ep({
    access: A.builder,
    method: 'POST',
    path: '/api/knowledge-bases/:id/sources/:sourceId/sync',
    summary: 'Read a source now: new and changed items are queued, removed ones deleted',
    input: byId.extend({ sourceId: z.string().min(1).max(64) }),
    output: K.SyncResult
  }),
  'agents.knowledgeBases': ep({
    access: A.builder,
    method: 'GET',
    path: '/api/agents/:id/knowledge-bases',
    summary: 'The knowledge bases an agent uses and how',
    input: byId,
    output: z.array(K.AgentKnowledgeBinding)
  }),
  'agents.setKnowledgeBases': ep({
    access: A.editAgent,
    method: 'PUT',
    path: '/api/agents/:id/knowledge-bases',
    summary: 'Choose the knowledge bases an agent uses and how it searches them',
    input: byId.extend({ bindings: z.array(K.AgentKnowledgeBinding).max(50) }),
    output: z.array(K.AgentKnowledgeBinding)
  }),

  'settings.get': ep({ access: A.member, method: 'GET', path: '/api/settings', summary: 'App settings', input: none, output: E.Settings }),
  'settings.update': ep({ method: 'PUT', path: '/api/settings', summary: 'Change app settings', input: E.SettingsUpdate, output: E.Settings }),
  'kiosk.pin': ep({
    method: 'GET',
    path: '/api/kiosk/pin',
    summary: 'Whether the kiosk admin PIN is set (never the PIN)',
    input: none,
    output: KI.KioskPinState
  }),
  'kiosk.setPin': ep({
    method: 'PUT',
    path: '/api/kiosk/pin',
    summary: 'Set, change or remove (null) the kiosk admin PIN; changing or removing takes the current PIN',
    input: KI.KioskPinUpdate,
    output: KI.KioskPinState
  }),
  'kiosk.resetPin': ep({
    method: 'POST',
    path: '/api/kiosk/pin/reset',
    summary: 'Remove a forgotten kiosk admin PIN without it (a signed-in admin gives their password) and clear the wrong-PIN lock',
    input: KI.KioskPinReset,
    output: KI.KioskPinState
  }),

  'server.status': ep({ method: 'GET', path: '/api/server', summary: 'Whether the local server runs and where', input: none, output: E.ServerStatus }),

  'schedules.list': ep({
    access: A.builder,
    method: 'GET',
    path: '/api/schedules',
    summary: 'Scheduled tasks (digital employees), newest first, optionally of one agent',
    input: S.ScheduleList,
    output: z.array(S.Schedule)
  }),
  'schedules.get': ep({
    access: A.builder,
    method: 'GET',
    path: '/api/schedules/:id',
    summary: 'One scheduled task with its next run times',
    input: byId,
    output: S.Schedule
  }),
  'schedules.create': ep({
    access: A.builder,
    method: 'POST',
    path: '/api/schedules',
    summary: 'Create a scheduled task',
    input: S.ScheduleCreate,
    output: S.Schedule
  }),
  'schedules.update': ep({
    access: A.builder,
    method: 'PUT',
    path: '/api/schedules/:id',
    summary: 'Change a scheduled task',
    input: byId.extend(S.ScheduleUpdate.shape),
    output: S.Schedule
  }),
  'schedules.delete': ep({
    access: A.builder,
    method: 'DELETE',
    path: '/api/schedules/:id',
    summary: 'Delete a scheduled task, its runs and their sessions',
    input: byId,
    output: ok
  }),
  'schedules.runNow': ep({
    access: A.builder,
    method: 'POST',
    path: '/api/schedules/:id/run',
    summary: 'Run a task now (409 if a run of it is still going)',
    input: S.RunNowInput,
    output: S.ScheduleRun
  }),
  'schedules.cancelRun': ep({
    access: A.builder,
    method: 'POST',
    path: '/api/schedules/:id/cancel',
    summary: 'Stop the run of a task that is going',
    input: byId,
    output: S.ScheduleRun
  }),
  'schedules.pause': ep({
    access: A.builder,
    method: 'POST',
    path: '/api/schedules/:id/pause',
    summary: 'Pause a task (a run going on is not stopped)',
    input: byId,
    output: S.Schedule
  }),
  'schedules.resume': ep({
    access: A.builder,
    method: 'POST',
    path: '/api/schedules/:id/resume',
    summary: 'Resume a task from now on (a finished loop starts again)',
    input: byId,
    output: S.Schedule
  }),
  'schedules.runs': ep({
    access: A.builder,
    method: 'GET',
    path: '/api/schedules/:id/runs',
    summary: 'Runs of a task, newest first, with output, error and deliveries',
    input: S.ScheduleRunsQuery,
    output: z.array(S.ScheduleRun)
  }),
  'schedules.preview': ep({
    access: A.builder,
    method: 'POST',
    path: '/api/schedule-preview',
    summary: 'Check a schedule and list its next run times (for the task dialog)',
    input: S.SchedulePreviewInput,
    output: S.SchedulePreview
  }),
  'scheduler.smtp': ep({
    access: A.builder,
    method: 'GET',
    path: '/api/scheduler/smtp',
    summary: 'SMTP server for email delivery of task results',
    input: none,
    output: S.SmtpSettings
  }),
  'scheduler.setSmtp': ep({
    method: 'PUT',
    path: '/api/scheduler/smtp',
    summary: 'Change the SMTP server for email delivery',
    input: S.SmtpSettingsUpdate,
    output: S.SmtpSettings
  }),
  'scheduler.testSmtp': ep({
    access: A.builder,
    method: 'POST',
    path: '/api/scheduler/smtp/test',
    summary: 'Send a test message and say exactly what failed',
    input: S.SmtpTestInput,
    output: S.SmtpTestResult
  }),

  'memories.list': ep({
    access: A.ownUser,
    method: 'GET',
    path: '/api/memories',
    summary: 'Memories, newest first, of a user and/or as one agent sees them',
    input: M.MemoryList,
    output: z.array(M.Memory)
  }),
  'memories.users': ep({
    access: A.member,
    method: 'GET',
    path: '/api/memory-users',
    summary: 'Users with memories, most recently updated first',
    input: none,
    output: z.array(M.MemoryUser)
  }),
  'memories.failures': ep({
    access: A.builder,
    method: 'GET',
    path: '/api/memory-failures',
    summary: 'The last failed memory extraction of each agent (since the core started), newest first',
    input: none,
    output: z.array(M.MemoryFailure)
  }),
  'memories.create': ep({
    access: A.ownUser,
    method: 'POST',
    path: '/api/memories',
    summary: 'Add a memory about a user',
    input: M.MemoryCreate,
    output: M.Memory
  }),
  'memories.update': ep({
    access: A.ownMemory,
    method: 'PUT',
    path: '/api/memories/:id',
    summary: 'Change a memory',
    input: byId.extend(M.MemoryUpdate.shape),
    output: M.Memory
  }),
  'memories.delete': ep({ access: A.ownMemory, method: 'DELETE', path: '/api/memories/:id', summary: 'Delete one memory', input: byId, output: ok }),
  'memories.forget': ep({
    access: A.ownUser,
    method: 'DELETE',
    path: '/api/memory-users/:userId',
    summary: "Forget a user: delete all their memories (or one agent's own)",
    input: M.ForgetInput,
    output: M.ForgetResult
  }),

  // Backup and restore of the data folder (core/backup). The archive itself moves over
  // GET /api/backups/:name/file and POST /api/backups/upload (server/backup-files.ts).
  'backups.list': ep({
    method: 'GET',
    path: '/api/backups',
    summary: 'Backup files in the data folder, newest first',
    input: none,
    output: z.array(B.BackupFile)
  }),
  'backups.create': ep({
    method: 'POST',
    path: '/api/backups',
    summary: 'Write a backup of the whole data folder now (events backup.progress); 409 on a MySQL server or while one is written',
    input: none,
    output: B.BackupFile
  }),
  'backups.delete': ep({ method: 'DELETE', path: '/api/backups/:name', summary: 'Delete a backup file', input: z.object({ name: B.BackupName }), output: ok }),
  'backups.inspect': ep({
    method: 'POST',
    path: '/api/backup-restore/inspect',
    summary: 'Unpack and check a backup (400 damaged or not a backup, 422 from a newer version); it then waits for backups.restore',
    input: B.BackupRef,
    output: B.StagedRestore
  }),
  'backups.restore': ep({
    method: 'POST',
    path: '/api/backup-restore',
    summary: 'Replace all data with the checked backup: the core restarts; the data from before is kept aside',
    input: B.RestoreInput,
    output: z.object({ restarting: z.literal(true) })
  }),
  'backups.lastRestore': ep({
    method: 'GET',
    path: '/api/backup-restore',
    summary: 'The outcome of the last restore, or null',
    input: none,
    output: B.RestoreOutcome.nullable()
  }),

  // Usage over time (core/usage): from the turn traces, with costs where prices are entered.
  'usage.get': ep({
    method: 'GET',
    path: '/api/usage',
    summary: 'Turns, tokens and cost per day, agent and model in a range (at most 366 days)',
    input: U.UsageQuery,
    output: U.UsageReport
  }),
  'usage.prices': ep({ method: 'GET', path: '/api/usage/prices', summary: 'Model prices per million tokens', input: none, output: U.UsagePrices }),
  'usage.setPrices': ep({
    method: 'PUT',
    path: '/api/usage/prices',
    summary: 'Set model prices per million tokens',
    input: U.UsagePrices,
    output: U.UsagePrices
  }),
  // People (accounts on): signing in, the first-run admin, users, invitations, personal tokens, the audit log.
  'auth.state': ep({
    method: 'GET',
    path: '/api/auth/state',
    summary: 'Whether accounts are on, whether the first admin is still to be created, and who is calling',
    access: A.public,
    input: none,
    output: AC.AuthState
  }),
  'auth.setup': ep({
    method: 'POST',
    path: '/api/auth/setup',
    summary: 'First run: create the admin and sign in (only while nobody exists)',
    access: A.public,
    input: AC.SetupInput,
    output: AC.Session
  }),
  'auth.login': ep({
    method: 'POST',
    path: '/api/auth/login',
    summary: 'Sign in with email and password (sets the session cookie; rate limited)',
    access: A.public,
    input: AC.LoginInput,
    output: AC.Session
  }),
  'auth.logout': ep({ method: 'POST', path: '/api/auth/logout', summary: 'Sign out: end this session', access: A.member, input: none, output: ok }),
  'users.list': ep({ method: 'GET', path: '/api/users', summary: 'Everyone with an account', input: none, output: z.array(AC.User) }),
  'users.create': ep({ method: 'POST', path: '/api/users', summary: 'Add a person with a password', input: AC.UserCreate, output: AC.User }),
  'users.update': ep({
    method: 'PUT',
    path: '/api/users/:id',
    summary: "Change a person's name, role or password, or disable them",
    input: byId.extend(AC.UserUpdate.shape),
    output: AC.User
  }),
  'users.people': ep({
    method: 'GET',
    path: '/api/people',
    summary: 'Names of the people an agent can be shared with',
    access: A.builder,
    input: none,
    output: z.array(AC.Person)
  }),
  'invites.list': ep({ method: 'GET', path: '/api/invites', summary: 'Invitations, newest first', input: none, output: z.array(AC.Invite) }),
  'invites.create': ep({
    method: 'POST',
    path: '/api/invites',
    summary: 'Invite a person: a link to choose a password',
    input: AC.InviteCreate,
    output: AC.InviteCreated
  }),
  'invites.delete': ep({ method: 'DELETE', path: '/api/invites/:id', summary: 'Withdraw an invitation', input: byId, output: ok }),
  'invites.accept': ep({
    method: 'POST',
    path: '/api/invites/accept',
    summary: 'Join with an invitation code and sign in',
    access: A.public,
    input: AC.InviteAccept,
    output: AC.Session
  }),
  'accounts.enable': ep({
    method: 'POST',
    path: '/api/accounts/enable',
    summary: 'Turn accounts on (with the first admin): people sign in from now on; the core restarts',
    input: AC.AccountsEnable,
    output: AC.Restarting
  }),
  'accounts.disable': ep({
    method: 'POST',
    path: '/api/accounts/disable',
    summary: "Turn accounts off: only the server's token opens the studio again; the core restarts",
    input: none,
    output: AC.Restarting
  }),
  'me.preferences': ep({
    method: 'GET',
    path: '/api/me/preferences',
    summary: 'My own language and theme (accounts on; null: the studio setting)',
    access: A.member,
    input: none,
    output: AC.Preferences
  }),
  'me.preferences.update': ep({
    method: 'PUT',
    path: '/api/me/preferences',
    summary: 'Change my own language and theme (the studio settings stay as they are)',
    access: A.member,
    input: AC.PreferencesUpdate,
    output: AC.Preferences
  }),
  'tokens.list': ep({ method: 'GET', path: '/api/tokens', summary: 'My personal API tokens', access: A.member, input: none, output: z.array(AC.ApiToken) }),
  'tokens.create': ep({
    method: 'POST',
    path: '/api/tokens',
    summary: 'Make a personal API token (shown once)',
    access: A.member,
    input: AC.ApiTokenCreate,
    output: AC.ApiTokenCreated
  }),
  'tokens.delete': ep({ method: 'DELETE', path: '/api/tokens/:id', summary: 'Revoke one of my tokens', access: A.member, input: byId, output: ok }),
  'audit.list': ep({
    method: 'GET',
    path: '/api/audit',
    summary: 'Who changed what and when, newest first',
    input: AC.AuditQuery,
    output: z.array(AC.AuditEntry)
  }),
  'agents.sharing': ep({
    method: 'GET',
    path: '/api/agents/:id/sharing',
    summary: 'Who may chat with an agent',
    access: A.editAgent,
    input: byId,
    output: AC.AgentSharing
  }),
  'agents.setSharing': ep({
    method: 'PUT',
    path: '/api/agents/:id/sharing',
    summary: 'Share an agent with everyone or with the listed people',
    access: A.editAgent,
    input: byId.extend(AC.AgentSharingUpdate.shape),
    output: AC.AgentSharing
  }),
  // ---------- agents between a desktop and a team server (contract/team-sync.ts) ----------
  'agents.exportBundle': ep({
    access: A.editAgent,
    method: 'GET',
    path: '/api/agents/:id/bundle',
    summary: 'The agent as a bundle: definition, tools without secrets, knowledge bases with their documents (capped)',
    input: byId,
    output: TS.AgentBundle
  }),
  'agents.importBundle': ep({
    access: A.builder,
    method: 'POST',
    path: '/api/agent-bundles',
    summary: 'Create or update an agent from a bundle; 409 sync_conflict (nothing written) if it changed here since its base, unless onConflict says otherwise',
    input: TS.BundleImport,
    output: TS.BundleImported
  }),
  'teamLink.get': ep({
    method: 'GET',
    path: '/api/team-link',
    summary: 'The team server this studio pushes to and pulls from (the token is never returned)',
    input: none,
    output: TS.TeamLink
  }),
  'teamLink.set': ep({
    method: 'PUT',
    path: '/api/team-link',
    summary: 'Link a team server by URL and personal API token (url null: unlink)',
    input: TS.TeamLinkUpdate,
    output: TS.TeamLink
  }),
  'teamLink.test': ep({
    method: 'POST',
    path: '/api/team-link/test',
    summary: 'Who the saved token is on the team server',
    input: none,
    output: TS.TeamLinkTest
  }),
  'agents.push': ep({
    access: A.editAgent,
    method: 'POST',
    path: '/api/agents/:id/push',
    summary: 'Send an agent to the linked team server (409 sync_conflict if it changed there since the last sync)',
    input: TS.PushInput,
    output: TS.BundleImported
  }),
  'agents.remote': ep({
    access: A.builder,
    method: 'GET',
    path: '/api/team-link/agents',
    summary: "The linked team server's agents",
    input: none,
    output: z.array(TS.RemoteAgent)
  }),
  'agents.pull': ep({
    access: A.builder,
    method: 'POST',
    path: '/api/team-link/agents/:remoteId/pull',
    summary: 'Bring an agent of the linked team server here (409 sync_conflict if it changed here since the last sync)',
    input: TS.PullInput,
    output: TS.BundleImported
  }),
  // ---------- a newcomer's first steps (contract/onboarding.ts) ----------
  'firstRun.status': ep({
    method: 'GET',
    path: '/api/first-run',
    summary: 'What a newcomer has done yet: chat models, agents, answers',
    access: A.builder,
    input: none,
    output: O.FirstRunStatus
  }),
  'providers.detectLocal': ep({
    method: 'GET',
    path: '/api/local-model-servers',
    summary: 'Model servers answering on the machine that runs the core (Ollama, LM Studio), with their models',
    input: none,
    output: z.array(O.LocalModelServer)
  }),
  'agentTemplates.list': ep({
    method: 'GET',
    path: '/api/agent-templates',
    summary: 'Agent templates to start from, named in both languages',
    access: A.builder,
    input: none,
    output: z.array(O.AgentTemplate)
  }),
  'agentTemplates.create': ep({
    method: 'POST',
    path: '/api/agent-templates/:templateId',
    summary: 'Create an agent from a template, with its knowledge base, tools or digital employee',
    access: A.builder,
    input: O.TemplateCreate,
    output: O.TemplateCreated
  })
} as const

export type Endpoints = typeof endpoints
export type EndpointName = keyof Endpoints
export type ApiInput<N extends EndpointName> = z.input<Endpoints[N]['input']>
export type ApiOutput<N extends EndpointName> = z.output<Endpoints[N]['output']>

/**
 * What a host needs from the core: one async function per endpoint, given parsed input and the
 * request context (core/context.ts: who calls, request id, abort signal, logger).
 */
export type ApiHandlers<Ctx = unknown> = {
  [N in EndpointName]: (input: z.output<Endpoints[N]['input']>, ctx: Ctx) => Promise<z.input<Endpoints[N]['output']>>
}

/** What the renderer calls, whatever the transport. */
export interface ApiClient {
  call<N extends EndpointName>(name: N, input: ApiInput<N>): Promise<ApiOutput<N>>
}

/** Events pushed from the core to studio clients (IPC `webContents.send`, Socket.IO `studio` room). */
export const studioEvents = {
  'providers.changed': z.object({ id: z.string() }),
  'agents.changed': z.object({ id: z.string() }),
  /** A session was created, renamed, deleted, or a turn in it ended. */
  'sessions.changed': z.object({ id: z.string(), agentId: z.string() }),
  'tools.changed': z.object({ id: z.string() }),
  'tools.status': E.ToolStatus,
  'knowledgeBases.changed': z.object({ id: z.string() }),
  'digitalHumans.changed': z.object({ id: z.string() }),
  /** Ingestion of a knowledge base: documents, chunks, bytes, ETA; at most twice a second. */
  'knowledge.progress': K.IngestionProgress,
  /** Documents that changed status, were added or removed (refresh those rows). */
  'knowledge.documents': K.DocumentsChanged,
  'knowledge.sources': K.SourceChanged,
  'settings.changed': E.Settings,
  'server.changed': E.ServerStatus,
  'schedules.changed': z.object({ id: z.string() }),
  /** A run started or ended; the Electron host shows a notification for final events with `notify`. */
  'schedules.run': S.ScheduleRunEvent,
  'memories.changed': z.object({ userId: z.string(), agentId: z.string().nullable() }),
  /** Learning from a turn failed; the memory screen shows it (memories.failures has the latest per agent). */
  'memories.failed': M.MemoryFailure,
  /** A backup being written: bytes done of the total, then done or failed. */
  'backup.progress': B.BackupProgress
} as const
export type StudioEventName = keyof typeof studioEvents
export type StudioEvent<N extends StudioEventName> = z.infer<(typeof studioEvents)[N]>

/**
 * Streaming calls: an input, then a sequence of events. Over HTTP they are Server-Sent Events at
 * `path`; over IPC they are events tagged with a stream id. Cancelling closes the stream.
 */
export const streams = {
  'chat.turn': { path: '/api/chat/turn', input: C.TurnRequest, access: A.ownSession as Access }
} as const
export type StreamName = keyof typeof streams
export type StreamEvent<N extends StreamName> = N extends 'chat.turn' ? C.TurnEvent : never

export const isEndpointName = (name: unknown): name is EndpointName => typeof name === 'string' && Object.prototype.hasOwnProperty.call(endpoints, name)
