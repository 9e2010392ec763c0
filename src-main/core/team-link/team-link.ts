import type { Kysely } from 'kysely'
import type { z } from 'zod'
import type { ApiOutput, EndpointName } from '../../contract/api'
import { AppError, errorStatus, type ErrorCode } from '../../contract/errors'
import { parseOutput, restAnswer, restRequest } from '../../contract/rest-request'
import type { BundleImported, OnConflict, SyncDifference, TeamLink, TeamLinkTest, TeamLinkUpdate } from '../../contract/team-sync'
import type { DB } from '../../store/schema'
import type { AgentBundles } from '../agents/agent-bundle'
import type { AgentsService } from '../agents/agents-service'
import type { SecretBox } from '../secrets/secret-box'
import type { SettingsService } from '../settings/settings-service'

/**
 * The desktop's link to a team server: its URL and a personal API token of that server (sealed
 * with the SecretBox, never returned), and pushing / pulling agents as bundles over the server's
 * REST API (paths from the contract table). Where each agent stands with the server after a sync
 * is kept in `agent_sync`: the fingerprints of both sides then, so a later push sends the server's
 * as `base` and a pull compares this side's with its own.
 */
export interface TeamLinkOptions {
  /** Per request; a push carries documents and may take a while. */
  timeoutMs: number
}

const KEY = 'teamLink'
interface Stored {
  url: string | null
  /** The token, sealed. */
  token: string | null
}

export type TeamLinkService = ReturnType<typeof teamLinkService>

