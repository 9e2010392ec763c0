import { describe, expect, test } from 'vitest'
import type { Attachment } from '../../../src-main/contract/chat'
import type { Api } from '../../../src-renderer/src/api/client'
import { groupMessages, type UserItem } from '../../../src-renderer/src/chat/model'
import { createConversationStore } from '../../../src-renderer/src/stores/conversation'

// A 1×1 PNG and a short text file, as the composer reads them (base64 without a data: prefix).
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='
const ATTACHMENTS: Attachment[] = [
  { name: 'dot.png', mimeType: 'image/png', data: PNG },
  { name: 'notes.txt', mimeType: 'text/plain', data: Buffer.from('hello').toString('base64') }
]

/** An Api that records what the store streams and ends every turn at once. */
function fakeApi() {
  const streams: { name: string; input: unknown }[] = []
  const api = {
    async call(name: string) {
      if (name === 'sessions.create') return { id: 's1', agentId: 'a1' }
      if (name === 'sessions.messages') return []
      throw new Error(`unexpected call ${name}`)
    },
    stream(name: string, input: unknown, onEvent: (e: unknown) => void) {
      streams.push({ name, input })
      onEvent({ type: 'done', status: 'ok', messageId: 'm1' })
      return { done: Promise.resolve(), cancel() {} }
    }
  } as unknown as Api
  return { api, streams }
}

describe('conversation store: attachments', () => {
  test('chat.turn carries the attachments; the user message shows them at once (images with a local data URL)', async () => {
    const { api, streams } = fakeApi()
    const store = createConversationStore(api, { flushMs: 0 })
    await store.getState().open('a1', null)
    await store.getState().send('What is this?', ATTACHMENTS)

    expect(streams).toEqual([{ name: 'chat.turn', input: { sessionId: 's1', message: 'What is this?', attachments: ATTACHMENTS } }])
    const user = store.getState().items[0] as UserItem
    expect(user.kind).toBe('user')
    expect(user.attachments).toEqual([
      { name: 'dot.png', mimeType: 'image/png', size: 70, kind: 'image', dataUrl: `data:image/png;base64,${PNG}` },
      { name: 'notes.txt', mimeType: 'text/plain', size: 5, kind: 'file' }
    ])
  })

  test('a message without attachments sends no attachments field', async () => {
    const { api, streams } = fakeApi()
    const store = createConversationStore(api, { flushMs: 0 })
    await store.getState().open('a1', null)
    await store.getState().send('Hi')
    expect(streams[0]?.input).toEqual({ sessionId: 's1', message: 'Hi' })
    expect((store.getState().items[0] as UserItem).attachments).toBeUndefined()
  })

  test('a stored user message (history) keeps its attachments', () => {
    const attachments = [{ name: 'dot.png', mimeType: 'image/png', size: 70, kind: 'image' as const, dataUrl: `data:image/png;base64,${PNG}` }]
    const [user] = groupMessages([{ id: 'm1', sessionId: 's1', role: 'user', content: 'Look', meta: { attachments }, createdAt: 1 }])
    expect(user).toMatchObject({ kind: 'user', content: 'Look', attachments })
  })
})
