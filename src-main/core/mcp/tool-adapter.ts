import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import type { McpToolInfo } from '../../contract/entities'
import type { JsonSchema, ToolResult } from '../chat/tool-registry'

/** OpenAI's limit on function names; other providers accept at least this. */
const MAX_NAME = 64
const SEP = '__'

const clean = (s: string) => s.replace(/[^a-zA-Z0-9_-]/g, '_')

/**
 * The namespace of a server's tools: its name made safe. A name with no Latin letter or digit
 * (e.g. "文件") would become only underscores, so it falls back to a stable id-based prefix.
 */
export function serverPrefix(serverName: string, toolId: string): string {
  const base = clean(serverName.trim()).replace(/_+/g, '_').replace(/^_|_$/g, '')
  return (/[a-zA-Z0-9]/.test(base) ? base : `mcp_${toolId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 8)}`).slice(0, 25)
}

/**
 * `<server>__<tool>`, so two servers can both offer `search`. Cut to 64 characters; a clash
 * within the turn (after cutting) gets a numeric suffix. The MCP name is kept separately for the call.
 */
export function namespacedName(prefix: string, tool: string, taken: Set<string>): string {
  const full = `${prefix}${SEP}${clean(tool)}`
  let name = full.slice(0, MAX_NAME)
  for (let i = 2; taken.has(name); i++) {
    const suffix = `_${i}`
    name = full.slice(0, MAX_NAME - suffix.length) + suffix
  }
  taken.add(name)
  return name
}

/** MCP allows a bare `{type:'object'}` or even a missing type; providers want a full object schema. */
export function toParameters(schema: Record<string, unknown> | undefined): JsonSchema {
  const s = { ...(schema ?? {}) }
  if (s.type === undefined) s.type = 'object'
  if (s.type === 'object' && (typeof s.properties !== 'object' || s.properties === null)) s.properties = {}
  return s
}

const kb = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`)
const base64Bytes = (b64: string) => Math.floor((b64.length * 3) / 4) - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0)

/** What a chart server's text looks like: `{"type":"chart","chart":{…ECharts option…}}`. */
function chartCard(text: string): ToolResult['card'] | undefined {
  const t = text.trimStart()
  if (!t.startsWith('{') || !t.includes('"chart"')) return undefined
  try {
    const v = JSON.parse(t) as { type?: unknown; chart?: unknown }
    if (v?.type !== 'chart' || !v.chart || typeof v.chart !== 'object' || Array.isArray(v.chart)) return undefined
    const option = v.chart as Record<string, unknown>
    const title = (option.title as { text?: unknown } | undefined)?.text
    return { type: 'chart', data: { option, ...(typeof title === 'string' && title && { title: title.slice(0, 200) }) } }
  } catch {
    return undefined
  }
}

/**
 * An MCP result as the turn wants it: text for the model; images as data URLs (for vision
 * models) with a note in the text so a text-only model knows one came; embedded resources as
 * their text; `isError` kept; a chart result also becomes a chart card.
 */
export function mapResult(result: CallToolResult, opts: { maxChars?: number } = {}): ToolResult {
  const parts: string[] = []
  const images: string[] = []
  let card: ToolResult['card']
  // Older servers answer with `toolResult` instead of `content`.
  const content = Array.isArray(result.content) ? result.content : []
  for (const item of content) {
    switch (item.type) {
      case 'text':
        parts.push(item.text)
        card ??= chartCard(item.text)
        break
      case 'image':
        images.push(`data:${item.mimeType};base64,${item.data}`)
        parts.push(`[image ${images.length}: ${item.mimeType}, ${kb(base64Bytes(item.data))}, attached for viewing]`)
        break
      case 'audio':
        parts.push(`[audio: ${item.mimeType}, ${kb(base64Bytes(item.data))}, not playable here]`)
        break
      case 'resource': {
        const r = item.resource
        if ('text' in r && typeof r.text === 'string') parts.push(r.text)
        else if ('blob' in r && typeof r.blob === 'string') {
          if (r.mimeType?.startsWith('image/')) {
            images.push(`data:${r.mimeType};base64,${r.blob}`)
            parts.push(`[image ${images.length}: ${r.uri} (${r.mimeType}), attached for viewing]`)
          } else parts.push(`[binary resource ${r.uri}${r.mimeType ? ` (${r.mimeType})` : ''}, ${kb(base64Bytes(r.blob))}]`)
        }
        break
      }
      case 'resource_link':
        parts.push(`[resource: ${item.name}${item.description ? ` – ${item.description}` : ''} <${item.uri}>]`)
        break
    }
  }
  if (!parts.length && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent))
  if (!parts.length && 'toolResult' in result) parts.push(JSON.stringify((result as unknown as { toolResult: unknown }).toolResult))
  let text = parts.join('\n')
  const max = opts.maxChars ?? 100_000
  // A huge result (a whole file, a database dump) would crowd the history out of the context.
  if (text.length > max) text = `${text.slice(0, max)}\n… (cut: the result had ${text.length} characters; ask for a smaller part)`
  return {
    content: text || (result.isError ? 'The tool failed without saying why.' : '(the tool returned nothing)'),
    ...(result.isError && { isError: true }),
    ...(images.length && { images }),
    ...(card && !result.isError && { card })
  }
}

/** The tools of a server an agent may use: all when `enabledTools` is null. */
export function selectTools(tools: McpToolInfo[], enabledTools: string[] | null): McpToolInfo[] {
  if (enabledTools === null) return tools
  const wanted = new Set(enabledTools)
  return tools.filter((t) => wanted.has(t.name))
}
