import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createRuntime, type Runtime, type RuntimeOptions } from '../../src-main/core/runtime'
import { startServer, type RunningServer, type ServerOptions } from '../../src-main/server'
import { createTempMysqlDb } from './mariadb'

/** A fresh folder in the test run's temp folder (tests/utils/global-setup.ts removes it at the end). */
export const tempDir = (prefix = 'agenta-test-') => mkdtempSync(join(process.env.AGENTA_TEST_TMP ?? tmpdir(), prefix))

export interface BootedRuntime {
  runtime: Runtime
  dataDir: string
  /** Closes the runtime; removes the data folder unless keepData. */
  close(opts?: { keepData?: boolean }): Promise<void>
}

/** A runtime on a fresh temp data folder (real SQLite file), as every host boots it. */
export async function bootRuntime(opts: Partial<RuntimeOptions> = {}): Promise<BootedRuntime> {
  const dataDir = opts.dataDir ?? tempDir()
  // AGENTA_TEST_STORE=mariadb runs a suite written for the default store on a throwaway MariaDB
  // database instead (tests/integration/*-mariadb.test.ts set it).
  const mysql = !opts.store && process.env.AGENTA_TEST_STORE === 'mariadb' ? await createTempMysqlDb() : undefined
  if (mysql) opts = { ...opts, store: { kind: 'mysql', url: mysql.url } }
  // MCP servers saved by a test connect when used, not at start-up: a config like `npx -y x` must
  // not reach for the registry in the background. Tests of start-up behaviour opt in.
  const runtime = await createRuntime({ host: 'server', ...opts, mcp: { autoConnect: false, ...opts.mcp }, dataDir })
  return {
    runtime,
    dataDir,
    async close({ keepData = false } = {}) {
      await runtime.close()
      if (!keepData) rmSync(dataDir, { recursive: true, force: true })
      await mysql?.drop()
    }
  }
}

export interface BootedServer extends BootedRuntime {
  server: RunningServer
  url: string
  token: string
  /** fetch against the server with the token unless `token: null`; JSON in and out. */
  api(
    method: string,
    path: string,
    body?: unknown,
    opts?: { token?: string | null; headers?: Record<string, string>; rawBody?: string }
  ): Promise<{ status: number; body: any; headers: Headers }>
}

/** A runtime plus the HTTP/Socket.IO server on a free loopback port. */
export async function bootServer(opts: Partial<RuntimeOptions> & { server?: Partial<ServerOptions> } = {}): Promise<BootedServer> {
  const { server: serverOpts, ...runtimeOpts } = opts
  const booted = await bootRuntime(runtimeOpts)
  const token = serverOpts?.token ?? 'test-token'
  const server = await startServer(booted.runtime, {
    host: '127.0.0.1',
    port: 0,
    token,
    rendererDir: resolve(import.meta.dirname, '../../out/renderer'),
    ...serverOpts
  })
  booted.runtime.setServerStatusSource(server.status)
  return {
    ...booted,
    server,
    url: server.url,
    token,
    async api(method, path, body, o = {}) {
      const headers: Record<string, string> = { ...o.headers }
      const t = o.token === undefined ? token : o.token
      if (t) headers.authorization = `Bearer ${t}`
      let payload: string | undefined = o.rawBody
      if (body !== undefined) {
        payload = JSON.stringify(body)
      }
      if (payload !== undefined) headers['content-type'] ??= 'application/json'
      const res = await fetch(server.url + path, { method, headers, body: payload })
      const text = await res.text()
      let parsed: unknown = text
      try {
        parsed = JSON.parse(text)
      } catch {
        // not JSON: leave the text for the assertion to show
      }
      return { status: res.status, body: parsed, headers: res.headers }
    },
    async close(o) {
      await server.close()
      await booted.close(o)
    }
  }
}
