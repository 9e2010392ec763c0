import { z } from 'zod'
import { ErrorParams, says } from './messages'
import { AgentMemorySettings } from './memory'

/**
 * The product's entities as they cross every boundary (REST, IPC, renderer). Stored rows map to
 * these in src-main/store/repos; nothing else defines their shape.
 */

const id = z.string().min(1).max(64)
const timestamp = z.number().int()
const name = (max: number) => z.string().trim().min(1, says('not_empty')).max(max)

const httpUrl = z
  .string()
  .trim()
  .url('must be a URL like http://host:port/v1')
  .refine((u) => /^https?:\/\//i.test(u), says('http_url'))
  .transform((u) => u.replace(/\/+$/, ''))

// ---------- providers and models ----------
export const ProviderKind = z.enum(['openai', 'deepseek', 'bailian', 'doubao', 'moonshot', 'zhipu', 'siliconflow', 'ollama', 'lmstudio', 'custom'])
export type ProviderKind = z.infer<typeof ProviderKind>

/** A model a preset suggests adding by hand (its /models rarely lists speech models). */
export const SuggestedModel = z.object({ modelId: z.string(), type: z.enum(['tts', 'stt']) })
export type SuggestedModel = z.infer<typeof SuggestedModel>

export const ProviderPreset = z.object({
  kind: ProviderKind,
  name: z.string(),
  baseUrl: z.string(),
  needsApiKey: z.boolean(),
  docsUrl: z.string().optional(),
  /** Speech (tts/stt) models this provider serves, the usual choice first. */
  speechModels: z.array(SuggestedModel).optional()
})
export type ProviderPreset = z.infer<typeof ProviderPreset>

/**
 * How long a turn waits on the provider before it gives up (ms): to connect; from the request to
 * the first token (reasoning models think before it); and between chunks once it streams.
 */
export const DEFAULT_PROVIDER_TIMEOUTS = { connectMs: 15_000, firstTokenMs: 120_000, idleMs: 60_000 } as const
const timeoutMs = z.number().int().min(50, 'must be at least 50 ms').max(3_600_000, 'must be at most one hour (3600000 ms)')
export const ProviderTimeouts = z.object({ connectMs: timeoutMs, firstTokenMs: timeoutMs, idleMs: timeoutMs })
export type ProviderTimeouts = z.infer<typeof ProviderTimeouts>

export const Provider = z.object({
  id,
  name: z.string(),
  kind: ProviderKind,
  baseUrl: z.string(),
  /** Secrets never leave the core: only whether one is set and its last characters. */
  hasApiKey: z.boolean(),
  apiKeyHint: z.string().nullable(),
  enabled: z.boolean(),
  timeouts: ProviderTimeouts,
  createdAt: timestamp,
  updatedAt: timestamp
})
export type Provider = z.infer<typeof Provider>

export const ProviderCreate = z.object({
  name: name(64),
  kind: ProviderKind.default('custom'),
  baseUrl: httpUrl,
  apiKey: z.string().trim().max(512).optional(),
  enabled: z.boolean().default(true),
  /** Any left out take DEFAULT_PROVIDER_TIMEOUTS. */
  timeouts: ProviderTimeouts.partial().optional()
})
export const ProviderUpdate = z.object({
  name: name(64).optional(),
  kind: ProviderKind.optional(),
  baseUrl: httpUrl.optional(),
  /** A string replaces the key, null removes it, absent keeps it. */
  apiKey: z.string().trim().max(512).nullable().optional(),
  enabled: z.boolean().optional(),
  /** Only the timeouts given change. */
  timeouts: ProviderTimeouts.partial().optional()
})

export const ModelType = z.enum(['chat', 'embedding', 'rerank', 'tts', 'stt'])
export type ModelType = z.infer<typeof ModelType>

export const Model = z.object({
  id,
  providerId: id,
  /** The model's name at the provider, sent as `model` in requests. */
  modelId: z.string(),
  type: ModelType,
  enabled: z.boolean(),
  createdAt: timestamp
})
export type Model = z.infer<typeof Model>

export const ModelCreate = z.object({
  providerId: id,
  modelId: name(200),
  type: ModelType.default('chat')
})
export const ModelUpdate = z.object({ type: ModelType.optional(), enabled: z.boolean().optional() })

export const ProviderTestResult = z.object({
  ok: z.boolean(),
  latencyMs: z.number(),
  modelCount: z.number().optional(),
  /** `reason` and `params`: the message as a code the studio translates (contract/messages.ts). */
  error: z.object({ code: z.string(), message: z.string(), reason: z.string().optional(), params: ErrorParams.optional() }).optional()
})
export const RefreshModelsResult = z.object({
  added: z.number(),
  removed: z.number(),
  models: z.array(Model)
})

// ---------- agents (the original's "apps") ----------
export const AgentParams = z.object({
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().min(0).max(1).optional(),
  maxTokens: z.number().int().positive().max(1_000_000).optional(),
  presencePenalty: z.number().min(-2).max(2).optional(),
  frequencyPenalty: z.number().min(-2).max(2).optional()
})
export const AgentTheme = z.object({
  primaryColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, says('colour'))
    .optional(),
  mode: z.enum(['light', 'dark', 'system']).optional()
})
/**
 * The agent's avatars and voice. `chatAvatarId` (the kiosk's avatar) and `explainerAvatarId` (who
 * narrates explainer sequences) name digital humans of the registry (contract/digital-humans.ts),
 * or a built-in look (`guide`, `builtin:robot`); an unknown id is refused on save. The voice is
 * the chat avatar's; `ttsModelId` / `voice` / `speed` here override it field by field when set.
 */
