import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { join } from 'node:path'
import { tempDir } from './boot'

/**
 * Engines of our own that a test may stop and start (an outage, a restart), never the shared ones
 * on 3306/6379 that other tests use: a Redis and a MariaDB on free ports, data in a temp folder.
 */

export async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as { port: number }).port
  await new Promise((r) => srv.close(r))
  return port
}

/** Resolves once something accepts connections on the port (or it stops accepting, with `open: false`). */
export async function portState(port: number, open: boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms
  for (;;) {
    const isOpen = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1')
      s.once('connect', () => (s.destroy(), r(true)))
      s.once('error', () => r(false))
    })
    if (isOpen === open) return
    if (Date.now() > end) throw new Error(`port ${port} did not ${open ? 'open' : 'close'} within ${ms} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

export interface Engine {
  url: string
  port: number
  start(): Promise<void>
  stop(): Promise<void>
}

/** `redis-server` on a free port, no persistence. */
export async function privateRedis(): Promise<Engine> {
  const port = await freePort()
  const dir = tempDir('agenta-redis-')
  const engine: Engine = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      const r = spawnSync('redis-server', [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--daemonize',
        'yes',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--pidfile',
        join(dir, 'redis.pid'),
        '--logfile',
        join(dir, 'redis.log')
      ])
      if (r.status !== 0) throw new Error(`redis-server did not start: ${r.stderr}`)
      await portState(port, true)
    },
    async stop() {
      spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave'])
      await portState(port, false)
    }
  }
  await engine.start()
  return engine
}

/** `mariadbd` on a free port with its own data folder (root, no password), installed on first start. */
export async function privateMariadb(): Promise<Engine & { database: string }> {
  const port = await freePort()
  const dir = tempDir('agenta-mariadb-')
  const data = join(dir, 'data')
  mkdirSync(data)
  const user = process.getuid?.() === 0 ? ['--user=root'] : []
  const install = spawnSync('mariadb-install-db', ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...user])
  if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr}`)
  let child: ChildProcess | undefined
  const database = 'agenta'
  const engine = {
    url: `mysql://root@127.0.0.1:${port}/${database}`,
    port,
    database,
    async start() {
      child = spawn(
        'mariadbd',
        [
          '--no-defaults',
          `--datadir=${data}`,
          `--port=${port}`,
          '--bind-address=127.0.0.1',
          `--socket=${join(dir, 'mysqld.sock')}`,
          `--pid-file=${join(dir, 'mysqld.pid')}`,
          `--log-error=${join(dir, 'mysqld.err')}`,
          '--skip-grant-tables',
          '--innodb-buffer-pool-size=32M',
          '--skip-log-bin',
          ...user
        ],
        { stdio: 'ignore' }
      )
      await portState(port, true)
    },
    async stop() {
      const c = child
      if (!c || c.exitCode !== null) return
      await new Promise((r) => {
        c.once('exit', r)
        c.kill('SIGTERM')
      })
      await portState(port, false)
    }
  }
  await engine.start()
  const { createConnection } = await import('mysql2/promise')
  const admin = await createConnection({ uri: `mysql://root@127.0.0.1:${port}` })
  await admin.query(`CREATE DATABASE IF NOT EXISTS ${database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`)
  await admin.end()
  return engine
}
