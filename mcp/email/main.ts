import { runCli } from '../shared/cli.js'
import { smtpFlags, smtpSettingsFrom } from './config.js'
import { createEmailServer } from './server.js'

await runCli({
  name: 'agenta-email',
  entry: 'mcp/email/main.ts',
  defaultPort: 3102,
  flags: {
    ...smtpFlags,
    'default-subject': { type: 'string', description: 'subject when a call gives none', env: 'EMAIL_DEFAULT_SUBJECT' }
  },
  createFactory(flags, env) {
    const smtp = smtpSettingsFrom(flags, env)
    if (!smtp) process.stderr.write('[agenta-email] SMTP_HOST is not set: notify will report that email is not configured\n')
    const defaultSubject = flags['default-subject'] ?? env.EMAIL_DEFAULT_SUBJECT
    return () => createEmailServer({ smtp, defaultSubject })
  }
})
