import { z } from 'zod'
import { AgentCreate, AgentToolBinding, ToolConfig } from './entities'
import { BindingSettings } from './knowledge'

/**
 * One agent moving between a desktop and a team server (core/agents/agent-bundle.ts, core/team-link).
 * A bundle is self-contained: the agent's definition, its tools without their secret values, and
 * its knowledge bases with their documents, so the other side can re-create and re-ingest them.
 */

const id = z.string().min(1).max(64)

/** Documents travel base64 in the JSON body; past these caps they are left out and listed in `skipped`. */
export const BUNDLE_LIMITS = { documentBytes: 10 * 1024 * 1024, totalBytes: 25 * 1024 * 1024, documents: 500 } as const

/** What the agent is, machine-independent: the model by provider name and model id, bindings by name. */
export const AgentDefinition = AgentCreate.omit({ providerId: true, model: true, published: true, allowedOrigins: true }).extend({
  model: z.object({ provider: z.string().max(200), modelId: z.string().max(200) }).nullable(),
  tools: z.array(AgentToolBinding.omit({ toolId: true }).extend({ name: z.string().max(200) })).max(100),
  // A rerank model is this machine's; the other side uses none.
  knowledgeBases: z.array(z.object({ name: z.string().max(200), settings: BindingSettings.omit({ rerankModelId: true }) })).max(50)
})
export type AgentDefinition = z.infer<typeof AgentDefinition>

/** A tool as it travels: its config with every header / environment value emptied (secrets never leave). */
export const BundleTool = z.object({
  name: z.string().min(1).max(25),
  remark: z.string().max(500).default(''),
  category: z.string().max(32).default('general'),
  icon: z.string().max(200_000).default('🔧'),
  color: z.string().max(32).default('#1677ff'),
  config: ToolConfig,
  /** Names of the headers / environment variables whose values were left behind. */
  secretNames: z.array(z.string().max(200)).max(100)
})
export type BundleTool = z.infer<typeof BundleTool>

export const BundleDocument = z.object({
  name: z.string().min(1).max(500),
  /** The original file (or a source document's text), base64. */
  content: z.string().max(Math.ceil((BUNDLE_LIMITS.documentBytes * 4) / 3) + 8),
  bytes: z.number().int().min(0)
})
export const BundleKnowledgeBase = z.object({
  name: z.string().min(1).max(64),
  description: z.string().max(500).default(''),
  chunkSize: z.number().int().min(100).max(8000),
  chunkOverlap: z.number().int().min(0).max(4000),
  /** The embedding model by provider name and model id (null: full-text only, or none on the other side). */
  embedding: z.object({ provider: z.string().max(200), modelId: z.string().max(200) }).nullable(),
  documents: z.array(BundleDocument).max(BUNDLE_LIMITS.documents)
})
export type BundleKnowledgeBase = z.infer<typeof BundleKnowledgeBase>

export const SkippedDocument = z.object({ knowledgeBase: z.string(), name: z.string(), reason: z.enum(['too_large', 'bundle_full', 'unreadable']) })

export const AgentBundle = z.object({
  format: z.literal('agenta-agent-bundle'),
  version: z.literal(1),
  /** The agent's stable identity across machines. */
  uuid: z.string().min(1).max(64),
  /** Fingerprint of `definition`. */
  fingerprint: z.string().max(128),
  /**
   * The fingerprint the receiving side's agent had when the two last synced (null: never synced).
   * The receiver refuses to overwrite an agent whose fingerprint has moved on from it.
   */
  base: z.string().max(128).nullable(),
  definition: AgentDefinition,
  tools: z.array(BundleTool).max(100),
  knowledgeBases: z.array(BundleKnowledgeBase).max(50),
  /** Documents the sender left out (caps, unreadable files). */
  skipped: z.array(SkippedDocument).max(10_000).default([])
})
export type AgentBundle = z.infer<typeof AgentBundle>

/** ask: a changed agent on the receiving side is a 409 `sync_conflict`; overwrite: replace it; copy: a new agent beside it. */
export const OnConflict = z.enum(['ask', 'overwrite', 'copy'])
export type OnConflict = z.infer<typeof OnConflict>

/** One field that differs: `theirs` is the receiving side's value, `ours` the bundle's. */
export const SyncDifference = z.object({ field: z.string(), theirs: z.unknown(), ours: z.unknown() })
export type SyncDifference = z.infer<typeof SyncDifference>

export const BundleImport = z.object({ bundle: AgentBundle, onConflict: OnConflict.default('ask') })

export const BundleImported = z.object({
  action: z.enum(['created', 'updated', 'copied', 'unchanged']),
  agent: z.object({ id: z.string(), uuid: z.string(), name: z.string() }),
  /** The agent's fingerprint on the receiving side after the import (the new sync base). */
  fingerprint: z.string(),
  /** Tools created here without their secret values: enter them in Tools. */
  needsSecrets: z.array(z.object({ tool: z.string(), names: z.array(z.string()) })),
  /** Parts of the definition that could not be bound here (a model of an unknown provider). */
  unbound: z.array(z.string()),
  documentsQueued: z.number().int(),
  skipped: z.array(SkippedDocument)
})
export type BundleImported = z.infer<typeof BundleImported>

// ---------- the desktop's link to a team server ----------

export const TeamLink = z.object({
  url: z.string().nullable(),
  /** Whether a token is saved (it is never returned). */
  hasToken: z.boolean()
})
export type TeamLink = z.infer<typeof TeamLink>

export const TeamLinkUpdate = z.object({
  /** null: unlink (the token is forgotten too). */
  url: z
    .string()
    .trim()
    .max(500)
    .regex(/^https?:\/\/[^\s]+$/, 'must start with http:// or https://')
    .transform((u) => u.replace(/\/+$/, ''))
    .nullable(),
  /** A personal API token of that server (`agt_…`); left out: keep the saved one. */
  token: z.string().trim().min(1).max(500).optional()
})

export const TeamLinkTest = z.object({
  url: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.string(),
  scopes: z.array(z.string())
})

export const RemoteAgent = z.object({
  id: z.string(),
  uuid: z.string(),
  name: z.string(),
  description: z.string(),
  avatar: z.string(),
  updatedAt: z.number(),
  /** This desktop has an agent with the same uuid (a pull updates it). */
  localId: z.string().nullable()
})

export const PushInput = z.object({ id, onConflict: OnConflict.default('ask') })
export const PullInput = z.object({ remoteId: id, onConflict: OnConflict.default('ask') })