export const DigitalHumanChoice = z.object({
  chatAvatarId: z.string().max(128).optional(),
  explainerAvatarId: z.string().max(128).optional(),
  /** Overrides of the chat avatar's voice: a `tts` model (else the avatar's, else the first enabled one), voice name and speed. */
  ttsModelId: z.string().max(64).optional(),
  voice: z.string().max(128).optional(),
  speed: z.number().min(0.25).max(4).optional(),
  /** The `stt` model that hears visitors (else the first enabled one). */
  asrModelId: z.string().max(64).optional()
})

const agentFields = {
  name: name(64),
  description: z.string().max(500),
  /** An emoji, an image URL or a data: URL. */
  avatar: z.string().max(200_000),
  providerId: id.nullable(),
  model: z.string().max(200).nullable(),
  systemPrompt: z.string().max(100_000),
  params: AgentParams,
  welcomeMessage: z.string().max(2000),
  quickPhrases: z.array(z.string().trim().min(1).max(200)).max(20),
  theme: AgentTheme,
  /** Card types this agent may show (see cards in the chat contract). */
  cardTemplates: z.array(z.string().max(32)).max(20),
  digitalHuman: DigitalHumanChoice.nullable(),
  maxSteps: z.number().int().min(1).max(50),
  published: z.boolean(),
  /** Web origins (https://shop.example) allowed to chat with the published agent from a browser. */
  allowedOrigins: z
    .array(
      z
        .string()
        .trim()
        .regex(/^https?:\/\/[^/\s]+$/, says('origin'))
    )
    .max(50),
  /** Long-term memory of users (src-main/core/memory). */
  memory: AgentMemorySettings
}

export const Agent = z.object({
  id,
  /** The chat protocol's `app_uuid`. */
  uuid: z.string(),
  ...agentFields,
  /** Lets a website or phone chat with this agent (only while published, only its chat endpoints). */
  publicKey: z.string(),
  createdAt: timestamp,
  updatedAt: timestamp
})
export type Agent = z.infer<typeof Agent>

export const AgentCreate = z.object({
  name: agentFields.name,
  description: agentFields.description.default(''),
  avatar: agentFields.avatar.default('🤖'),
  /** Left out (both): the only enabled chat model, if there is exactly one; null: no model on purpose. */
  providerId: agentFields.providerId.optional(),
  model: agentFields.model.optional(),
  systemPrompt: agentFields.systemPrompt.default(''),
  params: AgentParams.default({}),
  welcomeMessage: agentFields.welcomeMessage.default(''),
  quickPhrases: agentFields.quickPhrases.default([]),
  theme: AgentTheme.default({}),
  cardTemplates: agentFields.cardTemplates.default([]),
  digitalHuman: agentFields.digitalHuman.default(null),
  maxSteps: agentFields.maxSteps.default(8),
  published: agentFields.published.default(false),
  allowedOrigins: agentFields.allowedOrigins.default([]),
  memory: agentFields.memory.default({ enabled: false, shared: false })
})
export const AgentUpdate = z.object(agentFields).partial()

