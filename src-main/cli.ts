import { parseArgs } from 'node:util'
import { resolve, join } from 'node:path'
import { homedir } from 'node:os'
import { fileURLToPath } from 'node:url'
import { closeLog, configureLog, log } from './base/log'
import { lazyVectorStore } from './core/lazy-vector-store'
import { createMilvusStore, parseMilvusUrl, type VectorStore } from './vector'
import { createRuntime } from './core/runtime'
import { newSecret } from './core/util/ids'
import { APP_VERSION } from './core/version'
import { startServer } from './server'
import type { StoreConfig } from './store/db'
import type { Coordination } from './core/coordination/types'
import type { OidcOptions } from './core/accounts/better-auth'

const HELP = `Agenta Studio ${APP_VERSION}

Usage: agenta serve [options]
       agenta backup <file> [--data DIR]
       agenta restore <file> [--data DIR] [--yes]
       agenta user add --email E --name N [--admin | --role R] [--data DIR | --db URL]
       agenta kiosk reset-pin [--data DIR | --db URL]
       agenta migrate-data --to mysql://… --to-data DIR [--data DIR] [--vector milvus://…]

serve    runs the studio's core and server without Electron: for a LAN box, a team server, CI and tests.
backup   writes the whole data folder (database, key file, knowledge indexes, uploads) as one
         .tar.gz; it may run while the studio does. The file holds the key that opens the API
         keys saved in it: keep it as safe as a password.
restore  checks a backup and replaces all data with it (asks first; --yes does not). Stop the
         studio first. The data from before is kept in <data>/.restore/previous-… until the next restore.

Options (environment variable in brackets):
  --port N          port to listen on, 0 for any free port       [AGENTA_PORT]      default 5001
  --host ADDR       address to listen on; 0.0.0.0 opens the LAN  [AGENTA_HOST]      default 127.0.0.1
  --data DIR        data folder (database, keys, files)          [AGENTA_DATA_DIR]  default ~/.agenta-studio
  --token T         access token; generated and kept if absent   [AGENTA_TOKEN]
  --db URL          team mode: mysql://user:pass@host:3306/db    [AGENTA_DB_URL]    default SQLite in the data folder
  --redis URL       team mode, several processes: redis://host:6379  [AGENTA_REDIS_URL] default none (one process)
                    keys and channels start with [AGENTA_REDIS_PREFIX] default agenta:
  --vector URL      team mode: knowledge indexes on Milvus           [AGENTA_VECTOR_URL] default LanceDB in the data folder
                    milvus://[user[:password]@]host[:19530][/db][?prefix=agenta_] (milvus+tls:// for TLS);
                    an API token goes in [MILVUS_TOKEN], never in the URL
  --allowed-host H  extra Host name to answer to (repeatable)    [AGENTA_ALLOWED_HOSTS, comma-separated]
  --no-scheduler    do not run digital employees here (another process on the same data does)
  --yes             restore: do not ask
  --accounts        people sign in (roles, personal tokens); kept for next starts  [AGENTA_ACCOUNTS=1]
  --no-accounts     back to the one token, no sign-in                [AGENTA_ACCOUNTS=0]
                    default: on with --db (a team server), off otherwise
  --oidc-issuer URL single sign-on: the OpenID Connect provider's issuer (or discovery) URL  [AGENTA_OIDC_ISSUER]
  --oidc-client-id ID   the client registered there for this server  [AGENTA_OIDC_CLIENT_ID]
                    its secret only in [AGENTA_OIDC_CLIENT_SECRET] (a command line is readable by every user)
  --oidc-name NAME  shown as "Sign in with NAME"                     [AGENTA_OIDC_NAME] default SSO
  --oidc-sign-up    someone new gets a member account                [AGENTA_OIDC_SIGN_UP=1]
                    default: only people with an account or an invitation for their email get in
                    Register <server URL>/auth/callback/oidc as the client's redirect URI. Needs accounts on.
  -h, --help        this text

agenta user add: adds a person to the data (for scripts; the studio's first run does it too).
  The password is read from [AGENTA_PASSWORD] or the first line of stdin. --role admin|builder|member
  (default member; --admin is --role admin).

agenta kiosk reset-pin: removes a forgotten kiosk admin PIN (and its wrong-PIN lock) without it,
  for an operator who cannot reach Settings → Kiosk. Recorded in the audit log.

migrate-data moves this desktop workspace (--data) to a team server: every table into the
--to database (created by the server's migrations; it must be empty), the key file and uploads
into --to-data (the server's data folder), the LanceDB indexes copied there too, or with
--vector marked to be rebuilt by the server on Milvus from the stored chunks. It can be run
again after a cut and goes on where it stopped; it ends by comparing every table's row count.

Stopping (SIGINT/SIGTERM): the server stops accepting, turns under way get a grace period to
finish and are then stopped (their answer so far is kept), then workers, MCP servers and the
data close. [AGENTA_SHUTDOWN_GRACE_MS] default 5000; past [AGENTA_SHUTDOWN_TIMEOUT_MS] (default
10000) the process exits with code 1, logging the phase it was stuck in.

Knowledge ingestion: a process holds each document it works on by a lease, renewed while it
works; a document of a process that died is taken over by another one once its lease runs out.
[AGENTA_INGEST_LEASE_MS] default 30000.
`

