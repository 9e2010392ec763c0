import { describe, expect, it } from 'vitest'
import { estimateTokens, toModelMessages, windowHistory } from '../../../src-main/core/chat/history'
import { renderSystemPrompt } from '../../../src-main/core/chat/system-prompt'
import type { ChatMessage } from '../../../src-main/contract/chat'
import { AgentCreate } from '../../../src-main/contract/entities'

const msg = (role: ChatMessage['role'], content: string, meta: ChatMessage['meta'] = {}): ChatMessage => ({
  id: Math.random().toString(36),
  sessionId: 's',
  role,
  content,
  meta,
  createdAt: 0
})

describe('history', () => {
  it('counts Chinese characters as tokens one by one', () => {
    expect(estimateTokens('门票价格是八十八元')).toBeGreaterThan(estimateTokens('ticket price'))
  })

  it('keeps the newest whole turns within the budget and always the last one', () => {
    const stored = [
      msg('user', 'a'.repeat(400)),
      msg('assistant', 'b'.repeat(400)),
      msg('user', 'c'.repeat(400)),
      msg('assistant', 'd'.repeat(400)),
      msg('user', 'question')
    ]
    const all = toModelMessages(stored)
    const { messages, dropped } = windowHistory(all, 230)
    expect(messages.map((m) => String(m.content)[0])).toEqual(['c', 'd', 'q'])
    expect(dropped).toBe(2)
    // However small the budget, the current question goes out.
    expect(windowHistory(all, 1).messages).toEqual([{ role: 'user', content: 'question' }])
  })

  it('gives every tool call a result, even when the turn was stopped before it ran', () => {
    const stored = [
      msg('user', 'hi'),
      msg('assistant', '', {
        toolCalls: [
          { id: 'c1', name: 'a', arguments: '{}' },
          { id: 'c2', name: 'b', arguments: '{}' }
        ]
      }),
      msg('tool', 'result a', { toolCallId: 'c1' }),
      msg('assistant', 'partial', { status: 'stopped' })
    ]
    const out = toModelMessages(stored)
    expect(out.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool', 'assistant'])
    expect(out[2]).toMatchObject({ tool_call_id: 'c1', content: 'result a' })
    expect(out[3]).toMatchObject({ tool_call_id: 'c2', content: expect.stringContaining('no result') })
  })
})

describe('system prompt', () => {
  it('fills in date, user and agent variables and leaves unknown ones alone', () => {
    const agent = {
      ...AgentCreate.parse({ name: 'Guide', systemPrompt: 'Today is {{date}} ({{weekday}}). Hello {{user_name}}, I am {{agent_name}}. {{unknown}}' }),
      providerId: null,
      model: null,
      id: 'a',
      uuid: 'u',
      publicKey: 'pk',
      createdAt: 0,
      updatedAt: 0
    }
    const out = renderSystemPrompt(agent, { userId: 'u1', userName: 'Li Lei', now: new Date('2026-03-05T10:00:00Z'), timeZone: 'Asia/Shanghai' })
    expect(out).toBe('Today is 2026-03-05 (Thursday). Hello Li Lei, I am Guide. {{unknown}}')
  })
})
