import OpenAI from 'openai'
import type { z } from 'zod'
import { AppError } from '../../contract/errors'
import {
  DEFAULT_PROVIDER_TIMEOUTS,
  type ModelCreate,
  type ModelType,
  type ModelUpdate,
  type Provider,
  type ProviderCreate,
  type ProviderTimeouts,
  type ProviderUpdate
} from '../../contract/entities'
import type { Kysely } from 'kysely'
import type { DB } from '../../store/schema'
import { providersRepo, toModel, toProvider, type ProviderRow } from '../../store/repos/providers'
import type { SecretBox } from '../secrets/secret-box'
import { secretHint } from '../secrets/secret-box'
import type { StudioEvents } from '../events'
import { newId } from '../util/ids'
import { tick } from '../util/clock'
import { describeProviderFault } from './provider-errors'
import { nodeFetch } from './node-fetch'
import { guessModelType } from './presets'
import { resolveModel } from './resolve-model'

const LIST_TIMEOUT_MS = 15_000

export type ProvidersService = ReturnType<typeof providersService>

/** What a turn needs to call a provider's models. */
export interface TurnClient {
  client: OpenAI
  baseUrl: string
  /** The provider's name, for error messages a user reads. */
  name: string
  timeouts: ProviderTimeouts
}

const timeoutColumns = (t: ProviderTimeouts) => ({
  connect_timeout_ms: t.connectMs,
  first_token_timeout_ms: t.firstTokenMs,
  idle_timeout_ms: t.idleMs
})

