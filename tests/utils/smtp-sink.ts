import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

export interface Mail {
  from: string
  to: string[]
  /** Who logged in, when the sink asks for credentials. */
  user: string | undefined
  raw: string
}

/**
 * A real SMTP server on a free loopback port that keeps what it receives. With credentials it
 * requires a login; recipients for which `refuse` says yes are rejected like an unknown mailbox.
 * STARTTLS is off: its certificate would be self-signed.
 */
export async function startSmtpSink(opts: { credentials?: { user: string; pass: string }; refuse?: (address: string) => boolean } = {}) {
  const received: Mail[] = []
  const { credentials, refuse } = opts
  const server = new SMTPServer({
    logger: false,
    disabledCommands: credentials ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !credentials,
    allowInsecureAuth: true,
    onAuth(auth, _session, done) {
      if (credentials && auth.username === credentials.user && auth.password === credentials.pass) done(null, { user: auth.username })
      else done(new Error('Invalid username or password'))
    },
    onRcptTo(address, _session, done) {
      if (refuse?.(address.address)) done(new Error('No such user here'))
      else done()
    },
    onData(stream, session, done) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks).toString()
        })
        done()
      })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>
