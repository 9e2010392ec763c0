import { createHash, randomBytes } from 'node:crypto'
import type { Kysely, Selectable } from 'kysely'
import type { z } from 'zod'
import { scopesFor, type Role, type Scope } from '../../contract/access'
import type * as U from '../../contract/accounts'
import { AppError } from '../../contract/errors'
import type { DB, UsersTable } from '../../store/schema'
import { isUniqueViolation } from '../../store/errors'
import type { KeyedLock } from '../coordination/types'
import type { Principal, RequestContext } from '../context'
import { log } from '../../base/log'
import { newId, newSecret } from '../util/ids'
import { APIError } from 'better-auth/api'
import { AUTH_BASE, CLIENT_IP_HEADER, createBetterAuth, OIDC_PROVIDER_ID, type AuthOptions, type BetterAuth, type OidcOptions } from './better-auth'

/** The studio's session cookie (HttpOnly): the Better Auth session token. */
export const SESSION_COOKIE = 'agenta_session'
/** Personal API tokens start so, which tells them apart from session tokens and agent keys (`pk_`). */
export const TOKEN_PREFIX = 'agt_'

export interface AccountsOptions {
  /** People sign in (a team server, or a desktop whose owner turned accounts on). */
  enabled: boolean
  sessionSeconds?: number
  loginLimit?: AuthOptions['loginLimit']
  /** Single sign-on through an OpenID Connect provider (`agenta serve --oidc-*`). */
  oidc?: OidcOptions
}

/** Why a single sign-on came back without a session: the studio's sign-in page explains each (people.sso.errors.*). */
export type SsoError = 'not_invited' | 'not_verified' | 'disabled' | 'unavailable' | 'failed'

/** Where the browser goes next, and the cookies it keeps on the way. */
export interface SsoStep {
  location: string
  cookies: string[]
  /** A session token: the studio's session cookie carries it. */
  session?: string
}

/** The studio's session cookie; an empty value with maxAge 0 removes it. */
export const sessionCookie = (value: string, maxAge: number, secure: boolean) =>
  `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? '; Secure' : ''}`

interface Deps {
  db: Kysely<DB>
  kind: 'sqlite' | 'mysql'
  settings: { get<T>(key: string): Promise<T | undefined>; set(key: string, value: unknown): Promise<void> }
  locks: KeyedLock
  /** The host restarts the core (as a restore does); absent, accounts are switched only at start (`--accounts`). */
  restart?: () => (() => void) | undefined
}

type UserRow = Selectable<UsersTable>
const ms = (d: string | Date): number => (d instanceof Date ? d.getTime() : Date.parse(d))
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const ROLES: readonly Role[] = ['admin', 'builder', 'member']
const asRole = (r: string): Role => (ROLES.includes(r as Role) ? (r as Role) : 'member')

export const toUser = (r: UserRow): U.User => ({
  id: r.id,
  name: r.name,
  email: r.email,
  role: asRole(r.role),
  disabled: !!Number(r.disabled),
  createdAt: ms(r.created_at)
})

const badSession = () => new AppError('unauthorized', 'Your session has expired or was ended: sign in again')

export type AccountsService = ReturnType<typeof accountsService>

/**
 * People on a team server: the first-run admin, signing in and out, users, invitations, personal
 * API tokens and what each credential a request carries stands for. Passwords, sessions and the
 * login rate limit are Better Auth's (./better-auth.ts); tokens and invitations are random
 * secrets of which only a SHA-256 is kept (they are long and random, so a slow hash adds nothing).
 */
