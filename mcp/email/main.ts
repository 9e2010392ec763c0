import { settingReader, type FlagSpecs } from '../shared/args.js'
import { runCli } from '../shared/cli.js'
import { smtpFlags, smtpSettingsFrom } from './config.js'
import { createEmailServer } from './server.js'

const emailFlags = {
  ...smtpFlags,
  'default-subject': { type: 'string', description: 'subject when a call gives none', env: 'EMAIL_DEFAULT_SUBJECT' }
} satisfies FlagSpecs

await runCli({
  name: 'agenta-email',
  entry: 'mcp/email/main.ts',
  defaultPort: 3102,
  flags: emailFlags,
  createFactory(flags, env) {
    const smtp = smtpSettingsFrom(flags, env)
    if (!smtp) process.stderr.write('[agenta-email] SMTP_HOST is not set: notify will report that email is not configured\n')
    const defaultSubject = settingReader(emailFlags, flags, env)('default-subject')
    return () => createEmailServer({ smtp, defaultSubject })
  }
})
