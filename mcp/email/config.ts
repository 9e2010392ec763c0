import { parseBoolean, settingReader, parseInteger, type FlagSpecs, type FlagValues } from '../shared/args.js'

export interface SmtpSettings {
  host: string
  port: number
  /** Implicit TLS from the first byte (port 465). When false, STARTTLS is still used if offered. */
  secure: boolean
  user?: string
  pass?: string
  from?: string
  /** false accepts self-signed certificates, for a relay on the LAN. */
  rejectUnauthorized: boolean
  timeoutMs: number
}

export const smtpFlags = {
  'smtp-host': { type: 'string', description: 'SMTP server host name', env: 'SMTP_HOST' },
  'smtp-port': { type: 'string', description: 'SMTP port (default 465 when secure, else 587)', env: 'SMTP_PORT' },
  'smtp-secure': { type: 'string', description: 'true for implicit TLS (port 465)', env: 'SMTP_SECURE' },
  'smtp-user': { type: 'string', description: 'SMTP login user', env: 'SMTP_USER' },
  'smtp-pass': { type: 'string', description: 'SMTP password (prefer the env var: flags show up in ps)', env: 'SMTP_PASS' },
  'smtp-from': { type: 'string', description: 'sender address (default: the SMTP user)', env: 'SMTP_FROM' },
  'smtp-timeout': { type: 'string', description: 'connect/greeting/socket timeout in ms (default 15000)', env: 'SMTP_TIMEOUT_MS' },
  'smtp-reject-unauthorized': {
    type: 'string',
    description: 'false to accept self-signed TLS certificates (default true)',
    env: 'SMTP_TLS_REJECT_UNAUTHORIZED'
  }
} satisfies FlagSpecs

/** Undefined when no host is set: the server still starts and notify explains what to configure. */
export function smtpSettingsFrom(flags: FlagValues<typeof smtpFlags>, env: NodeJS.ProcessEnv): SmtpSettings | undefined {
  const read = settingReader(smtpFlags, flags, env)
  const host = read('smtp-host')
  if (!host) return undefined
  const portText = read('smtp-port')
  const port = parseInteger(portText, 'SMTP_PORT', 1, 65535)
  const secure = parseBoolean(read('smtp-secure'), 'SMTP_SECURE') ?? port === 465
  return {
    host,
    port: port ?? (secure ? 465 : 587),
    secure,
    user: read('smtp-user'),
    pass: read('smtp-pass'),
    from: read('smtp-from'),
    rejectUnauthorized: parseBoolean(read('smtp-reject-unauthorized'), 'SMTP_TLS_REJECT_UNAUTHORIZED') ?? true,
    timeoutMs: parseInteger(read('smtp-timeout'), 'SMTP_TIMEOUT_MS', 100) ?? 15_000
  }
}
