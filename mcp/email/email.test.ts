import { createServer, type AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startSmtpSink, type SmtpSink } from '../../tests/utils/smtp-sink.js'
import { callError, callJson, connect, connectInMemory, type Peer, type TransportName } from '../testing/peers.js'
import { smtpSettingsFrom, type SmtpSettings } from './config.js'
import { createEmailServer } from './server.js'

/** A port nothing listens on: bind one, note it, release it. */
async function closedPort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

const credentials = { user: 'agent', pass: 's3cret' }
let sink: SmtpSink

beforeAll(async () => {
  sink = await startSmtpSink({ credentials })
})
afterAll(() => sink?.close())
beforeEach(() => {
  sink.received.length = 0
})

function smtpEnv(): Record<string, string> {
  return {
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(sink.port),
    SMTP_SECURE: 'false',
    SMTP_USER: credentials.user,
    SMTP_PASS: credentials.pass,
    SMTP_FROM: 'Agenta <bot@agenta.test>'
  }
}

describe.each<TransportName>(['stdio', 'http'])('email server over %s', (transport) => {
  let peer: Peer
  beforeAll(async () => {
    peer = await connect(transport, 'email', [], smtpEnv())
  })
  afterAll(() => peer?.close())

  it('lists notify', async () => {
    const { tools } = await peer.client.listTools()
    expect(tools.map((t) => t.name)).toEqual(['notify'])
    expect(Object.keys(tools[0].inputSchema.properties ?? {}).sort()).toEqual(['content', 'html', 'subject', 'to'])
  })

  it('delivers a plain-text mail to the sink', async () => {
    const report = await callJson(peer.client, 'notify', {
      to: 'ops@example.test',
      subject: `Daily visitors (${transport})`,
      content: 'Yesterday: 1234 visitors.'
    })
    expect(report).toMatchObject({ sent: true, accepted: ['ops@example.test'], rejected: [] })
    expect(sink.received).toHaveLength(1)
    const [mail] = sink.received
    expect(mail).toMatchObject({ from: 'bot@agenta.test', to: ['ops@example.test'], user: credentials.user })
    expect(mail.raw).toContain(`Subject: Daily visitors (${transport})`)
    expect(mail.raw).toContain('Content-Type: text/plain')
    expect(mail.raw).toContain('Yesterday: 1234 visitors.')
  })

  it('sends HTML to a list of recipients', async () => {
    await callJson(peer.client, 'notify', {
      to: ['a@example.test', 'b@example.test'],
      content: '<p>Report <b>ready</b></p>',
      html: true
    })
    const [mail] = sink.received
    expect(mail.to).toEqual(['a@example.test', 'b@example.test'])
    expect(mail.raw).toContain('Content-Type: text/html')
    expect(mail.raw).toContain('<p>Report <b>ready</b></p>')
    expect(mail.raw).toContain('Subject: Notification from Agenta Studio')
  })

  it('refuses a bad address without sending anything', async () => {
    const error = await callError(peer.client, 'notify', { to: ['ok@example.test', 'nobody'], content: 'x' })
    expect(error).toMatch(/nobody/)
    expect(sink.received).toHaveLength(0)
  })
})

describe('email failures', () => {
  function settings(overrides: Partial<SmtpSettings>): SmtpSettings {
    return { ...smtpSettingsFrom({}, smtpEnv())!, timeoutMs: 3000, ...overrides }
  }

  async function notifyError(smtp: SmtpSettings | undefined): Promise<string> {
    const client = await connectInMemory(createEmailServer({ smtp }))
    return callError(client, 'notify', { to: 'a@example.test', content: 'x' })
  }

  it('says connection refused, naming the server', async () => {
    const port = await closedPort()
    expect(await notifyError(settings({ port }))).toBe(
      `Cannot connect to SMTP server 127.0.0.1:${port}: connection refused (is it running, and is SMTP_PORT right?)`
    )
  })

  it('says the login was refused', async () => {
    expect(await notifyError(settings({ pass: 'wrong' }))).toMatch(/SMTP login as "agent" was refused by 127\.0\.0\.1:\d+\. Server replied: 535/)
  })

  it('says how to configure SMTP when it is not', async () => {
    expect(await notifyError(undefined)).toMatch(/Email is not configured: set SMTP_HOST/)
  })

  it('reads settings from flags before env, with sensible defaults', () => {
    expect(smtpSettingsFrom({ 'smtp-host': 'mail.example.test' }, { SMTP_HOST: 'ignored', SMTP_PORT: '465' })).toMatchObject({
      host: 'mail.example.test',
      port: 465,
      secure: true,
      rejectUnauthorized: true
    })
    expect(smtpSettingsFrom({}, { SMTP_HOST: 'h' })).toMatchObject({ port: 587, secure: false })
    expect(smtpSettingsFrom({}, {})).toBeUndefined()
    expect(() => smtpSettingsFrom({}, { SMTP_HOST: 'h', SMTP_SECURE: 'maybe' })).toThrow(/SMTP_SECURE must be true or false/)
  })
})
