import { join } from 'node:path'
import type { ApiHandlers } from '../contract/api'
import type { ServerStatus } from '../contract/entities'
import { openStore, type Store, type StoreConfig } from '../store/db'
import { agentsService } from './agents/agents-service'
import { memoryCoordination } from './coordination/memory'
import type { Coordination } from './coordination/types'
import { dependentsService } from './dependents'
import { knowledgeService, type KnowledgeOptions } from './knowledge/knowledge-service'
import { createLanceDbStore, type VectorStore } from '../vector'
import { lazyVectorStore } from './lazy-vector-store'
import { providerPresets } from './providers/presets'
import { providersService } from './providers/providers-service'
import { keyFileSecretBox, type SecretBox } from './secrets/secret-box'
import { settingsService } from './settings/settings-service'
import { toolsService } from './tools/tools-service'
import { APP_VERSION } from './version'
import { chatService } from './chat/chat-service'
import { mcpService, type McpOptions } from './mcp/mcp-service'
import { seedBundledTools } from './mcp/bundled-servers'
import type { TurnOptions } from './chat/turn'
import { memoryService, type MemoryOptions } from './memory/memory-service'
import { schedulerService, type SchedulerOptions } from './scheduler/scheduler-service'
import { log } from '../base/log'
import { privateDataDir, privateSqliteFiles } from './data-dir'
import { firstRunStatus, probeLocalServers, type LocalServerTarget } from './onboarding/first-run'
import { createFromTemplate, listTemplates } from './agents/templates'
import { KnowledgeBaseCreate } from '../contract/entities'
import { defaultShutdownOptions, doneWithin, PhasedShutdown, type ShutdownOptions, type ShutdownPhase } from './shutdown'

export interface RuntimeOptions {
  /** Where the database, key file and later LanceDB tables and uploads live. */
  dataDir: string
  host: 'electron' | 'server'
  /** Default: SQLite at <dataDir>/agenta.db. Team mode passes MySQL. */
  store?: StoreConfig
  /** Default: a key file in dataDir. Electron passes one backed by safeStorage. */
  secrets?: SecretBox
  /** Default: LanceDB in <dataDir>/vectors. Team mode passes Milvus. */
  vector?: VectorStore
  /** Ingestion limits and concurrency, embedding batches (tests and the benchmark tune them). */
  knowledge?: Partial<KnowledgeOptions>
  /** Retry, history and timeout settings of agent turns (tests shorten them). */
  turn?: Partial<TurnOptions>
  /** Digital employees: whether this process fires tasks, timer and retention settings. */
  scheduler?: Partial<SchedulerOptions>
  /** Long-term memory limits. */
  memory?: Partial<MemoryOptions>
  /** MCP timeouts, reconnection and start-up behaviour (tests shorten them). */
  mcp?: Partial<McpOptions>
  /** Shutdown: the grace period of running turns. */
  shutdown?: Partial<ShutdownOptions>
  /**
   * What is shared with other processes of a team server: studio events, locks, claims. Default:
   * in memory (one process). The runtime closes it last.
   */
  coordination?: Coordination
  /** Where to look for local model servers (default: Ollama on :11434, LM Studio on :1234); tests point at a fake. */
  localModelServers?: LocalServerTarget[]
  /** Hosts that ship the bundled MCP servers: the folder of their built entries (out/main). They are added as tools on first start. */
  bundledMcpDir?: string
}

export type Runtime = Awaited<ReturnType<typeof createRuntime>>

const stoppedServer: ServerStatus = { running: false, url: null, lanUrls: [], token: null, error: null }

/**
 * Boots the core: the same function for Electron, `agenta serve` and the tests. Nothing here
 * imports electron, express or socket.io.
 */