/** What deleting an agent, knowledge base, model or digital human takes with it or leaves without (for its confirmation). */
export const DependentKind = z.enum(['agent', 'knowledgeBase', 'model', 'digitalHuman'])
export type DependentKind = z.infer<typeof DependentKind>
const NamedRef = z.object({ id: z.string(), name: z.string() })
export const Dependents = z.object({
  /** Agents bound to the knowledge base, using the model, or the digital human as an avatar (they are left without it). */
  agents: z.array(NamedRef),
  /** Digital employees of the agent (deleted with it, with their run history), or using the model. */
  schedules: z.array(NamedRef),
  /** Chats of the agent, deleted with it. */
  sessions: z.number().int()
})
export type Dependents = z.infer<typeof Dependents>

/** A binding in an agent file: the id it had and the name, to find it again on another machine. */
const FileTool = z.object({
  toolId: z.string().max(64),
  name: z.string().max(200),
  enabledTools: z.array(z.string()).nullable().default(null),
  requireConfirmation: z.boolean().default(false)
})
const FileKnowledgeBase = z.object({
  kbId: z.string().max(64),
  name: z.string().max(200),
  /** The binding's retrieval settings as agents.setKnowledgeBases takes them (checked there). */
  settings: z.record(z.string(), z.unknown()).optional()
})

/**
 * An agent as a file to share: everything but its identity (ids, public key) and publishing
 * state, with the tools and knowledge bases it was bound to (re-bound on import where they exist).
 */
export const AgentExport = z.object({
  format: z.literal('agenta-agent', 'not an Agenta agent file'),
  version: z.literal(1, {
    error: (iss) => (iss.input === undefined ? 'version missing: not an Agenta Studio export' : 'made by a newer Agenta Studio')
  }),
  agent: AgentCreate,
  tools: z.array(FileTool).max(100).default([]),
  knowledgeBases: z.array(FileKnowledgeBase).max(50).default([])
})
export type AgentExport = z.infer<typeof AgentExport>

// ---------- tools (MCP servers; the original's "agent_tool") ----------
/** Headers as an object, JSON text, or `key:value` lines as the original UI took them. */
export const HeadersInput = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v
    const text = v.trim()
    if (!text) return {}
    if (text.startsWith('{')) {
      try {
        return JSON.parse(text)
      } catch {
        return v // left as a string so the schema reports it
      }
    }
    const out: Record<string, string> = {}
    for (const line of text.split(/\r?\n/)) {
      if (!line.trim()) continue
      const at = line.indexOf(':')
      if (at <= 0) return v
      out[line.slice(0, at).trim()] = line.slice(at + 1).trim()
    }
    return out
  },
  z.record(z.string(), z.string(), 'headers must be JSON or key:value lines')
)

export const StdioConfig = z.object({
  transport: z.literal('stdio'),
  command: z.string().trim().min(1, 'command must not be empty'),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  cwd: z.string().optional()
})
export const RemoteConfig = z.object({
  transport: z.enum(['sse', 'streamable-http']),
  url: httpUrl,
  headers: HeadersInput.default({})
})
export const ToolConfig = z.discriminatedUnion('transport', [StdioConfig, RemoteConfig])
export type ToolConfig = z.infer<typeof ToolConfig>

const toolFields = {
  name: name(25),
  remark: z.string().max(500),
  category: z.string().max(32),
  icon: z.string().max(200_000),
  color: z.string().max(32),
  toolType: z.enum(['external', 'internal']),
  enabled: z.boolean(),
  config: ToolConfig
}
export const Tool = z.object({ id, ...toolFields, createdAt: timestamp, updatedAt: timestamp })
export type Tool = z.infer<typeof Tool>
export const ToolCreate = z.object({
  ...toolFields,
  remark: toolFields.remark.default(''),
  category: toolFields.category.default('general'),
  icon: toolFields.icon.default('🔧'),
  color: toolFields.color.default('#1677ff'),
  toolType: toolFields.toolType.default('external'),
  enabled: toolFields.enabled.default(true)
})
export const ToolUpdate = z.object(toolFields).partial()

