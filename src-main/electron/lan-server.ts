import type { Settings, ServerStatus } from '../contract/entities'
import type { Runtime } from '../core/runtime'
import { newSecret } from '../core/util/ids'
import { startServer, type RunningServer } from '../server'
import { log as appLog } from '../base/log'

type ServerSettings = Settings['server']

export interface LanServerOptions {
  /** The built renderer, served at / to browsers on the LAN. */
  rendererDir: string
  log?: Pick<Console, 'info' | 'error'>
}

export interface LanServerState {
  status: ServerStatus
  /** Where it listens, when it does. */
  listening: { host: string; port: number } | null
  /** Why the last start failed (port in use…); null when running or stopped on purpose. */
  error: string | null
}

export interface LanServer {
  /** Applies the stored settings once (autoStart) and then follows settings.changed. */
  init(): Promise<void>
  state(): LanServerState
  /** Resolves when every start/stop asked for so far has finished. */
  settled(): Promise<void>
  /** Stops the server and stops following settings; safe to call twice. */
  close(): Promise<void>
}

export const SERVER_TOKEN_KEY = 'server.token'

/**
 * The desktop app's copy of `agenta serve`: the same startServer over the same runtime, driven by
 * settings.server instead of flags. `autoStart` is the on/off switch (and so also what happens at
 * launch), `lan` chooses 0.0.0.0 over 127.0.0.1, `port` the port. Never throws into the app: a
 * port in use becomes a logged, explained "not running".
 */
export function lanServer(runtime: Runtime, opts: LanServerOptions): LanServer {
  const log = opts.log ?? { info: (m: string) => appLog.info({ detail: m }, 'LAN server'), error: (m: string) => appLog.error({ detail: m }, 'LAN server') }
  let server: RunningServer | null = null
  let error: string | null = null
  /** The settings the current server (or the last failed attempt) was started with. */
  let attempted: ServerSettings | null = null
  let closed = false
  // Start and stop are asynchronous and settings can change faster than a port closes: every
  // change is queued behind the previous one, so two servers never race for the port.
  let queue: Promise<void> = Promise.resolve()
  const enqueue = (task: () => Promise<void>) => {
    queue = queue.then(task).catch((err) => log.error(`LAN server: ${(err as Error).message}`))
    return queue
  }

  const status = (): ServerStatus => (server ? server.status() : { running: false, url: null, lanUrls: [], token: null, error })
  const announce = () => runtime.events.emit('server.changed', status())
  runtime.setServerStatusSource(status)

  async function stop(): Promise<void> {
    if (!server) return
    const s = server
    server = null
    await s.close()
    log.info(`Server stopped (${s.url})`)
  }

  async function start(want: ServerSettings): Promise<void> {
    const host = want.lan ? '0.0.0.0' : '127.0.0.1'
    attempted = want
    let token = await runtime.settings.raw.get<string>(SERVER_TOKEN_KEY)
    if (!token) {
      // Kept, so phones and widgets given the link keep working after a restart.
      token = newSecret()
      await runtime.settings.raw.set(SERVER_TOKEN_KEY, token)
    }
    try {
      server = await startServer(runtime, { host, port: want.port, token, rendererDir: opts.rendererDir })
      error = null
      log.info(`Server listening at ${server.url}${want.lan ? ` and on the LAN (${server.status().lanUrls.join(', ') || 'no network address yet'})` : ''}`)
    } catch (err) {
      server = null
      error = explainListenError(err, host, want.port)
      log.error(`Server not started: ${error}`)
    }
  }

  async function apply(want: ServerSettings, opts: { force: boolean }): Promise<void> {
    if (!want.autoStart) {
      const changed = server !== null || error !== null
      await stop()
      error = null
      attempted = null
      if (changed) announce()
      return
    }
    // settings.changed also fires for language or theme; only a different address or port (or a
    // first start) touches the server, so a failed start is not retried on every unrelated change.
    if (!opts.force && attempted && attempted.lan === want.lan && attempted.port === want.port) return
    await stop()
    await start(want)
    announce()
  }

  let unsubscribe: (() => void) | undefined
  let closing: Promise<void> | undefined
  // Shutdown (core/shutdown.ts): stop listening first, so LAN turns under way can end their
  // streams; close what is left once the turns are done.
  runtime.onClose(() => {
    closed = true
    unsubscribe?.()
    return server?.stopAccepting()
  }, 'requests')
  runtime.onClose(() => close(), 'connections')

  function close(): Promise<void> {
    closing ??= (async () => {
      closed = true
      unsubscribe?.()
      await enqueue(async () => {
        const wasRunning = server !== null
        await stop()
        if (wasRunning) announce()
      })
    })()
    return closing
  }

  return {
    init() {
      if (closed) return Promise.resolve()
      unsubscribe ??= runtime.events.subscribe((name, payload) => {
        if (name === 'settings.changed') void enqueue(() => apply((payload as Settings).server, { force: false }))
      })
      return enqueue(async () => apply((await runtime.settings.get()).server, { force: true }))
    },
    state: () => ({ status: status(), listening: server ? { host: server.host, port: server.port } : null, error }),
    settled: () => queue,
    close
  }
}

export function explainListenError(err: unknown, host: string, port: number): string {
  const e = err as NodeJS.ErrnoException
  switch (e?.code) {
    case 'EADDRINUSE':
      return `port ${port} is already in use on ${host}; choose another port in Settings → Server`
    case 'EACCES':
      return `not allowed to listen on port ${port}${port < 1024 ? ' (ports below 1024 need administrator rights)' : ''}`
    case 'EADDRNOTAVAIL':
      return `address ${host} is not available on this computer`
    default:
      return `cannot listen on ${host}:${port}: ${e?.message ?? String(err)}`
  }
}