export function accountsService(deps: Deps, opts: AccountsOptions) {
  const { db } = deps
  const sessionSeconds = opts.sessionSeconds ?? 7 * 24 * 3600
  let authPromise: Promise<BetterAuth> | undefined

  /** Created on first use: the desktop with accounts off never loads it. */
  function auth(): Promise<BetterAuth> {
    authPromise ??= (async () => {
      // One secret for every process on this database (taken under the shared lock so two starting together agree).
      const secret = await deps.locks.run('accounts-secret', async () => {
        const kept = await deps.settings.get<string>('accounts.secret')
        if (kept) return kept
        const made = newSecret(32)
        await deps.settings.set('accounts.secret', made)
        return made
      })
      const oidc = opts.oidc && { ...opts.oidc, admit: admitSsoPerson }
      return createBetterAuth({ db, kind: deps.kind, secret, sessionSeconds, loginLimit: opts.loginLimit, oidc })
    })()
    authPromise.catch(() => (authPromise = undefined))
    return authPromise
  }

  /**
   * Someone new signing in through the OIDC provider (their email has no account here): an
   * unused invitation for that email gives them its role (and is used up); else the sign-up
   * option makes them a member; else they are refused — by default only people an admin
   * invited or created get in.
   */
  async function admitSsoPerson(email: string): Promise<string> {
    const now = Date.now()
    const invite = await db
      .selectFrom('invites')
      .select(['id', 'role'])
      .where('email', '=', email.toLowerCase())
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .executeTakeFirst()
    if (invite) {
      const taken = await db.updateTable('invites').set({ used_at: now }).where('id', '=', invite.id).where('used_at', 'is', null).executeTakeFirst()
      if (Number(taken.numUpdatedRows)) return asRole(invite.role)
    }
    if (opts.oidc?.signUp) return 'member'
    throw new APIError('FORBIDDEN', { code: 'NOT_INVITED', message: 'Nobody invited this email address: ask an admin for an invitation' })
  }

  const userRow = (id: string) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
  async function user(id: string): Promise<U.User> {
    const r = await userRow(id)
    if (!r) throw new AppError('not_found', `No person with id ${id}`)
    return toUser(r)
  }
  const countUsers = async () =>
    Number(
      (
        await db
          .selectFrom('users')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n
    )

  /** A person with a password (Better Auth hashes it and keeps it in their credential account). */
  async function addUser(input: { name: string; email: string; password: string; role: Role }): Promise<U.User> {
    const c = await (await auth()).$context
    if (await c.internalAdapter.findUserByEmail(input.email)) throw new AppError('conflict', `Someone already has the email ${input.email}`)
    const hash = await c.password.hash(input.password)
    let created
    try {
      created = await c.internalAdapter.createUser(
        { name: input.name, email: input.email, emailVerified: true, role: input.role, disabled: false },
        { method: 'admin' }
      )
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('conflict', `Someone already has the email ${input.email}`)
      throw err
    }
    await c.internalAdapter.linkAccount({ providerId: 'credential', accountId: created.id, userId: created.id, password: hash })
    return user(created.id)
  }

  /** A new session for a person, and the cookie that carries it (browsers over HTTP). */
  async function startSession(userId: string, ctx: RequestContext): Promise<z.input<typeof U.Session>> {
    const c = await (await auth()).$context
    const session = await c.internalAdapter.createSession(userId, false)
    if (!session) throw new AppError('internal', 'Could not start a session')
    setCookie(ctx, session.token, sessionSeconds)
    return { user: await user(userId), expiresAt: ms(session.expiresAt) }
  }

  function setCookie(ctx: RequestContext, value: string, maxAge: number) {
    if (!ctx.http) return
    ctx.http.appendHeader('Set-Cookie', sessionCookie(value, maxAge, ctx.http.headers.get('x-forwarded-proto') === 'https'))
  }

  /** Better Auth's own session cookies stay inside: the studio's cookie carries the session. */
  const ownCookies = (res: Response) => res.headers.getSetCookie().filter((c) => !/^agenta\.session_/.test(c))
  const ssoFailed = (error: SsoError): SsoStep => ({ location: `/?sso_error=${error}`, cookies: [] })

  function needAccounts() {
    if (!opts.enabled) throw new AppError('bad_request', 'Accounts are off on this server: start it with --accounts to sign people in')
  }

  async function me(p: Exclude<Principal, { kind: 'anonymous' }>): Promise<z.input<typeof U.Me>> {
    if (p.kind === 'owner') return { kind: 'owner' }
    return { kind: 'user', user: await user(p.userId), scopes: [...p.scopes] }
  }

  async function tokenPrincipal(token: string): Promise<Principal> {
    const row = await db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select([
        'api_tokens.id',
        'api_tokens.scopes',
        'api_tokens.expires_at',
        'api_tokens.last_used_at',
        'users.id as userId',
        'users.name',
        'users.role',
        'users.disabled'
      ])
      .where('api_tokens.token_hash', '=', sha256(token))
      .executeTakeFirst()
    if (!row) throw new AppError('unauthorized', 'Unknown or revoked API token')
    if (row.expires_at !== null && Number(row.expires_at) <= Date.now())
      throw new AppError('unauthorized', 'This API token has expired: make a new one in Settings')
    if (Number(row.disabled)) throw new AppError('unauthorized', 'This account is disabled: ask an admin')
    const role = asRole(row.role)
    const allowed = scopesFor(role)
    const scopes = (JSON.parse(row.scopes) as Scope[]).filter((s) => allowed.includes(s))
    // Written at most once a minute: a busy script must not turn every call into a write.
    const now = Date.now()
    if (row.last_used_at === null || now - Number(row.last_used_at) > 60_000)
      await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute()
    return { kind: 'user', userId: row.userId, name: row.name, role, scopes, via: 'token' }
  }

  async function sessionPrincipal(token: string): Promise<Principal> {
    const a = await auth()
    const found = await a.api.getSession({ headers: new Headers({ authorization: `Bearer ${token}` }) }).catch(() => null)
    if (!found) throw badSession()
    const u = found.user as typeof found.user & { role?: string; disabled?: boolean }
    if (u.disabled) throw new AppError('unauthorized', 'This account is disabled: ask an admin')
    const role = asRole(u.role ?? 'member')
    return { kind: 'user', userId: u.id, name: u.name, role, scopes: scopesFor(role), via: 'session', sessionToken: found.session.token }
  }

  function canRestart(): () => void {
    const restart = deps.restart?.()
    if (!restart) throw new AppError('conflict', 'This host cannot restart itself: start it with --accounts (or --no-accounts) instead')
    return restart
  }

  async function preferencesOf(ctx: RequestContext): Promise<U.Preferences> {
    const p = ctx.principal
    if (p.kind !== 'user') return { language: null, theme: null }
    const row = await db.selectFrom('user_preferences').select(['language', 'theme']).where('user_id', '=', p.userId).executeTakeFirst()
    return { language: (row?.language ?? null) as U.Preferences['language'], theme: (row?.theme ?? null) as U.Preferences['theme'] }
  }

  return {
    enabled: opts.enabled,
    sessionSeconds,

    /** What a credential stands for: a personal token (`agt_…`) or a session token; 401 when neither is good. */
    async authenticate(credential: string): Promise<Principal> {
      if (!opts.enabled) throw new AppError('unauthorized', 'Missing or wrong access token')
      return credential.startsWith(TOKEN_PREFIX) ? tokenPrincipal(credential) : sessionPrincipal(credential)
    },

    async state(ctx: RequestContext): Promise<z.input<typeof U.AuthState>> {
      const needsSetup = opts.enabled && (await countUsers()) === 0
      return {
        accounts: opts.enabled,
        needsSetup,
        sso: opts.enabled && opts.oidc ? { name: opts.oidc.name } : null,
        me: ctx.principal.kind === 'anonymous' ? null : await me(ctx.principal)
      }
    },

    /**
     * Single sign-on, step 1 (a browser's navigation): Better Auth makes the provider's
     * authorization URL and the state cookies that bind the way back to this browser. `origin` is
     * the address the person uses: the provider sends them back there.
     */
    async ssoStart(origin: string, ip: string): Promise<SsoStep> {
      if (!opts.enabled || !opts.oidc) return ssoFailed('unavailable')
      const a = await auth()
      const headers = new Headers({ 'content-type': 'application/json', [CLIENT_IP_HEADER]: ip })
      const body = JSON.stringify({ provider: OIDC_PROVIDER_ID, callbackURL: '/', errorCallbackURL: '/', disableRedirect: true })
      const res = await a.handler(new Request(`${origin}/auth/sign-in/social`, { method: 'POST', headers, body }))
      const out = (await res.json().catch(() => ({}))) as { url?: string }
      if (!res.ok || !out.url) {
        log.warn({ status: res.status }, 'single sign-on could not start: is the OIDC provider reachable?')
        return ssoFailed('unavailable')
      }
      return { location: out.url, cookies: ownCookies(res) }
    },

    /**
     * Single sign-on, step 2: the provider's answer at `<origin>/auth/callback/oidc`. Better Auth
     * checks state, PKCE, nonce and the ID token, and finds or creates the person (./better-auth.ts
     * decides who may get in); a session comes back as its bearer token.
     */
    async ssoCallback(url: string, cookie: string | undefined, ip: string): Promise<SsoStep> {
      if (!opts.enabled || !opts.oidc) return ssoFailed('unavailable')
      const a = await auth()
      const headers = new Headers({ [CLIENT_IP_HEADER]: ip })
      if (cookie) headers.set('cookie', cookie)
      const res = await a.handler(new Request(url, { headers }))
      const session = res.headers.get('set-auth-token')
      if (session && res.status >= 300 && res.status < 400) return { location: '/', cookies: ownCookies(res), session }
      let error = 'unknown'
      try {
        error = new URL(res.headers.get('location') ?? '', 'http://x').searchParams.get('error') ?? `status ${res.status}`
      } catch {
        // no usable Location: reported as unknown
      }
      log.info({ error }, 'single sign-on refused')
      const known: Record<string, SsoError> = { NOT_INVITED: 'not_invited', account_not_linked: 'not_verified', ACCOUNT_DISABLED: 'disabled' }
      return { ...ssoFailed(known[error] ?? 'failed'), cookies: ownCookies(res) }
    },

    /** First run: the admin, while nobody exists yet (once across processes: under the shared lock). */
    async setup(input: z.output<typeof U.SetupInput>, ctx: RequestContext) {
      needAccounts()
      const created = await deps.locks.run('accounts-setup', async () => {
        if ((await countUsers()) > 0) throw new AppError('conflict', 'The admin already exists: sign in instead')
        return addUser({ ...input, role: 'admin' })
      })
      return startSession(created.id, ctx)
    },

    /** Through Better Auth's own endpoint, so its rate limit counts this address's attempts. */
    async login(input: z.output<typeof U.LoginInput>, ctx: RequestContext) {
      needAccounts()
      const a = await auth()
      const headers = new Headers({ 'content-type': 'application/json' })
      headers.set(CLIENT_IP_HEADER, ctx.http?.ip ?? '127.0.0.1')
      const res = await a.handler(new Request(`${AUTH_BASE}/sign-in/email`, { method: 'POST', headers, body: JSON.stringify(input) }))
      const body = (await res.json().catch(() => ({}))) as { token?: string; message?: string; code?: string }
      if (res.status === 429) {
        const wait = res.headers.get('x-retry-after')
        throw new AppError('too_many_requests', `Too many sign-in attempts from this address: try again in ${wait ?? 'a'} seconds`)
      }
      if (res.status === 401 || res.status === 400) throw new AppError('unauthorized', 'Wrong email or password')
      if (res.status === 403) throw new AppError('forbidden', body.message ?? 'This account may not sign in')
      if (!res.ok || !body.token) throw new AppError('internal', 'Sign-in failed')
      const found = await a.api.getSession({ headers: new Headers({ authorization: `Bearer ${body.token}` }) })
      if (!found) throw badSession()
      setCookie(ctx, body.token, sessionSeconds)
      return { user: await user(found.user.id), expiresAt: ms(found.session.expiresAt) }
    },

    async logout(ctx: RequestContext) {
      const p = ctx.principal
      if (p.kind === 'user' && p.sessionToken) {
        const c = await (await auth()).$context
        await c.internalAdapter.deleteSession(p.sessionToken)
      }
      setCookie(ctx, '', 0)
      return { ok: true as const }
    },

    me,

    users: {
      list: async () => (await db.selectFrom('users').selectAll().orderBy('created_at').execute()).map(toUser),
      get: user,
      count: countUsers,
      people: async () =>
        (await db.selectFrom('users').select(['id', 'name']).where('disabled', '=', 0).orderBy('name').execute()).map((r) => ({ id: r.id, name: r.name })),
      create: (input: z.output<typeof U.UserCreate>) => addUser(input),

      async update(id: string, patch: z.output<typeof U.UserUpdate>, ctx: RequestContext): Promise<U.User> {
        const current = await user(id)
        const demoted = current.role === 'admin' && ((patch.role && patch.role !== 'admin') || patch.disabled === true)
        if (demoted && !current.disabled) {
          const admins = Number(
            (
              await db
                .selectFrom('users')
                .select((eb) => eb.fn.countAll().as('n'))
                .where('role', '=', 'admin')
                .where('disabled', '=', 0)
                .executeTakeFirstOrThrow()
            ).n
          )
          if (admins <= 1) throw new AppError('conflict', 'At least one admin must remain: make someone else admin first')
        }
        const c = await (await auth()).$context
        const set: Record<string, unknown> = {}
        if (patch.name !== undefined) set.name = patch.name
        if (patch.role !== undefined) set.role = patch.role
        if (patch.disabled !== undefined) set.disabled = patch.disabled
        if (Object.keys(set).length) await c.internalAdapter.updateUser(id, set)
        if (patch.password !== undefined) {
          const hash = await c.password.hash(patch.password)
          if (await c.internalAdapter.findCredentialAccount(id)) await c.internalAdapter.updatePassword(id, hash)
          else await c.internalAdapter.linkAccount({ providerId: 'credential', accountId: id, userId: id, password: hash })
        }
        // Disabled, demoted or given a new password: the sessions they had end (their tokens are checked on each use).
        if (patch.disabled || patch.password !== undefined || (patch.role && patch.role !== current.role)) {
          const keep = ctx.principal.kind === 'user' && ctx.principal.userId === id && !patch.disabled ? ctx.principal.sessionToken : undefined
          const sessions = await db.selectFrom('auth_sessions').select('token').where('user_id', '=', id).execute()
          const ending = sessions.map((s) => s.token).filter((t) => t !== keep)
          if (ending.length) await c.internalAdapter.deleteSessions(ending)
        }
        return user(id)
      }
    },

    invites: {
      list: async (): Promise<z.input<typeof U.Invite>[]> =>
        (await db.selectFrom('invites').selectAll().orderBy('created_at', 'desc').execute()).map((r) => ({
          id: r.id,
          role: asRole(r.role),
          email: r.email,
          createdAt: Number(r.created_at),
          expiresAt: Number(r.expires_at),
          usedAt: r.used_at === null ? null : Number(r.used_at)
        })),
      async create(input: z.output<typeof U.InviteCreate>, ctx: RequestContext): Promise<z.input<typeof U.InviteCreated>> {
        const code = newSecret(24)
        const now = Date.now()
        const row = {
          id: newId(),
          code_hash: sha256(code),
          role: input.role,
          email: input.email ?? null,
          created_by: ctx.principal.kind === 'user' ? ctx.principal.userId : 'owner',
          created_at: now,
          expires_at: now + input.days * 24 * 3600_000,
          used_at: null
        }
        await db.insertInto('invites').values(row).execute()
        return { id: row.id, role: input.role, email: row.email, createdAt: now, expiresAt: row.expires_at, usedAt: null, code }
      },
      async delete(id: string) {
        const res = await db.deleteFrom('invites').where('id', '=', id).executeTakeFirst()
        if (!Number(res.numDeletedRows)) throw new AppError('not_found', `No invitation with id ${id}`)
        return { ok: true as const }
      },
      /** The code works once, until it expires; the invitation's email, if it names one, must be used. */
      async accept(input: z.output<typeof U.InviteAccept>, ctx: RequestContext) {
        needAccounts()
        const hash = sha256(input.code)
        const invite = await db.selectFrom('invites').selectAll().where('code_hash', '=', hash).executeTakeFirst()
        const unusable = new AppError('forbidden', 'This invitation is not valid: it was used, withdrawn or has expired — ask for a new one')
        if (!invite || invite.used_at !== null || Number(invite.expires_at) <= Date.now()) throw unusable
        if (invite.email && invite.email !== input.email) throw new AppError('forbidden', 'This invitation is for another email address')
        // Taken before the person is created, so two uses of one code cannot both succeed.
        const taken = await db.updateTable('invites').set({ used_at: Date.now() }).where('id', '=', invite.id).where('used_at', 'is', null).executeTakeFirst()
        if (!Number(taken.numUpdatedRows)) throw unusable
        let created
        try {
          created = await addUser({ name: input.name, email: input.email, password: input.password, role: asRole(invite.role) })
        } catch (err) {
          await db.updateTable('invites').set({ used_at: null }).where('id', '=', invite.id).execute()
          throw err
        }
        return startSession(created.id, ctx)
      }
    },

    /** A person's own language and theme: their data only (the caller's id, never one from the input). */
    preferences: {
      get: preferencesOf,
      async update(patch: z.output<typeof U.PreferencesUpdate>, ctx: RequestContext): Promise<U.Preferences> {
        const p = ctx.principal
        if (p.kind !== 'user')
          throw new AppError('bad_request', 'Only a signed-in person has preferences of their own: the owner changes the studio settings', undefined, {
            reason: 'preferences_need_person'
          })
        const current = await preferencesOf(ctx)
        const next = {
          language: patch.language === undefined ? current.language : patch.language,
          theme: patch.theme === undefined ? current.theme : patch.theme
        }
        const now = Date.now()
        const updated = await db
          .updateTable('user_preferences')
          .set({ ...next, updated_at: now })
          .where('user_id', '=', p.userId)
          .executeTakeFirst()
        if (!Number(updated.numUpdatedRows)) {
          try {
            await db
              .insertInto('user_preferences')
              .values({ user_id: p.userId, ...next, updated_at: now })
              .execute()
          } catch (err) {
            // Two tabs saving at once: the other made the row; write over it.
            if (!isUniqueViolation(err)) throw err
            await db
              .updateTable('user_preferences')
              .set({ ...next, updated_at: now })
              .where('user_id', '=', p.userId)
              .execute()
          }
        }
        return next
      }
    },

    tokens: {
      async list(ctx: RequestContext): Promise<U.ApiToken[]> {
        if (ctx.principal.kind !== 'user') return []
        const rows = await db.selectFrom('api_tokens').selectAll().where('user_id', '=', ctx.principal.userId).orderBy('created_at', 'desc').execute()
        return rows.map((r) => ({
          id: r.id,
          name: r.name,
          prefix: r.prefix,
          scopes: JSON.parse(r.scopes) as Scope[],
          createdAt: Number(r.created_at),
          lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
          expiresAt: r.expires_at === null ? null : Number(r.expires_at)
        }))
      },
      /** A token gets no scope its maker lacks (a token cannot mint a stronger one). */
      async create(input: z.output<typeof U.ApiTokenCreate>, ctx: RequestContext): Promise<z.input<typeof U.ApiTokenCreated>> {
        const p = ctx.principal
        if (p.kind !== 'user')
          throw new AppError('bad_request', 'Personal tokens belong to a person: sign in first (the server token already opens everything)')
        const beyond = input.scopes.filter((s) => !p.scopes.includes(s))
        if (beyond.length) throw new AppError('forbidden', `You cannot give a token the scope ${beyond.map((s) => `"${s}"`).join(', ')}`)
        const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`
        const now = Date.now()
        const scopes = [...new Set(input.scopes)]
        const row = {
          id: newId(),
          user_id: p.userId,
          name: input.name,
          prefix: token.slice(0, TOKEN_PREFIX.length + 6),
          token_hash: sha256(token),
          scopes: JSON.stringify(scopes),
          created_at: now,
          last_used_at: null,
          expires_at: input.days ? now + input.days * 24 * 3600_000 : null
        }
        await db.insertInto('api_tokens').values(row).execute()
        return { id: row.id, name: row.name, prefix: row.prefix, scopes, createdAt: now, lastUsedAt: null, expiresAt: row.expires_at, token }
      },
      async delete(id: string, ctx: RequestContext) {
        const p = ctx.principal
        let q = db.deleteFrom('api_tokens').where('id', '=', id)
        if (p.kind === 'user') q = q.where('user_id', '=', p.userId)
        const res = await q.executeTakeFirst()
        if (!Number(res.numDeletedRows)) throw new AppError('not_found', `You have no token with id ${id}`)
        return { ok: true as const }
      }
    },

    /**
     * Settings → Accounts: from now on people sign in. Who answers requests is decided as the
     * core starts (the server, sockets and event routing read it), so the core restarts, as for a
     * restore. The browser that asked loses the owner's cookie: it signs in as the admin next.
     */
    async turnOn(input: z.output<typeof U.AccountsEnable>, ctx: RequestContext): Promise<{ restarting: true }> {
      if (opts.enabled) throw new AppError('conflict', 'Accounts are already on', undefined, { reason: 'accounts_already_on' })
      const restart = canRestart()
      if ((await countUsers()) === 0 && !input.admin)
        throw new AppError('bad_request', 'Turning accounts on needs the first admin: their name, email and password', undefined, {
          reason: 'accounts_first_admin'
        })
      if (input.admin) await addUser({ ...input.admin, role: 'admin' })
      await deps.settings.set('accounts.enabled', true)
      // The owner's cookie (server/security.ts TOKEN_COOKIE) would keep this browser in as the owner.
      ctx.http?.appendHeader('Set-Cookie', 'agenta_token=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0')
      log.info('accounts turned on from the studio; restarting')
      setImmediate(restart)
      return { restarting: true }
    },

    /** Back to the one token (admins only): people's sign-ins and tokens stop working; the people are kept. */
    async turnOff(ctx: RequestContext): Promise<{ restarting: true }> {
      if (!opts.enabled) throw new AppError('conflict', 'Accounts are already off', undefined, { reason: 'accounts_already_off' })
      if (opts.oidc)
        throw new AppError('conflict', 'Single sign-on is set up for this server: restart it without the --oidc options first', undefined, {
          reason: 'accounts_sso_configured'
        })
      const restart = canRestart()
      await deps.settings.set('accounts.enabled', false)
      setCookie(ctx, '', 0)
      log.info('accounts turned off from the studio; restarting')
      setImmediate(restart)
      return { restarting: true }
    },

    /** For `agenta user add` (scripts): a person, admin or not, without a server running. */
    addUser,

    /**
     * Whether this is the person's password (Better Auth's hash in their credential account), for
     * actions that want proof beyond a session (resetting the kiosk PIN). null: they have no
     * password (single sign-on only).
     */
    async checkPassword(userId: string, password: string): Promise<boolean | null> {
      const c = await (await auth()).$context
      const hash = (await c.internalAdapter.findCredentialAccount(userId))?.password
      if (!hash) return null
      return c.password.verify({ hash, password })
    }
  }
}
