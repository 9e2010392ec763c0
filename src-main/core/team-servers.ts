import { AppError, wireError } from '../contract/errors'
import type { MessageCode } from '../contract/messages'
import { readJson, restRequest } from '../contract/rest-request'
import type { TeamServer } from '../contract/team-servers'
import { APP_VERSION } from './version'

/** Where the recent team servers are kept (settings.raw); the desktop's window only shows one of these. */
export const TEAM_SERVERS_KEY = 'teamServers.recent'
/** Recent servers remembered, newest first. */
export const MAX_RECENT = 8
const PROBE_TIMEOUT_MS = 8_000

interface KeyValue {
  get<T>(key: string): Promise<T | undefined>
  set(key: string, value: unknown): Promise<void>
}

type Fetch = (url: string, init: { signal: AbortSignal; redirect: 'manual'; headers: Record<string, string> }) => Promise<Response>

/** Same major version (same minor before 1.0): the studio of a team server speaks its own API, but pushing agents needs the same one. */
export function compatibleVersions(theirs: string, ours: string): boolean {
  const parse = (v: string) => /^(\d+)\.(\d+)/.exec(v)?.slice(1).map(Number)
  const [a, b] = [parse(theirs), parse(ours)]
  if (!a || !b) return false
  return a[0] === b[0] && (a[0] !== 0 || a[1] === b[1])
}

const fail = (reason: MessageCode, message: string, params: Record<string, string>, code: 'bad_request' | 'conflict' = 'bad_request') =>
  new AppError(code, message, undefined, { reason, params })

/**
 * Checks that `url` is an Agenta team server this desktop can show: it answers (`/readyz` ready),
 * it is Agenta (its OpenAPI document says so), its version matches ours, and it has accounts (a
 * login page, not one shared token). Only public pages are read; nothing is sent to it.
 */
export async function probeTeamServer(url: string, opts: { fetch?: Fetch; ourVersion?: string } = {}): Promise<{ origin: string; version: string }> {
  const origin = new URL(url).origin
  const get = async (path: string): Promise<{ status: number; body: unknown }> => {
    let res: Response
    try {
      res = await (opts.fetch ?? (fetch as Fetch))(`${origin}${path}`, {
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
        redirect: 'manual',
        headers: { accept: 'application/json' }
      })
    } catch (err) {
      const detail = (err as { cause?: { code?: string } })?.cause?.code ?? (err as Error)?.name ?? 'error'
      throw fail('team_unreachable', `Cannot reach ${origin} (${detail}): check the address and that the server is running`, { origin, detail })
    }
    return { status: res.status, body: readJson(await res.text().catch(() => '')) }
  }
  const notAgenta = () => fail('team_not_agenta', `${origin} is not an Agenta server`, { origin })

  const api = await get('/api/openapi.json')
  const info = (api.body as { info?: { title?: unknown; version?: unknown } } | undefined)?.info
  if (api.status !== 200 || typeof info?.title !== 'string' || !info.title.startsWith('Agenta') || typeof info.version !== 'string') throw notAgenta()
  const version = info.version
  const ours = opts.ourVersion ?? APP_VERSION
  if (!compatibleVersions(version, ours))
    throw fail('team_version', `${origin} runs Agenta ${version}, this app is ${ours}: use the same version on both`, { origin, version, ours }, 'conflict')

  const ready = await get('/readyz')
  const r = ready.body as { ok?: unknown; failed?: unknown } | undefined
  if (typeof r?.ok !== 'boolean') throw notAgenta()
  if (!r.ok) {
    const failed = Array.isArray(r.failed) ? r.failed.join(', ') : 'engines'
    throw fail('team_not_ready', `${origin} is not ready (${failed} not answering): try again in a moment`, { origin, failed }, 'conflict')
  }

  const auth = await get(restRequest('auth.state', {}).path)
  // A single-user server answers this only with its token: 401 in our error shape.
  const tokenOnly = auth.status === 401 && wireError(auth.body)?.code === 'unauthorized'
  const accounts = tokenOnly ? false : (auth.body as { accounts?: unknown } | undefined)?.accounts
  if (typeof accounts !== 'boolean') throw notAgenta()
  if (!accounts) throw fail('team_no_accounts', `${origin} has no accounts: a team server signs people in (turn accounts on there)`, { origin }, 'conflict')
  return { origin, version }
}

/** The recent team servers, and the check that adds one. */
export function teamServers(store: KeyValue, opts: { fetch?: Fetch; now?: () => number } = {}) {
  const now = opts.now ?? Date.now
  const recent = async (): Promise<TeamServer[]> => {
    const list = await store.get<TeamServer[]>(TEAM_SERVERS_KEY)
    return Array.isArray(list) ? list : []
  }
  return {
    recent: async () => ({ servers: await recent() }),
    /** Checks the server; when it passes it becomes the newest recent server (the desktop may then show it). */
    async check(url: string): Promise<TeamServer> {
      const { origin, version } = await probeTeamServer(url, { fetch: opts.fetch })
      const entry: TeamServer = { origin, version, at: now() }
      const rest = (await recent()).filter((s) => s.origin !== origin)
      await store.set(TEAM_SERVERS_KEY, [entry, ...rest].slice(0, MAX_RECENT))
      return entry
    },
    async forget(origin: string): Promise<{ ok: true }> {
      await store.set(
        TEAM_SERVERS_KEY,
        (await recent()).filter((s) => s.origin !== origin)
      )
      return { ok: true }
    }
  }
}
