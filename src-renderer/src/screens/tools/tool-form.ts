import type { ApiInput } from '@contract/api'
import type { Tool } from '@contract/entities'
import type { FieldMap } from '../../ui/feedback'
import { lines } from '../../ui/format'

export type Transport = Tool['config']['transport']

/** The editor's flat form; `config` is assembled per transport on save. */
export interface ToolFormValues {
  name: string
  remark: string
  category: string
  icon: string
  color: string
  enabled: boolean
  transport: Transport
  command?: string
  argsText?: string
  envText?: string
  cwd?: string
  url?: string
  headersText?: string
}

export const emptyTool: ToolFormValues = {
  name: '',
  remark: '',
  category: 'general',
  icon: '🔧',
  color: '#e8edff',
  enabled: true,
  transport: 'stdio',
  command: '',
  argsText: '',
  envText: '',
  url: '',
  headersText: ''
}

/** `KEY=VALUE` lines; the first `=` splits, so values may contain more. */
export function parseEnv(text: string | undefined): Record<string, string> | string {
  const env: Record<string, string> = {}
  for (const line of lines(text)) {
    const at = line.indexOf('=')
    if (at <= 0) return line
    env[line.slice(0, at).trim()] = line.slice(at + 1)
  }
  return env
}

const toLines = (rec: Record<string, string>, sep: string) =>
  Object.entries(rec)
    .map(([k, v]) => `${k}${sep}${v}`)
    .join('\n')

export function toFormValues(tool: Tool): ToolFormValues {
  const base = { name: tool.name, remark: tool.remark, category: tool.category, icon: tool.icon, color: tool.color, enabled: tool.enabled }
  const c = tool.config
  if (c.transport === 'stdio')
    return { ...base, transport: 'stdio', command: c.command, argsText: c.args.join('\n'), envText: toLines(c.env, '='), cwd: c.cwd ?? '' }
  return { ...base, transport: c.transport, url: c.url, headersText: toLines(c.headers, ':') }
}

export function toInput(v: ToolFormValues): ApiInput<'tools.create'> {
  const base = { name: v.name, remark: v.remark ?? '', category: v.category || 'general', icon: v.icon, color: v.color, enabled: v.enabled }
  if (v.transport === 'stdio') {
    const env = parseEnv(v.envText)
    return {
      ...base,
      config: {
        transport: 'stdio',
        command: v.command ?? '',
        args: lines(v.argsText),
        env: typeof env === 'string' ? {} : env,
        ...(v.cwd?.trim() ? { cwd: v.cwd.trim() } : {})
      }
    }
  }
  // The contract accepts headers as `key:value` lines, as the original studio took them.
  return { ...base, config: { transport: v.transport, url: v.url ?? '', headers: v.headersText ?? '' } }
}

const CONFIG_FIELDS: Record<string, string> = {
  command: 'command',
  args: 'argsText',
  env: 'envText',
  cwd: 'cwd',
  url: 'url',
  headers: 'headersText',
  transport: 'transport'
}

export const toolFieldFor: FieldMap = (path) => {
  const [head, sub] = path.split('.')
  if (head === 'config') return sub && CONFIG_FIELDS[sub] ? [CONFIG_FIELDS[sub]] : null
  return head ? [head] : null
}
