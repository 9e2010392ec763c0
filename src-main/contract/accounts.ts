import { z } from 'zod'
import { Role, Scope } from './access'
import { Settings } from './entities'

/** People on a team server (accounts on): who they are, how they sign in, what they may do. */

const id = z.string().min(1).max(64)
const email = z.string().trim().toLowerCase().pipe(z.email('must be an email address')).pipe(z.string().max(254))
const name = z.string().trim().min(1, 'must not be empty').max(100)
/** Long enough to resist guessing; the upper bound keeps hashing cheap. */
const password = z.string().min(8, 'must be at least 8 characters').max(128, 'must be at most 128 characters')

export const User = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: Role,
  /** A disabled person cannot sign in; their sessions and tokens stop working. */
  disabled: z.boolean(),
  createdAt: z.number().int()
})
export type User = z.infer<typeof User>

/** Who the studio is talking to: the owner (desktop or the server's token) or a signed-in person. */
export const Me = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('owner') }),
  z.object({ kind: z.literal('user'), user: User, scopes: z.array(Scope) })
])
export type Me = z.infer<typeof Me>

/** What the studio's first screen needs before anyone signs in. */
export const AuthState = z.object({
  /** Accounts on: people sign in; off: the owner's token is the only key. */
  accounts: z.boolean(),
  /** Accounts on and nobody yet: the first-run setup creates the admin. */
  needsSetup: z.boolean(),
  /** Single sign-on is on: the sign-in page offers "Sign in with <name>" (`GET /api/auth/sso`). */
  sso: z.object({ name: z.string() }).nullable(),
  /** The caller, when its credentials are good. */
  me: Me.nullable()
})
export type AuthState = z.infer<typeof AuthState>

export const LoginInput = z.object({ email, password: z.string().min(1, 'must not be empty').max(128) })
export const SetupInput = z.object({ name, email, password })
export const Session = z.object({ user: User, expiresAt: z.number().int() })

export const UserCreate = z.object({ name, email, password, role: Role.default('member') })
export const UserUpdate = z.object({ name: name.optional(), role: Role.optional(), disabled: z.boolean().optional(), password: password.optional() })

/** An invitation: a link that lets one person choose their password and join with this role. */
export const Invite = z.object({
  id: z.string(),
  role: Role,
  email: z.string().nullable(),
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
  usedAt: z.number().int().nullable()
})
export const InviteCreate = z.object({
  role: Role.default('member'),
  email: email.optional(),
  /** How long the link works (default 7 days). */
  days: z.number().int().min(1).max(30).default(7)
})
/** The secret part of the link is shown once, here; only its hash is kept. */
export const InviteCreated = Invite.extend({ code: z.string() })
export const InviteAccept = z.object({ code: z.string().min(10).max(200), name, email, password })

/** A personal API token: `Authorization: Bearer agt_…`; only its hash is kept. */
export const ApiToken = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters, to tell tokens apart. */
  prefix: z.string(),
  scopes: z.array(Scope),
  createdAt: z.number().int(),
  lastUsedAt: z.number().int().nullable(),
  expiresAt: z.number().int().nullable()
})
export type ApiToken = z.infer<typeof ApiToken>
export const ApiTokenCreate = z.object({
  name,
  scopes: z.array(Scope).min(1, 'choose at least one scope').max(4),
  /** Days until it stops working; absent: it works until deleted. */
  days: z.number().int().min(1).max(3650).optional()
})
export const ApiTokenCreated = ApiToken.extend({ token: z.string() })

/** Who changed what, and when (agents, tools, knowledge bases, providers, users). */
export const AuditEntry = z.object({
  id: z.string(),
  at: z.number().int(),
  /** The person's id, or `owner` for the desktop and the server's token. */
  actorId: z.string(),
  actorName: z.string(),
  /** The endpoint that made the change, e.g. `agents.update`, or what a service recorded itself (contract/kiosk.ts KIOSK_AUDIT_ACTIONS). */
  action: z.string(),
  targetId: z.string().nullable()
})
export type AuditEntry = z.infer<typeof AuditEntry>
export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** Entries older than this time (paging). */
  before: z.coerce.number().int().optional()
})

/** Who may chat with an agent: everyone signed in, or the listed people (its builder and admins always may). */
export const AgentSharing = z.object({
  ownerId: z.string().nullable(),
  everyone: z.boolean(),
  people: z.array(id).max(1000)
})
export type AgentSharing = z.infer<typeof AgentSharing>
export const AgentSharingUpdate = z.object({ everyone: z.boolean(), people: z.array(id).max(1000).default([]) })

/** People a builder can share with (names only, no emails beyond what admins see). */
export const Person = z.object({ id: z.string(), name: z.string() })

/** My own language and theme (accounts on); null: the studio's setting. */
export const Preferences = z.object({ language: Settings.shape.language.nullable(), theme: Settings.shape.theme.nullable() })
export type Preferences = z.infer<typeof Preferences>
export const PreferencesUpdate = z
  .object({ language: Settings.shape.language.nullable().optional(), theme: Settings.shape.theme.nullable().optional() })
  .strict()

/** Settings → Accounts on a studio without them: the first admin (needed while nobody exists yet). */
export const AccountsEnable = z.object({ admin: SetupInput.optional() })
export const Restarting = z.object({ restarting: z.literal(true) })
