import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import pino, { type Logger, type StreamEntry } from 'pino'
import { createStream } from 'rotating-file-stream'

/**
 * The one logger of every process (core, servers, hosts, bundled MCP servers). Structured JSON
 * lines (pino): a message is always a constant string and what varies goes in fields, so no user
 * data is ever read as a format string. Until a host calls `configureLog`, lines go to stderr at
 * `AGENTA_LOG_LEVEL` (default `info`; `silent` under the test runner unless the variable is set).
 *
 *   log.warn({ err, path }, 'upload cut short')
 *   const turnLog = log.child({ requestId })
 */
export type { Logger }

const defaultLevel = process.env.AGENTA_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info')

// Errors keep their message, code and stack (pino's default serializer) under `err`.
const baseOptions = { level: defaultLevel, base: { pid: process.pid }, serializers: { err: pino.stdSerializers.err } }

let root: Logger = pino(baseOptions, pino.destination({ fd: 2, sync: true }))

/** A proxy so modules can hold `log` (or children made from it) before the host configures it. */
export const log: Logger = new Proxy({} as Logger, {
  get(_t, prop) {
    const value = (root as any)[prop]
    return typeof value === 'function' ? value.bind(root) : value
  }
})

export interface LogConfig {
  /** Also write `agenta.log` here, rotated daily and at 10 MB, 7 files kept. */
  dir?: string
  level?: string
  /** Stdout for a server a person watches; stderr for hosts whose stdout is a protocol. */
  console?: 'stdout' | 'stderr' | 'none'
  /** Another destination for the lines (tests read what was logged). */
  stream?: { write(line: string): void }
}

let fileStream: ReturnType<typeof createStream> | undefined

export function configureLog(config: LogConfig): Logger {
  const streams: StreamEntry[] = []
  const level = (config.level ?? defaultLevel) as pino.Level
  if (config.console !== 'none') streams.push({ level, stream: pino.destination({ fd: config.console === 'stdout' ? 1 : 2, sync: true }) })
  if (config.stream) streams.push({ level, stream: config.stream })
  fileStream?.end()
  fileStream = undefined
  if (config.dir) {
    mkdirSync(join(config.dir, 'logs'), { recursive: true, mode: 0o700 })
    fileStream = createStream('agenta.log', { path: join(config.dir, 'logs'), size: '10M', interval: '1d', maxFiles: 7, mode: 0o600 })
    // A full disk or a removed folder must not take the process down with it.
    fileStream.on('error', () => undefined)
    streams.push({ level, stream: fileStream })
  }
  root = pino({ ...baseOptions, level }, pino.multistream(streams))
  return log
}

/** Flushes and closes the log file (shutdown). */
export function closeLog(): Promise<void> {
  const s = fileStream
  fileStream = undefined
  if (!s) return Promise.resolve()
  return new Promise((resolve) => s.end(() => resolve()))
}