function fail(message: string): never {
  process.stderr.write(`agenta: ${message}\n`)
  process.exit(2)
}

/** A duration in ms from the environment, or the default; anything else is refused. */
function msFromEnv(name: string, fallback: number): number {
  const text = process.env[name]
  if (text === undefined || text === '') return fallback
  const ms = Number(text)
  if (!Number.isInteger(ms) || ms < 0) fail(`${name} must be a whole number of milliseconds, not "${text}"`)
  return ms
}

export async function main(argv: string[]): Promise<void> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        token: { type: 'string' },
        db: { type: 'string' },
        redis: { type: 'string' },
        vector: { type: 'string' },
        to: { type: 'string' },
        'to-data': { type: 'string' },
        'allowed-host': { type: 'string', multiple: true },
        'no-scheduler': { type: 'boolean' },
        yes: { type: 'boolean' },
        accounts: { type: 'boolean' },
        'no-accounts': { type: 'boolean' },
        'oidc-issuer': { type: 'string' },
        'oidc-client-id': { type: 'string' },
        'oidc-name': { type: 'string' },
        'oidc-sign-up': { type: 'boolean' },
        admin: { type: 'boolean' },
        role: { type: 'string' },
        email: { type: 'string' },
        name: { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      }
    })
  } catch (err) {
    fail(`${(err as Error).message}\n\n${HELP}`)
  }
  const { values, positionals } = parsed
  const command = positionals[0]
  if (!values.help && command === 'user') return userCommand(positionals.slice(1), values)
  if (!values.help && command === 'kiosk') return kioskCommand(positionals.slice(1), values)
  if (!values.help && command === 'migrate-data') return migrate(values)
  if (values.help || !['serve', 'backup', 'restore'].includes(command ?? '')) {
    process.stdout.write(HELP)
    if (!values.help) process.exit(positionals.length ? 2 : 0)
    return
  }
  if (command === 'backup' || command === 'restore') {
    const file = positionals[1]
    if (!file || positionals.length > 2) fail(`${command} takes one file name\n\n${HELP}`)
    const dataDir = resolve(values.data ?? process.env.AGENTA_DATA_DIR ?? join(homedir(), '.agenta-studio'))
    const { backupCommand, restoreCommand } = await import('./backup-cli')
    const code = command === 'backup' ? await backupCommand(dataDir, resolve(file)) : await restoreCommand(dataDir, resolve(file), { yes: !!values.yes })
    process.exit(code)
  }

  const env = process.env
  const portText = values.port ?? env.AGENTA_PORT ?? '5001'
  const port = Number(portText)
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a number from 0 to 65535, not "${portText}"`)
  const host = values.host ?? env.AGENTA_HOST ?? '127.0.0.1'
  const dataDir = resolve(values.data ?? env.AGENTA_DATA_DIR ?? join(homedir(), '.agenta-studio'))
  const dbUrl = values.db ?? env.AGENTA_DB_URL
  if (dbUrl && !/^mysql:\/\//.test(dbUrl)) fail(`--db takes a mysql:// URL, not "${dbUrl}"`)
  const store: StoreConfig | undefined = dbUrl ? { kind: 'mysql', url: dbUrl } : undefined
  const redisUrl = values.redis ?? env.AGENTA_REDIS_URL
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) fail(`--redis takes a redis:// URL, not "${redisUrl}"`)
  const vectorUrl = values.vector ?? env.AGENTA_VECTOR_URL
  let vector: VectorStore | undefined
  if (vectorUrl) {
    let milvus
    try {
      milvus = parseMilvusUrl(vectorUrl)
    } catch (err) {
      fail(`--vector: ${(err as Error).message}`)
    }
    // Opened on the first knowledge call, as LanceDB is: a server that only chats never dials Milvus.
    vector = lazyVectorStore('milvus', () => createMilvusStore({ ...milvus, token: env.MILVUS_TOKEN || undefined }))
  }
  const allowedHosts = [
    ...(values['allowed-host'] ?? []),
    ...(env.AGENTA_ALLOWED_HOSTS?.split(',')
      .map((h) => h.trim())
      .filter(Boolean) ?? [])
  ]

  const accounts = accountsFlag(values)
  const oidc = oidcOptions(values)
  const graceMs = msFromEnv('AGENTA_SHUTDOWN_GRACE_MS', 5_000)
  const deadlineMs = msFromEnv('AGENTA_SHUTDOWN_TIMEOUT_MS', 10_000)
  const leaseMs = msFromEnv('AGENTA_INGEST_LEASE_MS', 30_000)
  if (leaseMs < 1_000) fail('AGENTA_INGEST_LEASE_MS must be at least 1000')

  // Server logs go to stdout (the terminal or a service manager) and to <data>/logs/agenta.log.
  configureLog({ dir: dataDir, console: 'stdout' })

  // Several processes on one database share events, locks and schedule claims through Redis.
  // It must answer at start: a process that silently ran alone would fire every schedule again.
  let coordination: Coordination | undefined
  if (redisUrl) {
    const { redisCoordination } = await import('./core/coordination/redis')
    coordination = redisCoordination({ url: redisUrl, prefix: env.AGENTA_REDIS_PREFIX || undefined })
    try {
      await coordination.ping()
    } catch (err) {
      await coordination.close()
      fail(`cannot reach Redis at ${redisUrl.replace(/\/\/[^@/]*@/, '//')}: ${(err as Error).message}`)
    }
  }

  // A kept token means phones and scripts that were given the URL keep working after a restart.
  let token = values.token ?? env.AGENTA_TOKEN
  const tokenGiven = !!token
  const rendererDir = fileURLToPath(new URL('../renderer', import.meta.url))
  let listenPort = port

  let booted = false
  /** Opens the data and listens; run again on the same port and token when a restore (or turning accounts on or off) restarts the core. */
  const boot = async () => {
    // The flag counts at the first start; a restart keeps what the studio has set since (accounts turned on in Settings).
    const accountsNow = booted ? undefined : accounts
    booted = true
    let runtime
    try {
      runtime = await createRuntime({
        dataDir,
        host: 'server',
        store,
        vector,
        coordination,
        bundledMcpDir: fileURLToPath(new URL('.', import.meta.url)),
        scheduler: { enabled: !values['no-scheduler'] },
        knowledge: { ingestion: { leaseMs } },
        shutdown: { graceMs },
        accounts: { ...(accountsNow !== undefined && { enabled: accountsNow }), ...(oidc && { oidc }) }
      })
    } catch (err) {
      fail(`cannot open the data in ${dbUrl ? 'the database' : dataDir}: ${(err as Error).message}`)
    }
    // Turned on or off once, it stays so for the next starts without the flag.
    if (accountsNow !== undefined) await runtime.settings.raw.set('accounts.enabled', accountsNow)
    if (oidc && !runtime.accounts.enabled) {
      await runtime.close()
      fail('single sign-on (--oidc-issuer) needs accounts: start with --accounts (or turn them on in Settings first)')
    }
    if (!token) token = (await runtime.settings.raw.get<string>('server.token')) ?? newSecret()
    // Kept again after a restore: the backup's own token must not lock out the studio that restored it.
    if (!tokenGiven) await runtime.settings.raw.set('server.token', token)

    let server
    try {
      server = await startServer(runtime, { host, port: listenPort, token, rendererDir, allowedHosts })
    } catch (err) {
      await runtime.close()
      const e = err as NodeJS.ErrnoException
      fail(
        e.code === 'EADDRINUSE'
          ? `port ${listenPort} on ${host} is already in use; pick another with --port`
          : `cannot listen on ${host}:${listenPort}: ${e.message}`
      )
    }
    listenPort = server.port
    runtime.setServerStatusSource(server.status)
    // Shutdown (core/shutdown.ts): the server stops listening first, and closes what is left
    // once the turns under way have finished or been stopped.
    const srv = server
    runtime.onClose(() => srv.stopAccepting(), 'requests')
    runtime.onClose(() => srv.close(), 'connections')
    runtime.onRestart(() => void restart())
    return { runtime, server }
  }

  let current = await boot()
  const { server, runtime } = current
  const lines = [
    `Agenta Studio ${APP_VERSION} is running (data: ${dbUrl ? 'MySQL' : dataDir}${redisUrl ? ', shared through Redis' : ''})`,
    `  Studio: ${server.url}/?token=${token}`,
    `  API:    ${server.url}/api  (Authorization: Bearer ${token})`,
    ...server.status().lanUrls.map((u) => `  LAN:    ${u}/?token=${token}`),
    ...(runtime.accounts.enabled
      ? [
          (await runtime.accounts.users.count()) === 0
            ? '  Accounts are on: open the studio to create the admin (or `agenta user add --admin`).'
            : '  Accounts are on: people sign in; the token above is the operator’s key to everything.'
        ]
      : []),
    host === '127.0.0.1'
      ? '  Only this computer can connect; --host 0.0.0.0 opens it to the LAN.'
      : '  Listening beyond this computer: anyone with the token can use the studio.',
    'Press Ctrl+C to stop.'
  ]
  process.stdout.write(lines.join('\n') + '\n')

  let stopping = false
  let restarting: Promise<void> | undefined
  /** A confirmed restore (the backup is put in place as the data opens) or accounts switched: close everything, reopen, listen again. */
  const restart = () =>
    (restarting ??= (async () => {
      process.stdout.write('Restarting the core (a restore, or accounts turned on or off)…\n')
      await current.runtime.close()
      if (stopping) return
      current = await boot()
      process.stdout.write(`Restarted on ${current.server.url}\n`)
    })().finally(() => {
      restarting = undefined
    }))
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    process.stdout.write(`\nReceived ${signal}, shutting down…\n`)
    const force = setTimeout(() => {
      log.fatal({ phase: current.runtime.shutdownPhase(), deadlineMs }, 'shutdown deadline passed; exiting')
      process.stderr.write(`agenta: shutdown took too long (stuck at: ${current.runtime.shutdownPhase() ?? 'exit'}), exiting\n`)
      process.exit(1)
    }, deadlineMs)
    force.unref()
    await restarting?.catch(() => undefined)
    await current.runtime.close()
    await closeLog()
    process.stdout.write('Stopped.\n')
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>

