import nodemailer from 'nodemailer'
import { ToolError } from '../shared/results.js'
import type { SmtpSettings } from './config.js'

export interface OutgoingMail {
  to: string[]
  subject: string
  content: string
  html: boolean
}

export interface SendReport {
  messageId: string
  accepted: string[]
  rejected: string[]
  response: string
}

interface SmtpFailure extends Error {
  code?: string
  response?: string
  responseCode?: number
  rejected?: string[]
}

export async function sendMail(settings: SmtpSettings, mail: OutgoingMail): Promise<SendReport> {
  const from = settings.from ?? settings.user
  if (!from) throw new ToolError('No sender address: set SMTP_FROM (or --smtp-from), or SMTP_USER if it is an address')
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: settings.user ? { user: settings.user, pass: settings.pass ?? '' } : undefined,
    tls: { rejectUnauthorized: settings.rejectUnauthorized },
    // nodemailer waits minutes by default; an agent turn should hear back in seconds.
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs
  })
  try {
    const info = await transport.sendMail({
      from,
      to: mail.to,
      subject: mail.subject,
      ...(mail.html ? { html: mail.content } : { text: mail.content })
    })
    return {
      messageId: info.messageId,
      accepted: info.accepted.map(String),
      rejected: info.rejected.map(String),
      response: info.response
    }
  } catch (error) {
    throw new ToolError(explain(error as SmtpFailure, settings))
  } finally {
    transport.close()
  }
}

/** nodemailer's messages are terse; say which server, which setting, and what the server replied. */
function explain(error: SmtpFailure, settings: SmtpSettings): string {
  const server = `${settings.host}:${settings.port}`
  const reply = error.response ? ` Server replied: ${error.response}` : ''
  switch (error.code) {
    case 'ECONNECTION':
    case 'ESOCKET':
      if (/ECONNREFUSED/.test(error.message)) return `Cannot connect to SMTP server ${server}: connection refused (is it running, and is SMTP_PORT right?)`
      if (/wrong version number|ssl|tls/i.test(error.message)) {
        return `TLS failed with SMTP server ${server} (${error.message}). Use SMTP_SECURE=true for port 465 and false for 587/25.`
      }
      return `Lost the connection to SMTP server ${server}: ${error.message}`
    case 'EDNS':
      return `SMTP host "${settings.host}" not found: ${error.message}`
    case 'ETIMEDOUT':
      return `SMTP server ${server} did not answer within ${settings.timeoutMs} ms`
    case 'ETLS':
      return `TLS failed with SMTP server ${server}: ${error.message}. For a self-signed certificate set SMTP_TLS_REJECT_UNAUTHORIZED=false.`
    case 'EAUTH':
    case 'ENOAUTH':
      return `SMTP login as "${settings.user ?? ''}" was refused by ${server}.${reply}`
    case 'EENVELOPE': {
      const who = error.rejected?.length ? ` (${error.rejected.join(', ')})` : ''
      return `SMTP server ${server} refused the sender or recipients${who}.${reply}`
    }
    case 'EMESSAGE':
      return `SMTP server ${server} refused the message.${reply}`
    default:
      return `Sending mail through ${server} failed: ${error.message}${error.code ? ` (${error.code})` : ''}`
  }
}
