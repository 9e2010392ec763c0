import type OpenAI from 'openai'
import type { z } from 'zod'
import type { OpenAiChatRequest } from '../../contract/chat'
import { AppError } from '../../contract/errors'

type Msg = OpenAI.Chat.Completions.ChatCompletionMessageParam
type Incoming = z.output<typeof OpenAiChatRequest>['messages'][number]

const invalid = (message: string) => new AppError('validation_failed', `Invalid request: messages: ${message}`, { issues: [{ path: 'messages', message }] })

/** A message's text. Other parts (images, audio, files) are refused, not dropped: the answer would ignore them. */
function text(content: Incoming['content']): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  const other = content.find((p) => p.type !== 'text')
  if (other) throw invalid(`content parts of type "${other.type}" are not supported: send text parts only`)
  return content.map((p) => (typeof p.text === 'string' ? p.text : '')).join('')
}

/** The tool calls of an assistant message, as OpenAI sends them back to the model. */
function toolCallsOf(m: Incoming): OpenAI.Chat.Completions.ChatCompletionMessageToolCall[] {
  const calls = (m as { tool_calls?: unknown }).tool_calls
  if (calls === undefined || calls === null) return []
  if (!Array.isArray(calls)) throw invalid('tool_calls must be an array')
  return calls.map((c) => {
    const call = c as { id?: unknown; function?: { name?: unknown; arguments?: unknown } }
    if (typeof call?.id !== 'string' || typeof call.function?.name !== 'string') throw invalid('each tool call needs an id and a function name')
    const args = call.function.arguments
    return { id: call.id, type: 'function', function: { name: call.function.name, arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}) } }
  })
}

/**
 * An OpenAI conversation → one agent turn: system and developer messages are added to the agent's
 * instructions, the last user message is what the agent answers, everything before it is history.
 * A conversation may also end with the results of the caller's own tools (`role: tool` after the
 * assistant's `tool_calls`): then there is no new message and the turn goes on from those results.
 */
export function toTurnInput(messages: Incoming[]): { message: string | undefined; history: Msg[]; extraSystem: string | undefined; title: string } {
  const system = messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => text(m.content).trim())
  const talk = messages.filter((m) => m.role !== 'system' && m.role !== 'developer')
  const last = talk.at(-1)
  if (!last || (last.role !== 'user' && last.role !== 'tool')) throw invalid('the last message must be from the user (or the results of your tools)')
  const asking = last.role === 'user'
  const message = asking ? text(last.content) : undefined
  if (asking && !message!.trim()) throw invalid('the last user message has no text')
  const history: Msg[] = []
  for (const m of asking ? talk.slice(0, -1) : talk) {
    const t = text(m.content)
    if (m.role === 'user') {
      if (t) history.push({ role: 'user', content: t })
    } else if (m.role === 'assistant') {
      const calls = toolCallsOf(m)
      if (calls.length) history.push({ role: 'assistant', content: t || null, tool_calls: calls })
      else if (t) history.push({ role: 'assistant', content: t })
    } else {
      const id = (m as { tool_call_id?: unknown }).tool_call_id
      if (typeof id !== 'string' || !id) throw invalid('a tool message needs the tool_call_id it answers')
      history.push({ role: 'tool', tool_call_id: id, content: t })
    }
  }
  pairToolResults(history)
  const lastUser = [...talk].reverse().find((m) => m.role === 'user')
  return {
    message,
    history,
    extraSystem: system.filter(Boolean).join('\n\n') || undefined,
    title: (lastUser ? text(lastUser.content) : '').replace(/\s+/g, ' ').trim().slice(0, 40)
  }
}

/**
 * Providers refuse a conversation whose tool calls and results do not pair up: each assistant
 * message's calls answered by `role: tool` messages right after it, and no result without its call.
 * Said here as a 400 the caller can fix, rather than a provider error after the turn started.
 */
function pairToolResults(history: Msg[]) {
  const unanswered = (ids: Set<string>) => invalid(`the tool calls ${[...ids].map((id) => `"${id}"`).join(', ')} have no tool message with their result`)
  let open = new Set<string>()
  for (const m of history) {
    if (m.role === 'tool') {
      if (!open.delete(m.tool_call_id)) throw invalid(`the tool message for "${m.tool_call_id}" does not follow an assistant message that made that call`)
      continue
    }
    if (open.size) throw unanswered(open)
    open = new Set(m.role === 'assistant' && m.tool_calls ? m.tool_calls.map((c) => c.id) : [])
  }
  if (open.size) throw unanswered(open)
}