/** --accounts / --no-accounts / AGENTA_ACCOUNTS; undefined: the kept setting (or the default). */
function accountsFlag(values: Values): boolean | undefined {
  if (values.accounts && values['no-accounts']) fail('--accounts and --no-accounts contradict each other')
  if (values.accounts) return true
  if (values['no-accounts']) return false
  const env = process.env.AGENTA_ACCOUNTS
  if (env === undefined || env === '') return undefined
  if (!/^(1|0|true|false|on|off)$/i.test(env)) fail(`AGENTA_ACCOUNTS must be 1 or 0, not "${env}"`)
  return /^(1|true|on)$/i.test(env)
}

/** --oidc-* / AGENTA_OIDC_*: single sign-on, all or nothing; the secret only from the environment. */
function oidcOptions(values: Values): OidcOptions | undefined {
  const env = process.env
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined)
  const issuer = str(values['oidc-issuer']) ?? str(env.AGENTA_OIDC_ISSUER)
  const clientId = str(values['oidc-client-id']) ?? str(env.AGENTA_OIDC_CLIENT_ID)
  const clientSecret = str(env.AGENTA_OIDC_CLIENT_SECRET)
  const name = str(values['oidc-name']) ?? str(env.AGENTA_OIDC_NAME)
  const signUpEnv = env.AGENTA_OIDC_SIGN_UP
  if (signUpEnv && !/^(1|0|true|false|on|off)$/i.test(signUpEnv)) fail(`AGENTA_OIDC_SIGN_UP must be 1 or 0, not "${signUpEnv}"`)
  const signUp = !!values['oidc-sign-up'] || /^(1|true|on)$/i.test(signUpEnv ?? '')
  if (!issuer && !clientId && !clientSecret && !name && !signUp) return undefined
  if (!issuer) fail("single sign-on needs --oidc-issuer: the OpenID Connect provider's issuer URL [AGENTA_OIDC_ISSUER]")
  let url: URL | undefined
  try {
    url = new URL(issuer)
  } catch {
    // refused below
  }
  if (!url || !/^https?:$/.test(url.protocol)) fail(`--oidc-issuer must be an http(s) URL, not "${issuer}"`)
  if (!clientId) fail('single sign-on needs --oidc-client-id: the client registered with the provider for this server [AGENTA_OIDC_CLIENT_ID]')
  if (!clientSecret) fail('single sign-on needs the client secret in the environment variable AGENTA_OIDC_CLIENT_SECRET (never on the command line)')
  if (name && name.length > 60) fail('--oidc-name must be at most 60 characters')
  return { issuer, clientId, clientSecret, name: name ?? 'SSO', signUp }
}