export function teamLinkService(
  deps: { db: Kysely<DB>; settings: SettingsService; secrets: SecretBox; agents: AgentsService; bundles: AgentBundles },
  opts: Partial<TeamLinkOptions> = {}
) {
  const { db, settings, secrets, agents, bundles } = deps
  const timeoutMs = opts.timeoutMs ?? 120_000

  const stored = async (): Promise<Stored> => (await settings.raw.get<Stored>(KEY)) ?? { url: null, token: null }

  async function linked(): Promise<{ url: string; token: string }> {
    const s = await stored()
    if (!s.url || !s.token)
      throw new AppError('bad_request', 'No team server is linked: add its address and a personal API token in Settings → Team server', undefined, {
        reason: 'team_not_linked'
      })
    try {
      return { url: s.url, token: secrets.decrypt(s.token) }
    } catch {
      throw new AppError('conflict', 'The saved team server token cannot be decrypted on this machine: enter it again in Settings → Team server', undefined, {
        reason: 'team_not_linked'
      })
    }
  }

  /** One call of the team server's API, its answer checked against the contract. */
  async function remote<N extends EndpointName>(link: { url: string; token: string }, name: N, input: Record<string, unknown>): Promise<ApiOutput<N>> {
    const req = restRequest(name, input, link.token)
    let res: Response
    try {
      res = await fetch(link.url + req.path, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(timeoutMs) })
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause
      const detail = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err))
      throw new AppError('upstream_error', `Cannot reach the team server at ${link.url}: ${detail}`, undefined, {
        reason: 'team_unreachable',
        params: { origin: new URL(link.url).origin, detail }
      })
    }
    const answer = restAnswer(res.status, await res.text())
    const notAgenta = () =>
      new AppError('upstream_error', `${link.url} did not answer as an Agenta team server (HTTP ${res.status})`, undefined, {
        reason: 'team_not_agenta',
        params: { origin: new URL(link.url).origin }
      })
    if (!answer.ok) {
      const e = answer.error
      if (!e) throw notAgenta()
      // A wrong token or a missing role/scope there is a refusal here, not this studio's own 401 (which means "sign in here").
      if (e.code === 'unauthorized' || e.code === 'forbidden')
        throw new AppError('forbidden', `The team server refused: ${e.message}`, undefined, {
          reason: 'team_refused',
          params: { origin: new URL(link.url).origin, detail: e.message }
        })
      const code: ErrorCode = e.code in errorStatus && res.status < 500 ? e.code : 'upstream_error'
      throw new AppError(code, e.message, e.details, { ...(e.reason && { reason: e.reason as never }), ...(e.params && { params: e.params }) })
    }
    const out = parseOutput(name, answer.body)
    if (!out.ok) throw notAgenta()
    return out.data
  }

  const syncRow = (agentId: string, remoteUrl: string) =>
    db.selectFrom('agent_sync').selectAll().where('agent_id', '=', agentId).where('remote', '=', remoteUrl).executeTakeFirst()

  async function recordSync(agentId: string, remoteUrl: string, v: { remoteAgentId: string; local: string; remote: string }) {
    const row = { remote_agent_id: v.remoteAgentId, local_fingerprint: v.local, remote_fingerprint: v.remote, synced_at: Date.now() }
    const res = await db.updateTable('agent_sync').set(row).where('agent_id', '=', agentId).where('remote', '=', remoteUrl).executeTakeFirst()
    if (Number(res.numUpdatedRows) === 0)
      await db
        .insertInto('agent_sync')
        .values({ agent_id: agentId, remote: remoteUrl, ...row })
        .execute()
  }

  return {
    async get(): Promise<TeamLink> {
      const s = await stored()
      return { url: s.url, hasToken: Boolean(s.token) }
    },

    async set(input: z.output<typeof TeamLinkUpdate>): Promise<TeamLink> {
      const s = await stored()
      const next: Stored =
        input.url === null ? { url: null, token: null } : { url: input.url, token: input.token !== undefined ? secrets.encrypt(input.token) : s.token }
      await settings.raw.set(KEY, next)
      return { url: next.url, hasToken: Boolean(next.token) }
    },

    /** Who this token is on the team server. */
    async test(): Promise<z.output<typeof TeamLinkTest>> {
      const link = await linked()
      const state = await remote(link, 'auth.state', {})
      const me = state.me
      if (!me)
        throw new AppError('forbidden', 'The team server did not accept this token', undefined, {
          reason: 'team_refused',
          params: { origin: new URL(link.url).origin, detail: 'token not accepted' }
        })
      if (me.kind === 'owner') return { url: link.url, name: 'owner', email: '', role: 'admin', scopes: [] }
      return { url: link.url, name: me.user.name, email: me.user.email, role: me.user.role, scopes: me.scopes }
    },

    async remoteAgents() {
      const link = await linked()
      const [list, local] = await Promise.all([remote(link, 'agents.list', {}), agents.list()])
      const byUuid = new Map(local.map((a) => [a.uuid, a.id]))
      return list.map((a) => ({
        id: a.id,
        uuid: a.uuid,
        name: a.name,
        description: a.description,
        avatar: a.avatar,
        updatedAt: a.updatedAt,
        localId: byUuid.get(a.uuid) ?? null
      }))
    },

    /** Sends an agent; the server refuses (409 sync_conflict) if its copy changed since the last sync, unless told otherwise. */
    async push(id: string, onConflict: OnConflict): Promise<BundleImported> {
      const link = await linked()
      const agent = await agents.get(id)
      const sync = await syncRow(agent.id, link.url)
      const bundle = await bundles.export(agent.id, sync?.remote_fingerprint ?? null)
      const result = await remote(link, 'agents.importBundle', { bundle, onConflict })
      // A copy there is another agent: this one still stands where it stood with the server's.
      if (result.action !== 'copied')
        await recordSync(agent.id, link.url, { remoteAgentId: result.agent.id, local: bundle.fingerprint, remote: result.fingerprint })
      return result
    },

    /**
     * Brings a server agent here. This side's agent of the same uuid, changed since the last sync,
     * is a 409 sync_conflict; its differences are said as on a push (theirs: the server's, ours: this side's).
     */
    async pull(remoteId: string, onConflict: OnConflict, mayEdit: (agentId: string) => Promise<boolean>): Promise<BundleImported> {
      const link = await linked()
      const bundle = await remote(link, 'agents.exportBundle', { id: remoteId })
      const local = (await agents.list()).find((a) => a.uuid === bundle.uuid)
      const sync = local && (await syncRow(local.id, link.url))
      let result: BundleImported
      try {
        result = await bundles.import({ ...bundle, base: sync?.local_fingerprint ?? null }, onConflict, mayEdit)
      } catch (err) {
        const differences = err instanceof AppError && err.info.reason === 'sync_conflict' && (err.details as { differences?: SyncDifference[] }).differences
        if (!differences) throw err
        const swapped = differences.map((d) => ({ field: d.field, theirs: d.ours, ours: d.theirs }))
        throw new AppError(err.code, err.message, { differences: swapped, direction: 'pull' }, err.info)
      }
      if (result.action !== 'copied')
        await recordSync(result.agent.id, link.url, { remoteAgentId: remoteId, local: result.fingerprint, remote: bundle.fingerprint })
      return result
    }
  }
}
