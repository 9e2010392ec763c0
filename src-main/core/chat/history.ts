import type OpenAI from 'openai'
import type { ChatMessage } from '../../contract/chat'
import { userContent } from './attachments'

type Msg = OpenAI.Chat.Completions.ChatCompletionMessageParam

/** Cheap token estimate without a tokenizer: CJK characters count one each, other text one per four characters. */
export function estimateTokens(text: string): number {
  let cjk = 0
  for (const ch of text) if (/[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]/.test(ch)) cjk++
  return cjk + Math.ceil((text.length - cjk) / 4) + 4
}

/** Stored messages → OpenAI messages, repairing what a stopped turn may have left unpaired. */
export function toModelMessages(stored: ChatMessage[]): Msg[] {
  const out: Msg[] = []
  for (let i = 0; i < stored.length; i++) {
    const m = stored[i]
    if (m.role === 'user') out.push({ role: 'user', content: userContent(m.content, m.meta.attachments) })
    else if (m.role === 'assistant') {
      const calls = m.meta.toolCalls ?? []
      if (!calls.length) {
        if (m.content) out.push({ role: 'assistant', content: m.content })
        continue
      }
      out.push({
        role: 'assistant',
        content: m.content || null,
        tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }))
      })
      // Every call needs its result right after, or the provider rejects the whole request.
      const results = new Map<string, ChatMessage>()
      while (stored[i + 1]?.role === 'tool') {
        i++
        results.set(stored[i].meta.toolCallId ?? '', stored[i])
      }
      for (const c of calls) {
        out.push({ role: 'tool', tool_call_id: c.id, content: results.get(c.id)?.content ?? '(no result: the turn was stopped before this tool finished)' })
      }
    }
    // A tool message without its assistant message is an orphan: skipped.
  }
  return out
}

/**
 * The newest turns that fit the budget, whole turns only (a user message with everything that
 * answered it). The system prompt is not part of the window and is never dropped.
 */
export function windowHistory(messages: Msg[], budgetTokens: number): { messages: Msg[]; dropped: number } {
  const turns: Msg[][] = []
  for (const m of messages) {
    if (m.role === 'user' || !turns.length) turns.push([m])
    else turns[turns.length - 1].push(m)
  }
  const cost = (m: Msg) =>
    estimateTokens(typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? '')) +
    ('tool_calls' in m && m.tool_calls ? estimateTokens(JSON.stringify(m.tool_calls)) : 0)
  let used = 0
  let keep = 0
  for (let t = turns.length - 1; t >= 0; t--) {
    const c = turns[t].reduce((s, m) => s + cost(m), 0)
    if (used + c > budgetTokens && keep > 0) break
    used += c
    keep++
  }
  const kept = turns.slice(turns.length - keep)
  const dropped = turns.slice(0, turns.length - keep).reduce((s, t) => s + t.length, 0)
  return { messages: kept.flat(), dropped }
}
