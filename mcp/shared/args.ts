import { parseArgs } from 'node:util'

export type TransportKind = 'stdio' | 'http'

export interface TransportArgs {
  transport: TransportKind
  host: string
  port: number
}

export interface FlagSpec {
  type: 'string' | 'boolean'
  description: string
  /** The env var that sets the same thing; shown in --help so both ways stay discoverable. */
  env?: string
}
export type FlagSpecs = Record<string, FlagSpec>
export type FlagValues<F extends FlagSpecs> = {
  [K in keyof F]?: F[K]['type'] extends 'boolean' ? boolean : string
}

/** Bad command line: the runner prints it with the usage text and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

export interface ParsedArgs<F extends FlagSpecs> {
  help: boolean
  transport: TransportArgs
  flags: FlagValues<F>
}

const transportFlags: FlagSpecs = {
  transport: { type: 'string', description: 'stdio (default) or http (streamable HTTP at /mcp)' },
  host: { type: 'string', description: 'HTTP bind address (default 127.0.0.1; LAN exposure is opt-in)' },
  port: { type: 'string', description: 'HTTP port (0 picks a free one and prints it)' },
  help: { type: 'boolean', description: 'show this help' }
}

export function parseServerArgs<F extends FlagSpecs>(argv: string[], serverFlags: F, defaultPort: number): ParsedArgs<F> {
  const all = { ...transportFlags, ...serverFlags }
  let values: Record<string, string | boolean | undefined>
  try {
    const options = Object.fromEntries(Object.entries(all).map(([name, spec]) => [name, { type: spec.type }]))
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values
  } catch (error) {
    throw new UsageError((error as Error).message)
  }

  const transport = (values.transport as string | undefined) ?? 'stdio'
  if (transport !== 'stdio' && transport !== 'http') {
    throw new UsageError(`--transport must be stdio or http, got "${transport}"`)
  }
  const port = parseInteger(values.port as string | undefined, '--port', 0, 65535) ?? defaultPort
  const flags = Object.fromEntries(Object.keys(serverFlags).map((name) => [name, values[name]])) as FlagValues<F>
  return {
    help: values.help === true,
    transport: { transport, host: (values.host as string | undefined) ?? '127.0.0.1', port },
    flags
  }
}

export function usage(command: string, serverFlags: FlagSpecs, defaultPort: number): string {
  const lines = [`Usage: ${command} [--transport stdio|http] [--host H] [--port N] [options]`, '', 'Options:']
  for (const [name, spec] of Object.entries({ ...transportFlags, ...serverFlags })) {
    const flag = spec.type === 'string' ? `--${name} <value>` : `--${name}`
    const env = spec.env ? ` [env ${spec.env}]` : ''
    const extra = name === 'port' ? ` (default ${defaultPort})` : ''
    lines.push(`  ${flag.padEnd(26)} ${spec.description}${extra}${env}`)
  }
  return lines.join('\n')
}

/** Flag wins over env, so a one-off run can override what the app's environment sets. */
export function flagOrEnv(flag: string | undefined, env: NodeJS.ProcessEnv, name: string): string | undefined {
  if (flag !== undefined && flag !== '') return flag
  const value = env[name]
  return value === undefined || value === '' ? undefined : value
}

/** Reads a server flag, falling back to the env var its spec names. */
export function settingReader<F extends FlagSpecs>(specs: F, flags: FlagValues<F>, env: NodeJS.ProcessEnv) {
  return (name: keyof F & string): string | undefined => {
    const flag = flags[name]
    const envName = specs[name].env
    return flagOrEnv(typeof flag === 'string' ? flag : undefined, env, envName ?? '')
  }
}

export function parseBoolean(text: string | boolean | undefined, what: string): boolean | undefined {
  if (text === undefined || typeof text === 'boolean') return text
  const normalized = text.trim().toLowerCase()
  if (['1', 'true', 'yes', 'on'].includes(normalized)) return true
  if (['0', 'false', 'no', 'off'].includes(normalized)) return false
  throw new UsageError(`${what} must be true or false, got "${text}"`)
}

export function parseInteger(text: string | undefined, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${what} must be an integer from ${min} to ${max}, got "${text}"`)
  }
  return value
}