export const McpToolInfo = z.object({
  name: z.string(),
  description: z.string(),
  inputSchema: z.record(z.string(), z.unknown())
})
export type McpToolInfo = z.infer<typeof McpToolInfo>

/** Live state of one MCP server connection, pushed to the studio as it changes. */
export const ToolStatus = z.object({
  toolId: z.string(),
  state: z.enum(['idle', 'connecting', 'ready', 'failed']),
  /** Why it failed, in words a user can act on (e.g. the command and the PATH searched). */
  error: z.string().nullable(),
  tools: z.array(McpToolInfo),
  updatedAt: timestamp
})
export type ToolStatus = z.infer<typeof ToolStatus>

export const ToolTestResult = z.object({
  ok: z.boolean(),
  latencyMs: z.number(),
  tools: z.array(McpToolInfo),
  error: z.string().optional(),
  /** `error` as a message code and params (contract/messages.ts), which the studio translates. */
  reason: z.string().optional(),
  params: ErrorParams.optional()
})

/** Which MCP servers an agent uses, which of their tools, and whether calls need a person's OK. */
export const AgentToolBinding = z.object({
  toolId: id,
  /** null = every tool the server offers, now and later. */
  enabledTools: z.array(z.string()).nullable().default(null),
  requireConfirmation: z.boolean().default(false)
})
export type AgentToolBinding = z.infer<typeof AgentToolBinding>

// ---------- knowledge bases ----------
const kbFields = {
  name: name(64),
  description: z.string().max(500),
  /** A model row of type embedding; null = full-text retrieval only. */
  embeddingModelId: id.nullable(),
  chunkSize: z.number().int().min(100).max(8000),
  chunkOverlap: z.number().int().min(0).max(4000)
}
const overlapBelowSize = (v: { chunkSize?: number; chunkOverlap?: number }) =>
  v.chunkSize === undefined || v.chunkOverlap === undefined || v.chunkOverlap < v.chunkSize

export const KnowledgeBase = z.object({
  id,
  ...kbFields,
  documentCount: z.number().int(),
  createdAt: timestamp,
  updatedAt: timestamp
})
export type KnowledgeBase = z.infer<typeof KnowledgeBase>
export const KnowledgeBaseCreate = z
  .object({
    ...kbFields,
    description: kbFields.description.default(''),
    embeddingModelId: kbFields.embeddingModelId.default(null),
    chunkSize: kbFields.chunkSize.default(800),
    chunkOverlap: kbFields.chunkOverlap.default(100)
  })
  .refine(overlapBelowSize, { message: 'chunkOverlap must be smaller than chunkSize', path: ['chunkOverlap'] })
export const KnowledgeBaseUpdate = z.object(kbFields).partial()

// ---------- settings ----------
export const Settings = z.object({
  language: z.enum(['zh-CN', 'en']),
  theme: z.enum(['light', 'dark', 'system']),
  server: z.object({
    /** Listen on all interfaces so LAN clients can reach the studio. Off = 127.0.0.1 only. */
    lan: z.boolean(),
    port: z.number().int().min(1).max(65535),
    /** The desktop app starts the local server at launch. */
    autoStart: z.boolean()
  })
})
export type Settings = z.infer<typeof Settings>
export const defaultSettings: Settings = {
  language: 'zh-CN',
  theme: 'system',
  server: { lan: false, port: 5001, autoStart: false }
}
export const SettingsUpdate = z.object({
  language: Settings.shape.language.optional(),
  theme: Settings.shape.theme.optional(),
  server: Settings.shape.server.partial().optional()
})

export const ServerStatus = z.object({
  running: z.boolean(),
  url: z.string().nullable(),
  /** LAN URLs (one per interface address) when the server listens beyond loopback. */
  lanUrls: z.array(z.string()),
  token: z.string().nullable(),
  /** Why the server is not running when it should be (e.g. the port is taken). */
  error: z.string().nullable().default(null)
})
export type ServerStatus = z.infer<typeof ServerStatus>

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  host: z.enum(['electron', 'server']),
  dataDir: z.string(),
  dbKind: z.enum(['sqlite', 'mysql'])
})