async function readPassword(): Promise<string> {
  if (process.env.AGENTA_PASSWORD) return process.env.AGENTA_PASSWORD
  if (process.stdin.isTTY) process.stderr.write('Password (8 characters or more; it is shown as you type): ')
  const { createInterface } = await import('node:readline')
  const rl = createInterface({ input: process.stdin })
  const line = await new Promise<string>((resolve) => {
    rl.once('line', resolve)
    rl.once('close', () => resolve(''))
  })
  rl.close()
  return line
}

/** `agenta user add`: a person with a password, straight into the data (no server needed). */
async function userCommand(args: string[], values: Values): Promise<void> {
  if (args[0] !== 'add') fail(`unknown command "user ${args.join(' ')}"; did you mean "user add"?\n\n${HELP}`)
  const { Role } = await import('./contract/access')
  const { UserCreate } = await import('./contract/accounts')
  const role = values.admin ? 'admin' : (values.role ?? 'member')
  if (!Role.safeParse(role).success) fail(`--role must be admin, builder or member, not "${String(role)}"`)
  const input = UserCreate.safeParse({ name: values.name, email: values.email, password: await readPassword(), role })
  if (!input.success) fail(input.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '))
  await onData(values, async (runtime) => {
    const user = await runtime.accounts.addUser(input.data)
    process.stdout.write(`Added ${user.name} <${user.email}> as ${user.role}.\n`)
    if (!runtime.accounts.enabled) process.stdout.write('Accounts are off for this data: start the server with --accounts so people sign in.\n')
  })
}

/**
 * `agenta kiosk reset-pin`: the operator locked out of the studio (a forgotten PIN, no admin who
 * can sign in) removes the kiosk admin PIN. Whoever can open the data folder or the database is
 * its owner, as with `agenta user add`. A desktop app running on the same data keeps its own
 * wrong-PIN lock, which ends by itself within a minute.
 */
async function kioskCommand(args: string[], values: Values): Promise<void> {
  if (args[0] !== 'reset-pin' || args.length > 1) fail(`unknown command "kiosk ${args.join(' ')}"; did you mean "kiosk reset-pin"?\n\n${HELP}`)
  await onData(values, async (runtime) => {
    const { OWNER } = await import('./core/context')
    const had = (await runtime.kioskPin.state()).set
    await runtime.kioskPin.reset({}, OWNER, { id: 'cli', name: 'agenta kiosk reset-pin' })
    process.stdout.write(
      had
        ? 'The kiosk admin PIN is removed. Set a new one in Settings → Kiosk; a kiosk window asks for one before it opens.\n'
        : 'No kiosk admin PIN was set; nothing to reset.\n'
    )
  })
}

/** Opens the data (--data or --db) without a server, runs `work`, closes it and exits: the CLI's one-off commands. */
async function onData(values: Values, work: (runtime: Awaited<ReturnType<typeof createRuntime>>) => Promise<void>): Promise<never> {
  const env = process.env
  const dataDir = resolve((values.data as string | undefined) ?? env.AGENTA_DATA_DIR ?? join(homedir(), '.agenta-studio'))
  const dbUrl = (values.db as string | undefined) ?? env.AGENTA_DB_URL
  if (dbUrl && !/^mysql:\/\//.test(dbUrl)) fail(`--db takes a mysql:// URL, not "${dbUrl}"`)
  configureLog({ dir: dataDir, console: 'none' })
  let runtime
  try {
    runtime = await createRuntime({ dataDir, host: 'server', store: dbUrl ? { kind: 'mysql', url: dbUrl } : undefined, scheduler: { enabled: false } })
  } catch (err) {
    fail(`cannot open the data in ${dbUrl ? 'the database' : dataDir}: ${(err as Error).message}`)
  }
  try {
    await work(runtime)
  } catch (err) {
    await runtime.close()
    fail((err as Error).message)
  }
  await runtime.close()
  await closeLog()
  process.exit(0)
}

async function migrate(values: { data?: string; to?: string; 'to-data'?: string; vector?: string }): Promise<void> {
  if (!values.to || !values['to-data']) fail(`migrate-data needs --to mysql://… and --to-data DIR\n\n${HELP}`)
  const { migrateData } = await import('./migrate-data')
  const batches = process.env.AGENTA_MIGRATE_MAX_BATCHES
  try {
    const result = await migrateData({
      from: resolve(values.data ?? process.env.AGENTA_DATA_DIR ?? join(homedir(), '.agenta-studio')),
      to: values.to,
      toData: resolve(values['to-data']),
      vector: values.vector,
      maxBatches: batches ? Number(batches) : undefined,
      out: (line) => process.stdout.write(line + '\n')
    })
    if (!result.complete) process.exit(result.tables.length ? 1 : 3)
    process.stdout.write('Migrated: every table has the same number of rows on both sides.\n')
  } catch (err) {
    fail(`migrate-data: ${(err as Error).message.replace(/\/\/[^@/\s]*@/g, '//')}`)
  }
}

void main(process.argv.slice(2))
