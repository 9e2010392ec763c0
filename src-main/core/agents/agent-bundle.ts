import { createHash } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import type { Kysely } from 'kysely'
import { AgentCreate, KnowledgeBaseCreate, ToolCreate, type Agent, type ToolConfig } from '../../contract/entities'
import { AppError } from '../../contract/errors'
import { BindingSettings } from '../../contract/knowledge'
import {
  BUNDLE_LIMITS,
  type AgentBundle,
  type AgentDefinition,
  type BundleImported,
  type BundleKnowledgeBase,
  type BundleTool,
  type OnConflict,
  type SyncDifference
} from '../../contract/team-sync'
import type { DB } from '../../store/schema'
import { knowledgeDb } from '../../store/repos/knowledge-schema'
import type { KnowledgeBasesService } from '../knowledge/knowledge-bases-service'
import type { KnowledgeService } from '../knowledge/knowledge-service'
import type { McpService } from '../mcp/mcp-service'
import type { ToolsService } from '../tools/tools-service'
import { newId } from '../util/ids'
import type { AgentsService } from './agents-service'

/**
 * An agent as one self-contained bundle, for moving it between a desktop and a team server
 * (contract/team-sync.ts). Its definition is machine-independent (the model by provider name,
 * tools and knowledge bases by name) so both sides can fingerprint it the same way; the
 * fingerprint the receiving side had at the last sync (`base`) tells "changed there since" (a
 * conflict, shown, never overwritten silently) from "unchanged there" (updated in place).
 */
export interface BundleDeps {
  db: Kysely<DB>
  agents: AgentsService
  tools: ToolsService
  knowledgeBases: KnowledgeBasesService
  knowledge: KnowledgeService
  mcp: McpService
}

export type AgentBundles = ReturnType<typeof agentBundles>

/** JSON with sorted keys and without undefined, so equal definitions hash alike on any machine. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v && typeof v === 'object')
    return `{${Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`)
      .join(',')}}`
  return JSON.stringify(v ?? null)
}

export const fingerprintOf = (def: AgentDefinition): string => createHash('sha256').update(canonical(def)).digest('hex')

/** The top-level fields of two definitions that differ: `theirs` the receiving side's, `ours` the bundle's. */
export function differencesOf(theirs: AgentDefinition, ours: AgentDefinition): SyncDifference[] {
  const keys = [...new Set([...Object.keys(theirs), ...Object.keys(ours)])] as Array<keyof AgentDefinition>
  return keys.filter((k) => canonical(theirs[k]) !== canonical(ours[k])).map((k) => ({ field: k, theirs: theirs[k], ours: ours[k] }))
}

/** `name (copy)`, `name (copy 2)`…: the first not taken, within the 64 characters of a name. */
function copyName(name: string, taken: Set<string>): string {
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? ' (copy)' : ` (copy ${n})`
    const candidate = name.slice(0, 64 - suffix.length) + suffix
    if (!taken.has(candidate)) return candidate
  }
}

/** A tool's config with every header / environment value emptied: secrets never leave this machine. */
function withoutSecrets(c: ToolConfig): { config: ToolConfig; secretNames: string[] } {
  const values = c.transport === 'stdio' ? c.env : c.headers
  const names = Object.keys(values ?? {})
  const blank = Object.fromEntries(names.map((n) => [n, '']))
  return { config: c.transport === 'stdio' ? { ...c, env: blank } : { ...c, headers: blank }, secretNames: names }
}