export async function createRuntime(opts: RuntimeOptions) {
  const storeConfig: StoreConfig = opts.store ?? { kind: 'sqlite', file: join(opts.dataDir, 'agenta.db') }
  const sqliteFile = storeConfig.kind === 'sqlite' ? storeConfig.file : null
  privateDataDir(opts.dataDir, sqliteFile)
  const secrets = opts.secrets ?? keyFileSecretBox(join(opts.dataDir, 'secret.key'))
  const store: Store = await openStore(storeConfig)
  if (sqliteFile) privateSqliteFiles(sqliteFile)
  const coordination = opts.coordination ?? memoryCoordination()
  // Services emit here; with Redis the other processes' subscribers (their /studio sockets) get it too.
  const events = coordination.events
  const db = store.db

  const providers = providersService(db, secrets, events)
  const agents = agentsService(db, events)
  const dependents = dependentsService(db)
  const tools = toolsService(db, events, secrets)
  // Header and environment values saved in clear by earlier versions are sealed before anything connects.
  await tools.sealClearText().catch((err) => log.error({ err }, 'MCP server secrets not sealed'))
  const knowledge = knowledgeService({
    db,
    events,
    secrets,
    dataDir: opts.dataDir,
    // The ingestion queue folds new rows into the indexes at its batch ends; the store's own
    // maintenance would add more full index merges during a bulk import (each costs as much as all rows).
    // LanceDB loads and connects on the first knowledge call, not at start-up (~35 MB of RSS).
    vector: opts.vector ?? lazyVectorStore('lancedb', () => createLanceDbStore({ dir: join(opts.dataDir, 'vectors'), maintenance: false })),
    clientFor: (providerId, o) => providers.client(providerId, o),
    options: opts.knowledge
  })
  const knowledgeBases = knowledge.bases
  const settings = settingsService(db, events)
  const memory = memoryService(db, agents, providers, events, opts.memory)
  const chat = chatService(
    db,
    agents,
    providers,
    events,
    { ...opts.turn, memory: memory.hooks, knowledge: { context: knowledge.turnContext } },
    { waits: coordination.waits, clients: coordination.clients }
  )
  // Declared before the MCP service: the bundled Excel server links its files through the running server.
  let serverStatus: () => ServerStatus = () => stoppedServer
  const bundled = opts.bundledMcpDir ? { dir: opts.bundledMcpDir, dataDir: opts.dataDir, downloadBaseUrl: () => serverStatus().url ?? undefined } : undefined
  // Under the shared lock: processes of a team server starting together on an empty database would both add them.
  if (bundled) await coordination.locks.run('seed-bundled-tools', () => seedBundledTools(tools, settings))
  const mcp = mcpService(db, tools, events, { clients: chat.clients, bundled, ...opts.mcp })
  chat.registry.register(mcp.toolProvider())
  chat.registry.register(knowledge.toolProvider())

  const scheduler = schedulerService({ db, chat, agents, settings, secrets, events, claims: coordination.claims }, opts.scheduler)
  const shutdownOpts: ShutdownOptions = { ...defaultShutdownOptions, ...opts.shutdown }
  const shutdown = new PhasedShutdown()
  /** The hosts' parts of shutdown: their servers stop accepting, and later close what is still open. */
  const hostHooks = { requests: [] as Array<() => unknown>, connections: [] as Array<() => unknown> }
  let closed: Promise<void> | undefined

  /** Turns and scheduled runs under way get the grace period to finish; what is left then is stopped and kept as interrupted. */
  async function finishTurns() {
    const finished = shutdownOpts.graceMs > 0 && (await doneWithin(Promise.all([chat.idle(), scheduler.idle()]), shutdownOpts.graceMs))
    if (!finished && chat.runningTurns)
      log.warn({ graceMs: shutdownOpts.graceMs, turns: chat.runningTurns }, 'turns still running after the grace period; stopping them')
    // Scheduled runs first, so theirs are recorded as cancelled rather than as stopped turns.
    await scheduler.close()
    await chat.close()
    await Promise.allSettled(hostHooks.connections.map(async (fn) => fn()))
  }

  const handlers: ApiHandlers = {
    'app.info': async () => ({ name: 'Agenta Studio', version: APP_VERSION, host: opts.host, dataDir: opts.dataDir, dbKind: store.kind }),
    'providers.presets': async () => providerPresets,
    'providers.list': () => providers.list(),
    'providers.get': ({ id }) => providers.get(id),
    'providers.create': (input) => providers.create(input),
    'providers.update': ({ id, ...patch }) => providers.update(id, patch),
    'providers.delete': ({ id }) => providers.delete(id),
    'providers.test': ({ id }) => providers.test(id),
    'providers.refreshModels': ({ id }) => providers.refreshModels(id),
    'models.list': (filter) => providers.models.list(filter),
    'models.create': (input) => providers.models.create(input),
    'models.update': ({ id, ...patch }) => providers.models.update(id, patch),
    'models.delete': ({ id }) => providers.models.delete(id),
    'agents.list': () => agents.list(),
    'agents.get': ({ id }) => agents.get(id),
    'agents.create': (input) => agents.create(input),
    'agents.update': ({ id, ...patch }) => agents.update(id, patch),
    'agents.delete': ({ id }) => agents.delete(id),
    'agents.rotateKey': ({ id }) => agents.rotateKey(id),
    'dependents.get': ({ kind, id }) => dependents.get(kind, id),
    'sessions.list': (f) => chat.sessions.list(f),
    'sessions.create': (input) => chat.sessions.create(input),
    'sessions.get': ({ id }) => chat.sessions.get(id),
    'sessions.rename': ({ id, title }) => chat.sessions.rename(id, title),
    'sessions.delete': ({ id }) => chat.sessions.delete(id),
    'sessions.messages': ({ id }) => chat.sessions.messages(id),
    'runs.get': ({ id }) => chat.runSteps(id),
    'chat.answerWait': ({ waitId, data }) => chat.answerWait(waitId, data),
    'tools.list': () => tools.list(),
    'tools.get': ({ id }) => tools.get(id),
    'tools.create': (input) => tools.create(input),
    'tools.update': ({ id, ...patch }) => tools.update(id, patch),
    'tools.delete': ({ id }) => tools.delete(id),
    'tools.status': () => mcp.status(),
    'tools.test': ({ id }) => mcp.test(id),
    'tools.testConfig': ({ config, toolId }) => mcp.testConfig(config, toolId),
    'agents.tools': ({ id }) => mcp.agentTools(id),
    'agents.setTools': ({ id, bindings }) => mcp.setAgentTools(id, bindings),
    'knowledgeBases.list': () => knowledgeBases.list(),
    'knowledgeBases.get': ({ id }) => knowledgeBases.get(id),
    'knowledgeBases.create': (input) => knowledgeBases.create(input),
    'knowledgeBases.update': ({ id, ...patch }) => knowledgeBases.update(id, patch),
    'knowledgeBases.delete': ({ id }) => knowledgeBases.delete(id),
    'knowledgeBases.status': ({ id }) => knowledge.status(id),
    'knowledgeBases.reindex': ({ id }) => knowledge.documents.reindexAll(id),
    'knowledgeBases.documents': ({ id, ...f }) => knowledge.documents.list(id, f),
    'knowledgeBases.document': ({ id, docId }) => knowledge.documents.get(id, docId),
    'knowledgeBases.chunks': ({ id, docId, offset, limit }) => knowledge.documents.chunks(id, docId, offset, limit),
    'knowledgeBases.deleteDocument': ({ id, docId }) => knowledge.documents.delete(id, docId),
    'knowledgeBases.reindexDocument': ({ id, docId }) => knowledge.documents.reindex(id, docId),
    'knowledgeBases.addPaths': ({ id, paths }) => knowledge.documents.addPaths(id, paths),
    'knowledgeBases.search': (input) => knowledge.search(input),
    'knowledgeBases.sources': ({ id }) => knowledge.sources.list(id),
    'knowledgeBases.createSource': ({ id, ...input }) => knowledge.sources.create(id, input),
    'knowledgeBases.updateSource': ({ id, sourceId, ...patch }) => knowledge.sources.update(id, sourceId, patch),
    'knowledgeBases.deleteSource': ({ id, sourceId }) => knowledge.sources.delete(id, sourceId),
    'knowledgeBases.syncSource': ({ id, sourceId }) => knowledge.sources.sync(id, sourceId),
    'agents.knowledgeBases': ({ id }) => knowledge.bindings(id),
    'agents.setKnowledgeBases': ({ id, bindings }) => knowledge.setBindings(id, bindings),
    'settings.get': () => settings.get(),
    'settings.update': (patch) => settings.update(patch),
    'server.status': async () => serverStatus(),
    'schedules.list': (f) => scheduler.list(f),
    'schedules.get': ({ id }) => scheduler.get(id),
    'schedules.create': (input) => scheduler.create(input),
    'schedules.update': ({ id, ...patch }) => scheduler.update(id, patch),
    'schedules.delete': ({ id }) => scheduler.delete(id),
    'schedules.runNow': ({ id, wait }) => scheduler.runNow(id, wait),
    'schedules.cancelRun': ({ id }) => scheduler.cancelRun(id),
    'schedules.pause': ({ id }) => scheduler.pause(id),
    'schedules.resume': ({ id }) => scheduler.resume(id),
    'schedules.runs': ({ id, limit, before }) => scheduler.runs(id, { limit, before }),
    'schedules.preview': async ({ schedule, timezone, count }) => scheduler.preview(schedule, timezone, count),
    'scheduler.smtp': () => scheduler.delivery.smtp.get(),
    'scheduler.setSmtp': (patch) => scheduler.delivery.smtp.update(patch),
    'scheduler.testSmtp': ({ to }) => scheduler.delivery.smtp.test(to),
    'memories.list': (f) => memory.list(f),
    'memories.users': () => memory.users(),
    'memories.failures': async () => memory.failures(),
    'memories.create': (input) => memory.create(input),
    'memories.update': ({ id, ...patch }) => memory.update(id, patch),
    'memories.delete': ({ id }) => memory.delete(id),
    'memories.forget': ({ userId, agentId }) => memory.forget(userId, agentId),
    'firstRun.status': () => firstRunStatus(db),
    'providers.detectLocal': () => probeLocalServers(db, opts.localModelServers),
    'agentTemplates.list': async () => listTemplates(),
    'agentTemplates.create': ({ templateId, language }) =>
      createFromTemplate(
        {
          language: async () => (await settings.get()).language,
          agentNames: async () => (await agents.list()).map((a) => a.name),
          createAgent: (input) => agents.create(input),
          knowledgeBaseNames: async () => (await knowledgeBases.list()).map((k) => k.name),
          async createKnowledgeBase(name) {
            // The first embedding model, if there is one; else full-text search only (works without one).
            const embedding = await db
              .selectFrom('models')
              .innerJoin('providers', 'providers.id', 'models.provider_id')
              .select('models.id')
              .where('models.type', '=', 'embedding')
              .where('models.enabled', '=', 1)
              .where('providers.enabled', '=', 1)
              .executeTakeFirst()
            return knowledgeBases.create(KnowledgeBaseCreate.parse({ name, embeddingModelId: embedding?.id ?? null }))
          },
          bindKnowledgeBases: (agentId, bindings) => knowledge.setBindings(agentId, bindings),
          tools: () => tools.list(),
          bindTools: (agentId, bindings) => mcp.setAgentTools(agentId, bindings),
          createSchedule: (input) => scheduler.create(input)
        },
        templateId,
        language
      )
  }

  await knowledge.start()
  await scheduler.start()

  return {
    dataDir: opts.dataDir,
    host: opts.host,
    store,
    events,
    coordination,
    secrets,
    providers,
    agents,
    tools,
    knowledgeBases,
    knowledge,
    settings,
    chat,
    mcp,
    memory,
    scheduler,
    handlers,
    /** The host that runs the HTTP server reports it here, so every client sees the same status. */
    setServerStatusSource(fn: () => ServerStatus) {
      serverStatus = fn
    },
    /**
     * A host's part of shutdown. `requests` (default) runs first: stop accepting (a server stops
     * listening). `connections` runs once turns are done or stopped: close what is still open.
     */
    onClose(fn: () => unknown, when: 'requests' | 'connections' = 'requests') {
      hostHooks[when].push(fn)
    },
    /** The shutdown phase under way, null when none (a host whose deadline passes names it). */
    shutdownPhase: (): ShutdownPhase | null => shutdown.current,
    /**
     * Shuts down in phases (./shutdown.ts), each logged with its duration: stop taking requests
     * and turns; let turns and scheduled runs finish within the grace period, then stop them; stop
     * the knowledge workers and memory extraction; close the MCP children; close the vector store
     * and the database. Safe to call twice.
     */
    close(): Promise<void> {
      closed ??= shutdown.run([
        ['requests', [() => chat.drain(), () => scheduler.stopFiring(), ...hostHooks.requests]],
        ['turns', [finishTurns]],
        ['workers', [() => knowledge.stop(), () => memory.close()]],
        ['mcp', [() => mcp.close()]],
        ['store', [() => knowledge.close(), () => store.close(), () => coordination.close()]]
      ])
      return closed
    }
  }
}
