import { betterAuth } from 'better-auth'
import { bearer } from 'better-auth/plugins/bearer'
import { genericOAuth } from 'better-auth/plugins/generic-oauth'
import { APIError } from 'better-auth/api'
import type { Kysely } from 'kysely'
import type { DB } from '../../store/schema'
import { log } from '../../base/log'

/** The header our server sets from the socket's address (a client cannot choose it); login limits count per address. */
export const CLIENT_IP_HEADER = 'x-agenta-client-ip'
/** Requests to Better Auth never leave the process: this base only gives them a URL. */
export const AUTH_BASE = 'http://agenta.internal/auth'

export interface AuthOptions {
  db: Kysely<DB>
  kind: 'sqlite' | 'mysql'
  /** Signs Better Auth's values; kept in the database so every process of a team server shares it. */
  secret: string
  /** How long a session lasts without use, in seconds (default 7 days). */
  sessionSeconds?: number
  /** Sign-in attempts per address and window (default 5 a minute). */
  loginLimit?: { window: number; max: number }
  /** Single sign-on through an OpenID Connect provider, and who it lets in. */
  oidc?: OidcOptions & { admit: (email: string) => Promise<string> }
}

/** `agenta serve --oidc-*`: one OpenID Connect provider people may sign in with. */
export interface OidcOptions {
  /** The provider's issuer URL, or its discovery document's URL. */
  issuer: string
  clientId: string
  /** Kept in memory only: never logged, stored or returned. */
  clientSecret: string
  /** Shown on the sign-in page: "Sign in with <name>". */
  name: string
  /** Someone with no account and no invitation for their email gets a member account (default: refused). */
  signUp: boolean
}

/** Better Auth's id for our one provider: its callback is `<server>/auth/callback/oidc`. */
export const OIDC_PROVIDER_ID = 'oidc'
export const OIDC_CALLBACK_PATH = `/auth/callback/${OIDC_PROVIDER_ID}`

/** The discovery document's URL: given as is, or the issuer's well-known one. */
export const discoveryUrl = (issuer: string) => (issuer.includes('/.well-known/') ? issuer : `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`)

/**
 * Better Auth on our Kysely database: passwords (scrypt), sessions that expire, and the login
 * rate limit (counted in the database, so it holds across the processes of a team server). Its
 * tables and columns are ours (migration 008, snake case); nobody signs up by themselves — the
 * first-run setup, an admin or an invitation creates people. It sends no telemetry.
 */
export function createBetterAuth(o: AuthOptions) {
  const limit = o.loginLimit ?? { window: 60, max: 5 }
  const dates = { createdAt: 'created_at', updatedAt: 'updated_at' }
  return betterAuth({
    appName: 'Agenta Studio',
    // From each request's Host (our server already refused unknown ones): the OIDC provider sends people
    // back to the address they came from. Calls without a host (our own, in-process) use the internal one.
    baseURL: { allowedHosts: ['*'], protocol: 'auto', fallback: AUTH_BASE.replace(/\/auth$/, '') },
    basePath: '/auth',
    secret: o.secret,
    database: { db: o.db, type: o.kind },
    telemetry: { enabled: false },
    logger: {
      log: (level, message) => log[level]({ from: 'better-auth' }, message)
    },
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 8, maxPasswordLength: 128 },
    user: {
      modelName: 'users',
      fields: { emailVerified: 'email_verified', ...dates },
      additionalFields: {
        role: { type: 'string', required: false, defaultValue: 'member', input: false },
        disabled: { type: 'boolean', required: false, defaultValue: false, input: false }
      }
    },
    session: {
      modelName: 'auth_sessions',
      fields: { userId: 'user_id', expiresAt: 'expires_at', ipAddress: 'ip_address', userAgent: 'user_agent', ...dates },
      expiresIn: o.sessionSeconds ?? 7 * 24 * 3600,
      updateAge: Math.min(24 * 3600, Math.floor((o.sessionSeconds ?? 7 * 24 * 3600) / 2))
    },
    account: {
      modelName: 'auth_accounts',
      fields: {
        accountId: 'account_id',
        providerId: 'provider_id',
        userId: 'user_id',
        accessToken: 'access_token',
        refreshToken: 'refresh_token',
        idToken: 'id_token',
        accessTokenExpiresAt: 'access_token_expires_at',
        refreshTokenExpiresAt: 'refresh_token_expires_at',
        ...dates
      }
    },
    verification: { modelName: 'auth_verifications', fields: { expiresAt: 'expires_at', ...dates } },
    rateLimit: {
      enabled: true,
      storage: 'database',
      modelName: 'auth_rate_limits',
      fields: { lastRequest: 'last_request' },
      window: 60,
      max: 100,
      customRules: {
        '/sign-in/email': limit,
        // Starting single sign-on checks no secret (the provider does), and people behind one
        // address (an office's NAT, a proxy) start it one after another: Better Auth's default for
        // "/sign-in/*" (3 in 10 s) refused the fourth. Generous, still a bound on state rows.
        '/sign-in/social': { window: 60, max: 120 }
      }
    },
    advanced: {
      cookiePrefix: 'agenta',
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      // Requests reach it only from our own handlers, which already checked where they came from.
      disableCSRFCheck: true
    },
    databaseHooks: {
      user: {
        create: {
          // Someone new coming back from the OIDC provider: an invitation for their email, the
          // sign-up option, or refused (`admit` throws). Admins, invitations and the setup create people with no endpoint context.
          async before(user, ctx) {
            if (!o.oidc || !ctx?.path?.startsWith('/callback/')) return
            const role = await o.oidc.admit(user.email)
            return { data: { ...user, name: user.name || user.email.split('@')[0], role } }
          }
        }
      },
      session: {
        create: {
          // A disabled person cannot start a session, whatever the way in.
          async before(session) {
            const user = await o.db.selectFrom('users').select('disabled').where('id', '=', session.userId).executeTakeFirst()
            if (user?.disabled) throw new APIError('FORBIDDEN', { message: 'This account is disabled: ask an admin', code: 'ACCOUNT_DISABLED' })
          }
        }
      }
    },
    // Sessions as `Authorization: Bearer <token>` (our cookie carries the same token).
    plugins: [bearer(), ...(o.oidc ? [oidcPlugin(o.oidc)] : [])]
  })
}

export type BetterAuth = ReturnType<typeof createBetterAuth>

/** Better Auth's own generic OAuth/OIDC plugin: discovery, PKCE, state, nonce and ID-token checks are its. */
function oidcPlugin(o: OidcOptions) {
  return genericOAuth({
    config: [
      {
        providerId: OIDC_PROVIDER_ID,
        name: o.name,
        discoveryUrl: discoveryUrl(o.issuer),
        clientId: o.clientId,
        clientSecret: o.clientSecret,
        scopes: ['openid', 'email', 'profile'],
        // An ID token that cannot be checked against the provider's keys is not trusted.
        requireIdTokenVerification: true
      }
    ]
  })
}