export function agentBundles(deps: BundleDeps) {
  const { db, agents, tools, knowledgeBases, knowledge, mcp } = deps

  async function modelRef(providerId: string | null, modelId: string | null) {
    if (!providerId || !modelId) return null
    const p = await db.selectFrom('providers').select('name').where('id', '=', providerId).executeTakeFirst()
    return p ? { provider: p.name, modelId } : null
  }
  async function embeddingRef(modelRowId: string | null) {
    if (!modelRowId) return null
    const m = await db
      .selectFrom('models')
      .innerJoin('providers', 'providers.id', 'models.provider_id')
      .select(['providers.name as provider', 'models.model_id as modelId'])
      .where('models.id', '=', modelRowId)
      .executeTakeFirst()
    return m ?? null
  }
  /** An embedding model of this machine by its provider's name and model id. */
  async function findEmbedding(ref: { provider: string; modelId: string }) {
    return db
      .selectFrom('models')
      .innerJoin('providers', 'providers.id', 'models.provider_id')
      .select(['models.id as id', 'models.provider_id as providerId', 'models.model_id as modelId'])
      .where('providers.name', '=', ref.provider)
      .where('models.model_id', '=', ref.modelId)
      .where('models.type', '=', 'embedding')
      .executeTakeFirst()
  }

  /** The agent's definition as both sides fingerprint it. */
  async function definitionOf(agent: Agent): Promise<AgentDefinition> {
    const [toolBindings, kbBindings, allTools, allKbs] = await Promise.all([
      mcp.agentTools(agent.id),
      knowledge.bindings(agent.id),
      tools.list(),
      knowledgeBases.list()
    ])
    const toolName = new Map(allTools.map((t) => [t.id, t.name]))
    const kbName = new Map(allKbs.map((k) => [k.id, k.name]))
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
    const { id: _id, uuid: _uuid, publicKey: _pk, createdAt: _c, updatedAt: _u, providerId, model, published: _p, allowedOrigins: _o, ...rest } = agent
    return {
      ...rest,
      model: await modelRef(providerId, model),
      tools: toolBindings
        .map((b) => ({ name: toolName.get(b.toolId) ?? b.toolId, enabledTools: b.enabledTools, requireConfirmation: b.requireConfirmation }))
        .sort(byName),
      knowledgeBases: kbBindings
        .map((b) => {
          const { rerankModelId: _r, ...settings } = b.settings
          return { name: kbName.get(b.kbId) ?? b.kbId, settings }
        })
        .sort(byName)
    }
  }

  async function bundleKnowledgeBase(kbId: string, budget: { left: number }, skipped: AgentBundle['skipped']): Promise<BundleKnowledgeBase> {
    const kb = await knowledgeBases.get(kbId)
    const docs = await knowledgeDb(db)
      .selectFrom('documents')
      .select(['name', 'source', 'source_type', 'body'])
      .where('kb_id', '=', kbId)
      .orderBy('created_at')
      .execute()
    const documents: BundleKnowledgeBase['documents'] = []
    for (const d of docs) {
      const skip = (reason: AgentBundle['skipped'][number]['reason']) => skipped.push({ knowledgeBase: kb.name, name: d.name, reason })
      let content: Buffer
      try {
        // Files are sent as they are (the other side parses them again); a source's row or item as its text.
        content = d.source_type === 'file' || d.source_type === 'upload' ? await readFile(d.source) : Buffer.from(d.body ?? '', 'utf8')
      } catch {
        skip('unreadable')
        continue
      }
      if (d.source_type !== 'file' && d.source_type !== 'upload' && d.body === null) {
        skip('unreadable')
        continue
      }
      if (content.length > BUNDLE_LIMITS.documentBytes) skip('too_large')
      else if (content.length > budget.left || documents.length >= BUNDLE_LIMITS.documents) skip('bundle_full')
      else {
        budget.left -= content.length
        const name = extname(d.name) ? d.name : `${d.name}.txt`
        documents.push({ name: name.slice(-500), content: content.toString('base64'), bytes: content.length })
      }
    }
    return {
      name: kb.name,
      description: kb.description,
      chunkSize: kb.chunkSize,
      chunkOverlap: kb.chunkOverlap,
      embedding: await embeddingRef(kb.embeddingModelId),
      documents
    }
  }

  /** Registers a document as an upload: the same content already there is a duplicate (nothing happens). */
  async function addDocument(kbId: string, doc: BundleKnowledgeBase['documents'][number]): Promise<boolean> {
    const content = Buffer.from(doc.content, 'base64')
    const dir = knowledge.documents.incomingDir()
    await mkdir(dir, { recursive: true })
    const tempPath = join(dir, `${newId()}.bundle`)
    await writeFile(tempPath, content)
    const hash = createHash('sha256').update(content).digest('hex')
    const added = await knowledge.documents.addUpload(kbId, { fileName: doc.name, tempPath, hash, bytes: content.length })
    return !added.duplicate
  }

  /** Tools of the bundle by name: this machine's of that name, else created without their secret values. */
  async function resolveTools(bundleTools: BundleTool[], needsSecrets: BundleImported['needsSecrets']): Promise<Map<string, string>> {
    const byName = new Map((await tools.list()).map((t) => [t.name, t.id]))
    for (const t of bundleTools) {
      if (byName.has(t.name)) continue
      const created = await tools.create(ToolCreate.parse({ ...t, enabled: true }))
      byName.set(t.name, created.id)
      if (t.secretNames.length) needsSecrets.push({ tool: t.name, names: t.secretNames })
    }
    return byName
  }

  async function resolveKnowledgeBases(bundleKbs: BundleKnowledgeBase[], result: { documentsQueued: number }): Promise<Map<string, string>> {
    const byName = new Map((await knowledgeBases.list()).map((k) => [k.name, k.id]))
    for (const k of bundleKbs) {
      let kbId = byName.get(k.name)
      if (!kbId) {
        const embedding = k.embedding && (await findEmbedding(k.embedding))
        const kb = await knowledgeBases.create(
          KnowledgeBaseCreate.parse({
            name: k.name,
            description: k.description,
            chunkSize: k.chunkSize,
            chunkOverlap: Math.min(k.chunkOverlap, k.chunkSize - 1),
            embeddingModelId: embedding?.id ?? null
          })
        )
        kbId = kb.id
        byName.set(k.name, kbId)
      }
      for (const d of k.documents) if (await addDocument(kbId, d)) result.documentsQueued++
    }
    return byName
  }

  /** Writes the definition onto an agent (or a new one with `uuid`), with its tools, knowledge bases and documents. */
  async function apply(bundle: AgentBundle, def: AgentDefinition, target: { id: string } | { uuid: string }): Promise<Omit<BundleImported, 'action'>> {
    const result = { needsSecrets: [] as BundleImported['needsSecrets'], unbound: [] as string[], documentsQueued: 0 }
    // An agent's model is its provider's model id (the provider need not list it): the provider, by name, is enough.
    const provider =
      def.model && (await db.selectFrom('providers').select('id').where('name', '=', def.model.provider).orderBy('created_at').executeTakeFirst())
    const model = def.model && provider ? { providerId: provider.id, modelId: def.model.modelId } : null
    if (def.model && !model) result.unbound.push(`${def.model.provider} / ${def.model.modelId}`)
    const toolIds = await resolveTools(bundle.tools, result.needsSecrets)
    const kbIds = await resolveKnowledgeBases(bundle.knowledgeBases, result)

    const { model: _m, tools: toolDefs, knowledgeBases: kbDefs, ...fields } = def
    const input = { ...fields, providerId: model?.providerId ?? null, model: model?.modelId ?? null }
    const write = async (v: typeof input): Promise<Agent> =>
      'id' in target ? agents.update(target.id, v) : agents.create(AgentCreate.parse(v), { uuid: target.uuid })
    let agent: Agent
    try {
      agent = await write(input)
    } catch (err) {
      // An avatar of this side's registry that the other side lacks: the agent comes without it.
      if (!(err instanceof AppError) || !def.digitalHuman) throw err
      agent = await write({ ...input, digitalHuman: null })
      result.unbound.push('digitalHuman')
    }
    await mcp.setAgentTools(
      agent.id,
      toolDefs.flatMap((t) => {
        const toolId = toolIds.get(t.name)
        if (!toolId) result.unbound.push(t.name)
        return toolId ? [{ toolId, enabledTools: t.enabledTools, requireConfirmation: t.requireConfirmation }] : []
      })
    )
    await knowledge.setBindings(
      agent.id,
      kbDefs.flatMap((k) => {
        const kbId = kbIds.get(k.name)
        if (!kbId) result.unbound.push(k.name)
        return kbId ? [{ kbId, settings: BindingSettings.parse({ ...k.settings, rerankModelId: null }) }] : []
      })
    )
    return {
      ...result,
      agent: { id: agent.id, uuid: agent.uuid, name: agent.name },
      fingerprint: fingerprintOf(await definitionOf(agent)),
      skipped: bundle.skipped
    }
  }

  return {
    definitionOf,

    /** The fingerprint of an agent's definition now. */
    async fingerprint(idOrUuid: string): Promise<string> {
      return fingerprintOf(await definitionOf(await agents.get(idOrUuid)))
    },

    /** The bundle of an agent; `base`: what the receiving side's fingerprint was at the last sync. */
    async export(idOrUuid: string, base: string | null = null): Promise<AgentBundle> {
      const agent = await agents.get(idOrUuid)
      const definition = await definitionOf(agent)
      const [toolBindings, kbBindings] = await Promise.all([mcp.agentTools(agent.id), knowledge.bindings(agent.id)])
      const bundleTools: BundleTool[] = []
      for (const b of toolBindings) {
        const t = await tools.get(b.toolId)
        bundleTools.push({ name: t.name, remark: t.remark, category: t.category, icon: t.icon, color: t.color, ...withoutSecrets(t.config) })
      }
      const skipped: AgentBundle['skipped'] = []
      const budget = { left: BUNDLE_LIMITS.totalBytes }
      const kbs: BundleKnowledgeBase[] = []
      for (const b of kbBindings) kbs.push(await bundleKnowledgeBase(b.kbId, budget, skipped))
      return {
        format: 'agenta-agent-bundle',
        version: 1,
        uuid: agent.uuid,
        fingerprint: fingerprintOf(definition),
        base,
        definition,
        tools: bundleTools,
        knowledgeBases: kbs,
        skipped
      }
    },

    /**
     * Brings a bundle in. An agent with the bundle's uuid whose fingerprint is neither the bundle's
     * `base` nor the bundle's own was changed here since the last sync: `ask` refuses with a 409
     * `sync_conflict` listing the differing fields (nothing written), `overwrite` replaces it, `copy`
     * makes a new agent beside it. No such agent: created with the bundle's uuid.
     * `mayEdit`: whether the caller may change that existing agent (403 otherwise).
     */
    async import(bundle: AgentBundle, onConflict: OnConflict, mayEdit: (agentId: string) => Promise<boolean>): Promise<BundleImported> {
      const existing = (await agents.list()).find((a) => a.uuid === bundle.uuid)
      if (!existing) return { action: 'created', ...(await apply(bundle, bundle.definition, { uuid: bundle.uuid })) }
      // Someone who may not change that agent learns nothing of it (not even how it differs); they may still save a copy.
      const editable = await mayEdit(existing.id)
      if (!editable && onConflict !== 'copy') throw new AppError('forbidden', 'Only the builder of this agent or an admin can change it')
      const current = await definitionOf(existing)
      const now = fingerprintOf(current)
      const unchangedHere = now === bundle.base || now === bundle.fingerprint
      if (!unchangedHere && onConflict === 'ask') {
        const differences = differencesOf(current, bundle.definition)
        const fields = differences.map((d) => d.field).join(', ')
        throw new AppError(
          'conflict',
          `"${existing.name}" was changed here since it was last synced (${fields || 'its tools or knowledge'}): overwrite it, keep it, or save a copy`,
          { differences },
          { reason: 'sync_conflict', params: { name: existing.name, fields } }
        )
      }
      if (editable && (unchangedHere || onConflict === 'overwrite')) {
        const applied = await apply(bundle, bundle.definition, { id: existing.id })
        // Unchanged: the definition was already this and no new document came with it.
        return { action: now === bundle.fingerprint && !applied.documentsQueued ? 'unchanged' : 'updated', ...applied }
      }
      const taken = new Set((await agents.list()).map((a) => a.name))
      const copy = { ...bundle.definition, name: copyName(bundle.definition.name, taken) }
      return { action: 'copied', ...(await apply(bundle, copy, { uuid: newId() })) }
    }
  }
}
