import { join } from 'node:path'
import type { ApiHandlers } from '../contract/api'
import type { ServerStatus } from '../contract/entities'
import { openStore, type Store, type StoreConfig } from '../store/db'
import { agentsService } from './agents/agents-service'
import { memoryCoordination } from './coordination/memory'
import type { Coordination } from './coordination/types'
import { dependentsService } from './dependents'
import { digitalHumansService, type DigitalHumansOptions } from './digital-humans/digital-humans-service'
import { knowledgeService, type KnowledgeOptions } from './knowledge/knowledge-service'
import { createLanceDbStore, type VectorStore } from '../vector'
import { lazyVectorStore } from './lazy-vector-store'
import { providerPresets } from './providers/presets'
import { BUILTIN_TTS_MODEL_ID, speechVoices, type SpeechVoices } from '../contract/speech'
import { AppError } from '../contract/errors'
import { providersService } from './providers/providers-service'
import { keyFileSecretBox, type SecretBox } from './secrets/secret-box'
import { settingsService } from './settings/settings-service'
import { kioskPinService } from './settings/kiosk-pin'
import { toolsService } from './tools/tools-service'
import { APP_VERSION } from './version'
import { chatService } from './chat/chat-service'
import { mcpService, type McpOptions } from './mcp/mcp-service'
import { seedBundledTools } from './mcp/bundled-servers'
import type { TurnOptions } from './chat/turn'
import { memoryService, type MemoryOptions } from './memory/memory-service'
import { teamServers } from './team-servers'
import { schedulerService, type SchedulerOptions } from './scheduler/scheduler-service'
import { log } from '../base/log'
import { privateDataDir, privateSqliteFiles } from './data-dir'
import { backupService } from './backup/backup-service'
import { usageService } from './usage/usage-service'
import { applyPendingRestore, dropStaleStages } from './backup/restore-swap'
import { firstRunStatus, probeLocalServers, type LocalServerTarget } from './onboarding/first-run'
import { createFromTemplate, listTemplates } from './agents/templates'
import { KnowledgeBaseCreate } from '../contract/entities'
import { defaultShutdownOptions, doneWithin, PhasedShutdown, type ShutdownOptions, type ShutdownPhase } from './shutdown'
import { accountsService, type AccountsOptions } from './accounts/accounts-service'
import { auditLog } from './accounts/audit'
import { OPEN_AGENT, ownersLookup } from './accounts/owners'
import { canEditAgent, canUseAgent } from './access'
import { actorOf, type Principal, type RequestContext } from './context'
import type { DispatchTarget } from './dispatch'
import { agentBundles } from './agents/agent-bundle'
import { teamLinkService, type TeamLinkOptions } from './team-link/team-link'

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
  /** The digital humans registry: the largest GLB/VRM accepted (tests lower it). */
  digitalHumans?: Partial<DigitalHumansOptions>
  /** Shutdown: the grace period of running turns. */
  shutdown?: Partial<ShutdownOptions>
  /**
   * What is shared with other processes of a team server: studio events, locks, claims. Default:
   * in memory (one process). The runtime closes it last.
   */
  coordination?: Coordination
  /**
   * People sign in (roles, personal tokens, isolation). Default: the `accounts.enabled` setting
   * (`agenta serve --accounts`), else on for a MySQL store (a team server) and off otherwise.
   */
  accounts?: Partial<AccountsOptions>
  /** Where to look for local model servers (default: Ollama on :11434, LM Studio on :1234); tests point at a fake. */
  localModelServers?: LocalServerTarget[]
  /** Hosts that ship the bundled MCP servers: the folder of their built entries (out/main). They are added as tools on first start. */
  bundledMcpDir?: string
  /** The link to a team server (push / pull of agents): its request timeout. */
  teamLink?: Partial<TeamLinkOptions>
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
  // A restore the user confirmed is put in place before anything opens the data; if the restored
  // database does not open, the data from before goes back (core/backup/restore-swap.ts).
  const restored = sqliteFile && !opts.store ? applyPendingRestore(opts.dataDir) : null
  privateDataDir(opts.dataDir, sqliteFile)
  let store: Store
  try {
    store = await openStore(storeConfig)
  } catch (err) {
    if (!restored) throw err
    restored.rollback(err)
    store = await openStore(storeConfig)
  }
  if (restored?.isInPlace()) restored.commit()
  dropStaleStages(opts.dataDir)
  // After the restore: the key file may be the backup's.
  const secrets = opts.secrets ?? keyFileSecretBox(join(opts.dataDir, 'secret.key'))
  if (sqliteFile) privateSqliteFiles(sqliteFile)
  const coordination = opts.coordination ?? memoryCoordination()
  // Services emit here; with Redis the other processes' subscribers (their /studio sockets) get it too.
  const events = coordination.events
  const db = store.db

  const providers = providersService(db, secrets, events)
  const digitalHumans = digitalHumansService({ db, events, dataDir: opts.dataDir, options: opts.digitalHumans })
  const agents = agentsService(db, events, digitalHumans.checkChoice)
  const dependents = dependentsService(db, digitalHumans.agentsUsing)
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
    // Processes of a team server without Milvus share the folder on one machine (see `shared`).
    vector:
      opts.vector ??
      lazyVectorStore('lancedb', () => createLanceDbStore({ dir: join(opts.dataDir, 'vectors'), maintenance: false, shared: coordination.kind !== 'memory' })),
    clientFor: (providerId, o) => providers.client(providerId, o),
    options: opts.knowledge,
    locks: coordination.locks,
    claims: coordination.kind === 'memory' ? undefined : coordination.claims
  })
  const knowledgeBases = knowledge.bases
  const settings = settingsService(db, events, coordination.locks)
  const owners = ownersLookup(db)
  const audit = auditLog(db)
  const accountsOn = opts.accounts?.enabled ?? (await settings.raw.get<boolean>('accounts.enabled')) ?? store.kind === 'mysql'
  const accounts = accountsService(
    { db, kind: store.kind, settings: settings.raw, locks: coordination.locks, restart: () => restartHook },
    { ...opts.accounts, enabled: accountsOn }
  )
  const kioskPin = kioskPinService(settings.raw, { locks: coordination.locks, audit: audit.note, checkPassword: accounts.checkPassword })
  /** The agents a person may use (chat with) or see (use, or change as their builder); the owner and admins: all. */
  async function visibleAgents<T extends { id: string }>(list: T[], p: Principal, mode: 'use' | 'see'): Promise<T[]> {
    if (p.kind === 'owner' || (p.kind === 'user' && p.role === 'admin')) return list
    const sharing = await owners.sharing.all()
    return list.filter((a) => {
      const s = sharing.get(a.id) ?? OPEN_AGENT
      return canUseAgent(p, s) || (mode === 'see' && canEditAgent(p, s))
    })
  }

  const memory = memoryService(db, agents, providers, events, opts.memory, coordination.locks)
  const chat = chatService(
    db,
    agents,
    providers,
    events,
    { ...opts.turn, memory: memory.hooks, knowledge: { context: knowledge.turnContext } },
    { waits: coordination.waits, clients: coordination.clients, locks: coordination.locks }
  )
  // Declared before the MCP service: the bundled Excel server links its files through the running server.
  let serverStatus: () => ServerStatus = () => stoppedServer
  const bundled = opts.bundledMcpDir ? { dir: opts.bundledMcpDir, dataDir: opts.dataDir, downloadBaseUrl: () => serverStatus().url ?? undefined } : undefined
  // Under the shared lock: processes of a team server starting together on an empty database would both add them.
  if (bundled) await coordination.locks.run('seed-bundled-tools', () => seedBundledTools(tools, settings))
  const mcp = mcpService(db, tools, events, { clients: chat.clients, bundled, ...opts.mcp })
  chat.registry.register(mcp.toolProvider())
  chat.registry.register(knowledge.toolProvider())
  const bundles = agentBundles({ db, agents, tools, knowledgeBases, knowledge, mcp })
  const teamLink = teamLinkService({ db, settings, secrets, agents, bundles }, opts.teamLink)
  /** Whether the caller may change an existing agent (a bundle arriving for it). */
  const mayEdit = (p: Principal) => async (agentId: string) => canEditAgent(p, await owners.sharing.get(agentId))

  /** The host's way to restart the core (a confirmed restore needs it); none in tests that do not set one. */
  let restartHook: (() => void) | undefined
  const usage = usageService(db)
  const backups = backupService({ dataDir: opts.dataDir, storeKind: store.kind, events, restart: () => restartHook })

  const scheduler = schedulerService({ db, chat, agents, settings, secrets, events, claims: coordination.claims, locks: coordination.locks }, opts.scheduler)
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

  /** The voice picker's list: by the model's provider kind; speech recognisers have no voices. */
  async function voicesOf(modelId: string): Promise<SpeechVoices> {
    if (modelId === BUILTIN_TTS_MODEL_ID) return speechVoices('builtin', modelId)
    const model = (await providers.models.list({})).find((m) => m.id === modelId)
    if (!model) throw new AppError('not_found', `No model with id ${modelId}`)
    const { kind } = await providers.get(model.providerId)
    const known = speechVoices(kind, model.modelId)
    return model.type === 'tts' ? known : { ...known, voices: [], defaultVoice: undefined, acceptsOther: false }
  }

  const team = teamServers(settings.raw)
  const handlers: ApiHandlers<RequestContext> = {
    'app.info': async () => ({ name: 'Agenta Studio', version: APP_VERSION, host: opts.host, dataDir: opts.dataDir, dbKind: store.kind }),
    'teamServers.recent': () => team.recent(),
    'teamServers.check': ({ url }) => team.check(url),
    'teamServers.forget': ({ origin }) => team.forget(origin),
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
    'speech.voices': ({ modelId }) => voicesOf(modelId),
    'agents.list': async (_input, ctx) => visibleAgents(await agents.list(), ctx.principal, 'see'),
    'agents.get': ({ id }) => agents.get(id),
    'agents.create': async (input, ctx) => {
      const agent = await agents.create(input)
      // A person's new agent is theirs and shared with nobody yet; the owner's stay open as before.
      if (ctx.principal.kind === 'user') await owners.sharing.set(agent.id, { ownerId: ctx.principal.userId, everyone: false, people: [] })
      return agent
    },
    'agents.update': ({ id, ...patch }) => agents.update(id, patch),
    'agents.delete': ({ id }) => agents.delete(id),
    'agents.rotateKey': ({ id }) => agents.rotateKey(id),
    'dependents.get': ({ kind, id }) => dependents.get(kind, id),
    'digitalHumans.list': () => digitalHumans.list(),
    'digitalHumans.get': ({ id }) => digitalHumans.get(id),
    'digitalHumans.create': (input) => digitalHumans.create(input),
    'digitalHumans.update': ({ id, ...patch }) => digitalHumans.update(id, patch),
    'digitalHumans.delete': ({ id }) => digitalHumans.delete(id),
    'digitalHumans.setModelPath': ({ id, path }) => digitalHumans.attachPath(id, path),
    'sessions.list': (f) => chat.sessions.list(f),
    'sessions.create': (input) => chat.sessions.create(input),
    'sessions.get': ({ id }) => chat.sessions.get(id),
    'sessions.rename': ({ id, title }) => chat.sessions.rename(id, title),
    'sessions.delete': ({ id }) => chat.sessions.delete(id),
    'sessions.messages': ({ id }) => chat.sessions.messages(id),
    'sessions.showBranch': ({ id, messageId }) => chat.sessions.showBranch(id, messageId),
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
    'kiosk.pin': () => kioskPin.state(),
    'kiosk.setPin': (input, ctx) => kioskPin.update(input, actorOf(ctx.principal)),
    'kiosk.resetPin': (input, ctx) => kioskPin.reset(input, ctx.principal),
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
    'memories.users': async (_input, ctx) => {
      const all = await memory.users()
      return ctx.principal.kind === 'user' ? all.filter((u) => u.userId === (ctx.principal as { userId: string }).userId) : all
    },
    'memories.failures': async () => memory.failures(),
    'memories.create': (input) => memory.create(input),
    'memories.update': ({ id, ...patch }) => memory.update(id, patch),
    'memories.delete': ({ id }) => memory.delete(id),
    'memories.forget': ({ userId, agentId }) => memory.forget(userId, agentId),
    'backups.list': async () => backups.list(),
    'backups.create': () => backups.create(),
    'backups.delete': async ({ name }) => backups.delete(name),
    'backups.inspect': (ref) => backups.inspect(ref),
    'backups.restore': async ({ stageId }) => backups.restore(stageId),
    'backups.lastRestore': async () => backups.lastRestore(),
    'usage.get': (q) => usage.report(q),
    'usage.prices': () => usage.prices(),
    'usage.setPrices': (prices) => usage.setPrices(prices),
    'auth.state': (_input, ctx) => accounts.state(ctx),
    'auth.setup': (input, ctx) => accounts.setup(input, ctx),
    'auth.login': (input, ctx) => accounts.login(input, ctx),
    'auth.logout': (_input, ctx) => accounts.logout(ctx),
    'users.list': () => accounts.users.list(),
    'users.create': (input) => accounts.users.create(input),
    'users.update': ({ id, ...patch }, ctx) => accounts.users.update(id, patch, ctx),
    'users.people': () => accounts.users.people(),
    'invites.list': () => accounts.invites.list(),
    'invites.create': (input, ctx) => accounts.invites.create(input, ctx),
    'invites.delete': ({ id }) => accounts.invites.delete(id),
    'invites.accept': (input, ctx) => accounts.invites.accept(input, ctx),
    'accounts.enable': (input, ctx) => accounts.turnOn(input, ctx),
    'accounts.disable': (_input, ctx) => accounts.turnOff(ctx),
    'me.preferences': (_input, ctx) => accounts.preferences.get(ctx),
    'me.preferences.update': (input, ctx) => accounts.preferences.update(input, ctx),
    'tokens.list': (_input, ctx) => accounts.tokens.list(ctx),
    'tokens.create': (input, ctx) => accounts.tokens.create(input, ctx),
    'tokens.delete': ({ id }, ctx) => accounts.tokens.delete(id, ctx),
    'audit.list': (q) => audit.list(q),
    'agents.sharing': async ({ id }) => owners.sharing.get((await agents.get(id)).id),
    'agents.setSharing': async ({ id, everyone, people }) => {
      const agent = await agents.get(id)
      const current = await owners.sharing.get(agent.id)
      const sharing = await owners.sharing.set(agent.id, { ownerId: current.ownerId, everyone, people })
      events.emit('agents.changed', { id: agent.id })
      return sharing
    },
    'agents.exportBundle': ({ id }) => bundles.export(id),
    'agents.importBundle': async ({ bundle, onConflict }, ctx) => {
      const result = await bundles.import(bundle, onConflict, mayEdit(ctx.principal))
      // A person's new agent is theirs, as with agents.create.
      if (ctx.principal.kind === 'user' && result.action !== 'updated' && result.action !== 'unchanged')
        await owners.sharing.set(result.agent.id, { ownerId: ctx.principal.userId, everyone: false, people: [] })
      return result
    },
    'teamLink.get': () => teamLink.get(),
    'teamLink.set': (input) => teamLink.set(input),
    'teamLink.test': () => teamLink.test(),
    'agents.push': ({ id, onConflict }) => teamLink.push(id, onConflict),
    'agents.remote': () => teamLink.remoteAgents(),
    'agents.pull': ({ remoteId, onConflict }, ctx) => teamLink.pull(remoteId, onConflict, mayEdit(ctx.principal)),
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
  const target: DispatchTarget = { handlers, owners, afterCall: (ctx, name, input, output) => audit.record(ctx, name, input, output) }

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
    digitalHumans,
    tools,
    knowledgeBases,
    knowledge,
    settings,
    /** The kiosk admin PIN (its reset for `agenta kiosk reset-pin`, the exit prompt's guard for the kiosk window). */
    kioskPin,
    chat,
    mcp,
    memory,
    scheduler,
    handlers,
    backups,
    /**
     * How the host restarts the core: close this runtime and create a new one on the same data
     * folder (a confirmed restore is put in place then). Electron relaunches the app; `agenta serve`
     * reopens in the same process on the same port and token.
     */
    onRestart(fn: () => void) {
      restartHook = fn
    },
    visibleAgents,
    /** Whose things are whose (dispatch's ownership checks). */
    owners,
    /** Called by dispatch after each successful call: the audit log. */
    afterCall: target.afterCall!,
    accounts,
    audit,
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
