import type { Kysely } from 'kysely'
import type { z } from 'zod'
import { AppError } from '../../contract/errors'
import type { Tool, ToolConfig, ToolCreate, ToolUpdate } from '../../contract/entities'
import type { DB } from '../../store/schema'
import { toTool, toolColumns, toolsRepo, type ToolRow } from '../../store/repos/tools'
import type { StudioEvents } from '../events'
import type { SecretBox } from '../secrets/secret-box'
import { newId } from '../util/ids'
import { isClearText, toolSecrets, type StoredToolConfig } from './tool-secrets'
import { log } from '../../base/log'

export type ToolsService = ReturnType<typeof toolsService>

/**
 * MCP server configurations. Connecting to them is the MCP connection manager's job. Header and
 * environment values are sealed at rest and masked in every answer (./tool-secrets.ts); only
 * `withSecrets` hands out the real values, to the MCP layer.
 */
export function toolsService(db: Kysely<DB>, events: StudioEvents, box: SecretBox) {
  const repo = toolsRepo(db)
  const secrets = toolSecrets(box)
  async function row(id: string): Promise<ToolRow> {
    const r = await repo.find(id)
    if (!r) throw new AppError('not_found', `No tool with id ${id}`)
    return r
  }
  const stored = (r: ToolRow): StoredToolConfig => toTool(r).config as StoredToolConfig
  const masked = (r: ToolRow): Tool => ({ ...toTool(r), config: secrets.mask(stored(r)) })
  const revealed = (r: ToolRow): Tool => ({ ...toTool(r), config: secrets.reveal(stored(r), r.name) })
  const columns = (t: Partial<Tool>) => toolColumns(t.config ? { ...t, config: secrets.seal(t.config) } : t)

  return {
    list: async () => (await repo.list()).map(masked),
    get: async (id: string) => masked(await row(id)),
    /** The same with the real header and environment values: for the MCP connections only, never for an answer. */
    withSecrets: {
      // One server whose values cannot be decrypted here (a database from another machine) must not
      // stop the others: it is listed disabled, and getting it says why.
      list: async () =>
        (await repo.list()).map((r): Tool => {
          try {
            return revealed(r)
          } catch (err) {
            log.warn({ err, toolId: r.id }, 'MCP server left disconnected: its secrets cannot be decrypted')
            return { ...masked(r), enabled: false }
          }
        }),
      get: async (id: string) => revealed(await row(id))
    },
    /** A config as the API shows it (hints for a saved server's values) with the saved values put back. */
    async unmask(id: string, config: ToolConfig): Promise<ToolConfig> {
      const r = await row(id)
      return secrets.unmask(config, stored(r), r.name)
    },
    async create(input: z.output<typeof ToolCreate>): Promise<Tool> {
      const now = Date.now()
      const r = { id: newId(), ...(columns(input) as Omit<ToolRow, 'id' | 'created_at' | 'updated_at'>), created_at: now, updated_at: now }
      await repo.insert(r)
      events.emit('tools.changed', { id: r.id })
      return masked(r)
    },
    async update(id: string, patch: z.output<typeof ToolUpdate>): Promise<Tool> {
      const current = await row(id)
      const config = patch.config && secrets.unmask(patch.config, stored(current), current.name)
      await repo.update(id, { ...columns({ ...patch, config }), updated_at: Date.now() })
      events.emit('tools.changed', { id })
      return masked(await row(id))
    },
    async delete(id: string) {
      await row(id)
      await repo.delete(id)
      events.emit('tools.changed', { id })
      return { ok: true as const }
    },
    /** Seals the values of rows saved in clear by earlier versions (at start-up); updated_at stays, nothing changed for the user. */
    async sealClearText(): Promise<number> {
      let sealed = 0
      for (const r of await repo.list()) {
        const c = stored(r)
        if (!isClearText(c)) continue
        await repo.update(r.id, { config: JSON.stringify(secrets.seal(c)) })
        sealed++
      }
      if (sealed) log.info({ tools: sealed }, 'MCP server header and environment values sealed')
      return sealed
    }
  }
}
