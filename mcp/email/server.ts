import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'
import { errorResult, guarded, jsonResult } from '../shared/results.js'
import { serverInfo } from '../shared/server-info.js'
import type { SmtpSettings } from './config.js'
import { sendMail } from './mailer.js'

export interface EmailServerOptions {
  /** Undefined leaves the server listable but every send explains how to configure SMTP. */
  smtp?: SmtpSettings
  defaultSubject?: string
}

const address = z.email({ error: (issue) => `"${String(issue.input)}" is not an email address` })

const notifyInput = {
  to: z.union([address, z.array(address).min(1).max(100)]).describe('One recipient address or a list of addresses'),
  subject: z.string().max(300).optional().describe('Subject line (a default is used when omitted)'),
  content: z.string().min(1).max(1_000_000).describe('The message body: plain text, or HTML when html is true'),
  html: z.boolean().optional().describe('Send content as HTML instead of plain text')
}

export function createEmailServer(options: EmailServerOptions = {}): McpServer {
  const server = new McpServer(serverInfo('agenta-email', 'Agenta email'), {
    instructions: 'notify sends an email through the SMTP server this tool was configured with.'
  })
  server.registerTool(
    'notify',
    {
      title: 'Send an email',
      description: 'Send an email notification to one or more recipients through the configured SMTP server. Returns who accepted it.',
      inputSchema: notifyInput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true }
    },
    guarded(async (input) => {
      if (!options.smtp) {
        return errorResult('Email is not configured: set SMTP_HOST (and SMTP_PORT, SMTP_SECURE, SMTP_USER, SMTP_PASS, SMTP_FROM) for this tool')
      }
      const to = Array.isArray(input.to) ? input.to : [input.to]
      const report = await sendMail(options.smtp, {
        to,
        subject: input.subject ?? options.defaultSubject ?? 'Notification from Agenta Studio',
        content: input.content,
        html: input.html ?? false
      })
      if (report.accepted.length === 0) {
        return errorResult(`No recipient was accepted; rejected: ${report.rejected.join(', ')}. ${report.response}`)
      }
      return jsonResult({ sent: true, ...report })
    })
  )
  return server
}
