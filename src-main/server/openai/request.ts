import type OpenAI from 'openai'
import type { z } from 'zod'
import type { OpenAiChatRequest } from '../../contract/chat'
import { AppError } from '../../contract/errors'

type Msg = OpenAI.Chat.Completions.ChatCompletionMessageParam
type Incoming = z.output<typeof OpenAiChatRequest>['messages'][number]

function text(content: Incoming['content']): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content
    .filter((p) => p.type === 'text' && typeof p.text === 'string')
    .map((p) => p.text)
    .join('')
}

const invalid = (message: string) => new AppError('validation_failed', `Invalid request: messages: ${message}`, { issues: [{ path: 'messages', message }] })

/**
 * An OpenAI conversation → one agent turn: system and developer messages are added to the agent's
 * instructions, the last user message is what the agent answers, everything before it is history.
 * Tool messages belong to the caller's own tools, which an agent does not run, so they are dropped.
 */
export function toTurnInput(messages: Incoming[]): { message: string; history: Msg[]; extraSystem: string | undefined } {
  const system = messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => text(m.content).trim())
  const talk = messages.filter((m) => m.role === 'user' || m.role === 'assistant')
  const last = talk.at(-1)
  if (!last || last.role !== 'user') throw invalid('the last message must be from the user')
  const message = text(last.content)
  if (!message.trim()) throw invalid('the last user message has no text')
  const history: Msg[] = []
  for (const m of talk.slice(0, -1)) {
    const t = text(m.content)
    if (t) history.push(m.role === 'user' ? { role: 'user', content: t } : { role: 'assistant', content: t })
  }
  return { message, history, extraSystem: system.filter(Boolean).join('\n\n') || undefined }
}