export function providersService(db: Kysely<DB>, secrets: SecretBox, events: StudioEvents) {
  const repo = providersRepo(db)

  async function row(id: string): Promise<ProviderRow> {
    const r = await repo.find(id)
    if (!r) throw new AppError('not_found', `No provider with id ${id}`)
    return r
  }

  function apiKeyOf(r: ProviderRow): string | undefined {
    if (!r.api_key_enc) return undefined
    try {
      return secrets.decrypt(r.api_key_enc)
    } catch {
      throw new AppError('conflict', `The API key of "${r.name}" cannot be decrypted on this machine; enter it again`, undefined, {
        reason: 'key_undecryptable',
        params: { name: r.name }
      })
    }
  }

  /** An OpenAI SDK client for this provider. Local servers get a placeholder key (the SDK needs one). */
  async function client(id: string, opts: { timeout?: number; maxRetries?: number } = {}): Promise<OpenAI> {
    const r = await row(id)
    return new OpenAI({ baseURL: r.base_url, apiKey: apiKeyOf(r) ?? 'not-needed', timeout: opts.timeout, maxRetries: opts.maxRetries ?? 0 })
  }

  // Turns reuse one client per provider (its connection pool, no key decryption per turn); a
  // changed row (new key, URL or timeouts, also from another process in team mode) makes a new one.
  const turnClients = new Map<string, TurnClient & { version: number }>()
  async function turnClient(id: string): Promise<TurnClient> {
    const r = await row(id)
    const version = Number(r.updated_at)
    const cached = turnClients.get(id)
    if (cached?.version === version) return cached
    const { timeouts } = toProvider(r)
    const fetch = (input: string | URL | Request, init?: RequestInit) => nodeFetch(input, init, { connectTimeoutMs: timeouts.connectMs })
    const fresh = {
      version,
      baseUrl: r.base_url,
      name: r.name,
      timeouts,
      client: new OpenAI({ baseURL: r.base_url, apiKey: apiKeyOf(r) ?? 'not-needed', maxRetries: 0, fetch })
    }
    turnClients.set(id, fresh)
    return fresh
  }

  function sealKey(key: string | null | undefined): Pick<ProviderRow, 'api_key_enc' | 'api_key_hint'> | object {
    if (key === undefined) return {}
    if (key === null || key === '') return { api_key_enc: null, api_key_hint: null }
    return { api_key_enc: secrets.encrypt(key), api_key_hint: secretHint(key) }
  }

  async function listRemoteModels(id: string): Promise<string[]> {
    const r = await row(id)
    const c = await client(id, { timeout: LIST_TIMEOUT_MS })
    try {
      const ids: string[] = []
      for await (const m of c.models.list()) ids.push(m.id)
      return ids
    } catch (err) {
      const fault = describeProviderFault(err, r.base_url)
      throw new AppError('upstream_error', fault.message, { reason: fault.code }, { reason: fault.reason, params: fault.params })
    }
  }

  return {
    client,
    turnClient,
    apiKeyOf: async (id: string) => apiKeyOf(await row(id)),

    list: async () => (await repo.list()).map(toProvider),
    get: async (id: string) => toProvider(await row(id)),

    async create(input: z.output<typeof ProviderCreate>): Promise<Provider> {
      const now = Date.now()
      const r: ProviderRow = {
        id: newId(),
        name: input.name,
        kind: input.kind,
        base_url: input.baseUrl,
        api_key_enc: null,
        api_key_hint: null,
        enabled: input.enabled ? 1 : 0,
        ...timeoutColumns({ ...DEFAULT_PROVIDER_TIMEOUTS, ...input.timeouts }),
        created_at: now,
        updated_at: now,
        ...sealKey(input.apiKey)
      }
      await repo.insert(r)
      events.emit('providers.changed', { id: r.id })
      return toProvider(r)
    },

    async update(id: string, patch: z.output<typeof ProviderUpdate>): Promise<Provider> {
      const before = await row(id)
      await repo.update(id, {
        ...(patch.timeouts && timeoutColumns({ ...toProvider(before).timeouts, ...patch.timeouts })),
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.kind !== undefined && { kind: patch.kind }),
        ...(patch.baseUrl !== undefined && { base_url: patch.baseUrl }),
        ...(patch.enabled !== undefined && { enabled: patch.enabled ? 1 : 0 }),
        ...sealKey(patch.apiKey),
        // tick(): strictly increasing, so two quick edits never look like one version to turnClient.
        updated_at: tick()
      })
      events.emit('providers.changed', { id })
      return toProvider(await row(id))
    },

    async delete(id: string): Promise<{ ok: true }> {
      const r = await row(id)
      const users = await repo.agentsUsing(id)
      if (users.length) {
        const names = users.map((u) => `"${u.name}"`).join(', ')
        throw new AppError('conflict', `"${r.name}" is used by ${names}; pick another model for them first`, undefined, {
          reason: 'model_in_use',
          params: { name: r.name, users: users.map((u) => u.name).join(', ') }
        })
      }
      await repo.delete(id)
      turnClients.delete(id)
      events.emit('providers.changed', { id })
      return { ok: true }
    },

    /** Lists the provider's models with its key: proves URL, key and network in one request. */
    async test(id: string) {
      const started = Date.now()
      try {
        const ids = await listRemoteModels(id)
        return { ok: true, latencyMs: Date.now() - started, modelCount: ids.length }
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'upstream_error') throw err
        const code = (err.details as { reason?: string } | undefined)?.reason ?? 'upstream_error'
        const { reason, params } = err.info
        return { ok: false, latencyMs: Date.now() - started, error: { code, message: err.message, ...(reason && { reason }), ...(params && { params }) } }
      }
    },

    async refreshModels(id: string) {
      const remote = [...new Set(await listRemoteModels(id))]
      const existing = await repo.models.list({ providerId: id })
      const known = new Set(existing.map((m) => m.model_id))
      const now = Date.now()
      const add = remote
        .filter((m) => !known.has(m))
        .map((m) => ({ id: newId(), provider_id: id, model_id: m, type: guessModelType(m), source: 'remote', enabled: 1, created_at: now }))
      const wanted = new Set(remote)
      const remove = existing.filter((m) => m.source === 'remote' && !wanted.has(m.model_id)).map((m) => m.model_id)
      await repo.models.applyRefresh(id, add, remove)
      events.emit('providers.changed', { id })
      return { added: add.length, removed: remove.length, models: (await repo.models.list({ providerId: id })).map(toModel) }
    },

    models: {
      list: async (filter: { providerId?: string; type?: string }) => (await repo.models.list(filter)).map(toModel),
      /** A stored model of the kind a feature needs, or the one 422 on `field` (resolve-model.ts). */
      resolve: (id: string, kind: ModelType, field?: string) => resolveModel(db, id, kind, field),
      async create(input: z.output<typeof ModelCreate>) {
        await row(input.providerId)
        const m = {
          id: newId(),
          provider_id: input.providerId,
          model_id: input.modelId,
          type: input.type,
          source: 'manual',
          enabled: 1,
          created_at: Date.now()
        }
        await repo.models.insert(m)
        events.emit('providers.changed', { id: input.providerId })
        return toModel(m)
      },
      async update(id: string, patch: z.output<typeof ModelUpdate>) {
        const before = await repo.models.find(id)
        if (!before) throw new AppError('not_found', `No model with id ${id}`)
        await repo.models.update(id, patch)
        events.emit('providers.changed', { id: before.provider_id })
        return toModel((await repo.models.find(id))!)
      },
      async delete(id: string) {
        const before = await repo.models.find(id)
        if (!before) throw new AppError('not_found', `No model with id ${id}`)
        // Agents that used it are left without a model (the delete confirmation named them:
        // dependents.get) rather than pointing at one that is gone. Tasks that chose it keep the
        // choice: their runs fail saying the model is gone, as the confirmation warned.
        const agents = await db.selectFrom('agents').select('id').where('provider_id', '=', before.provider_id).where('model', '=', before.model_id).execute()
        if (agents.length)
          await db
            .updateTable('agents')
            .set({ provider_id: null, model: null, updated_at: Date.now() })
            .where(
              'id',
              'in',
              agents.map((a) => a.id)
            )
            .execute()
        await repo.models.delete(id)
        events.emit('providers.changed', { id: before.provider_id })
        for (const a of agents) events.emit('agents.changed', { id: a.id })
        return { ok: true as const }
      }
    }
  }
}
