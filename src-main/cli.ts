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

const HELP = `Agenta Studio ${APP_VERSION}

Usage: agenta serve [options]
       agenta migrate-data --to mysql://… --to-data DIR [--data DIR] [--vector milvus://…]

Runs the studio's core and server without Electron: for a LAN box, a team server, CI and tests.

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
  -h, --help        this text

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
        help: { type: 'boolean', short: 'h' }
      }
    })
  } catch (err) {
    fail(`${(err as Error).message}\n\n${HELP}`)
  }
  const { values, positionals } = parsed
  if (positionals[0] === 'migrate-data' && !values.help) return migrate(values)
  if (values.help || positionals[0] !== 'serve') {
    process.stdout.write(HELP)
    if (!values.help) process.exit(positionals.length ? 2 : 0)
    return
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
      shutdown: { graceMs }
    })
  } catch (err) {
    fail(`cannot open the data in ${dbUrl ? 'the database' : dataDir}: ${(err as Error).message}`)
  }

  // A kept token means phones and scripts that were given the URL keep working after a restart.
  let token = values.token ?? env.AGENTA_TOKEN
  if (!token) {
    token = (await runtime.settings.raw.get<string>('server.token')) ?? newSecret()
    await runtime.settings.raw.set('server.token', token)
  }

  const rendererDir = fileURLToPath(new URL('../renderer', import.meta.url))
  let server
  try {
    server = await startServer(runtime, { host, port, token, rendererDir, allowedHosts })
  } catch (err) {
    await runtime.close()
    const e = err as NodeJS.ErrnoException
    fail(e.code === 'EADDRINUSE' ? `port ${port} on ${host} is already in use; pick another with --port` : `cannot listen on ${host}:${port}: ${e.message}`)
  }
  runtime.setServerStatusSource(server.status)

  const lines = [
    `Agenta Studio ${APP_VERSION} is running (data: ${dbUrl ? 'MySQL' : dataDir}${redisUrl ? ', shared through Redis' : ''})`,
    `  Studio: ${server.url}/?token=${token}`,
    `  API:    ${server.url}/api  (Authorization: Bearer ${token})`,
    ...server.status().lanUrls.map((u) => `  LAN:    ${u}/?token=${token}`),
    host === '127.0.0.1'
      ? '  Only this computer can connect; --host 0.0.0.0 opens it to the LAN.'
      : '  Listening beyond this computer: anyone with the token can use the studio.',
    'Press Ctrl+C to stop.'
  ]
  process.stdout.write(lines.join('\n') + '\n')

  // Shutdown (core/shutdown.ts): the server stops listening first, and closes what is left
  // once the turns under way have finished or been stopped.
  const srv = server
  runtime.onClose(() => srv.stopAccepting(), 'requests')
  runtime.onClose(() => srv.close(), 'connections')
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    process.stdout.write(`\nReceived ${signal}, shutting down…\n`)
    const force = setTimeout(() => {
      log.fatal({ phase: runtime.shutdownPhase(), deadlineMs }, 'shutdown deadline passed; exiting')
      process.stderr.write(`agenta: shutdown took too long (stuck at: ${runtime.shutdownPhase() ?? 'exit'}), exiting\n`)
      process.exit(1)
    }, deadlineMs)
    force.unref()
    await runtime.close()
    await closeLog()
    process.stdout.write('Stopped.\n')
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
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
