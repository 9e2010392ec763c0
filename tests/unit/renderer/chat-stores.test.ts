import { QueryObserver } from '@tanstack/react-query'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import type { ChatMessage } from '../../../src-main/contract/chat'
import { createApi } from '../../../src-renderer/src/api/client'
import { httpStream, httpTransport } from '../../../src-renderer/src/api/http'
import { growBlocks, emptyCache, splitBlocks } from '../../../src-renderer/src/chat/markdown/blocks'
import { applyTurnEvents, emptyAssistant, groupMessages, type AssistantItem } from '../../../src-renderer/src/chat/model'
import { protocolClient } from '../../../src-renderer/src/phone/protocol'
import { applyChunk, createPhoneStore } from '../../../src-renderer/src/phone/store'
import { createConversationStore } from '../../../src-renderer/src/stores/conversation'
import { PREVIEW_USER } from '../../../src-renderer/src/stores/sessions'
import { createQueryClient } from '../../../src-renderer/src/queries/client'
import { apiKey } from '../../../src-renderer/src/queries/keys'
import { removeSession, renameSession, sessionsInput, sessionsQuery } from '../../../src-renderer/src/queries/sessions'
import { bootServer, type BootedServer } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'

const msg = (m: Partial<ChatMessage> & Pick<ChatMessage, 'role' | 'content'>, i: number): ChatMessage => ({
  id: `m${i}`,
  sessionId: 's',
  meta: {},
  createdAt: i,
  ...m
})

describe('chat model', () => {
  test('stored messages of one run group into one answer: text, tool steps with results, cards, status', () => {
    const items = groupMessages(
      [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: 'Checking.', meta: { runId: 'r1', toolCalls: [{ id: 'c1', name: 'current_time', arguments: '{}' }] } },
        { role: 'tool', content: '{"iso":"x"}', meta: { runId: 'r1', toolCallId: 'c1', toolName: 'current_time' } },
        {
          role: 'assistant',
          content: 'Sunny.',
          meta: { runId: 'r1', status: 'ok', cards: [{ type: 'weather', data: { city: 'X' } }, 'junk'], usage: { promptTokens: 3, completionTokens: 2 } }
        },
        { role: 'user', content: 'Again' },
        { role: 'assistant', content: 'Partial', meta: { runId: 'r2', status: 'stopped' } }
      ].map((m, i) => msg(m as ChatMessage, i))
    )
    expect(items.map((i) => i.kind)).toEqual(['user', 'assistant', 'user', 'assistant'])
    const a = items[1] as AssistantItem
    expect(a).toMatchObject({ id: 'r1', runId: 'r1', status: 'ok', usage: { promptTokens: 3, completionTokens: 2 }, cards: [{ type: 'weather' }] })
    expect(a.parts).toEqual([
      { type: 'text', text: 'Checking.' },
      { type: 'tool', step: { id: 'c1', name: 'current_time', arguments: '{}', result: '{"iso":"x"}', isError: false } },
      { type: 'text', text: 'Sunny.' }
    ])
    expect((items[3] as AssistantItem).status).toBe('stopped')
  })

  test('turn events build the same answer while streaming', () => {
    const item = applyTurnEvents(emptyAssistant('t'), [
      { type: 'start', runId: 'r', sessionId: 's' },
      { type: 'delta', content: 'Chec' },
      { type: 'delta', content: 'king.' },
      { type: 'tool_call', id: 'c1', name: 'current_time', arguments: '{}' },
      { type: 'tool_result', id: 'c1', name: 'current_time', content: 'now', isError: false, durationMs: 4 },
      { type: 'delta', content: 'Done' },
      { type: 'card', card: { type: 'weather', data: {} } },
      { type: 'wait', waitId: 'w', kind: 'input', text: 'Name?' },
      { type: 'done', status: 'ok', messageId: 'm', usage: { promptTokens: 1, completionTokens: 2 } }
    ])
    expect(item.parts).toEqual([
      { type: 'text', text: 'Checking.' },
      { type: 'tool', step: { id: 'c1', name: 'current_time', arguments: '{}', result: 'now', isError: false, durationMs: 4 } },
      { type: 'text', text: 'Done' }
    ])
    expect(item).toMatchObject({ runId: 'r', status: 'ok', cards: [{ type: 'weather' }], wait: { waitId: 'w', answered: true } })
  })

  test("a running tool's step shows the last progress its server reported, on that step only", () => {
    const running = applyTurnEvents(emptyAssistant('t'), [
      { type: 'tool_call', id: 'c1', name: 'copy_files', arguments: '{}' },
      { type: 'tool_call', id: 'c2', name: 'current_time', arguments: '{}' },
      { type: 'tool_progress', id: 'c1', name: 'copy_files', progress: 1, total: 3 },
      { type: 'tool_progress', id: 'c1', name: 'copy_files', progress: 2, total: 3, message: 'photos' }
    ])
    expect(running.parts).toEqual([
      { type: 'tool', step: { id: 'c1', name: 'copy_files', arguments: '{}', progress: { progress: 2, total: 3, message: 'photos' } } },
      { type: 'tool', step: { id: 'c2', name: 'current_time', arguments: '{}' } }
    ])
  })
})

describe('markdown blocks', () => {
  const TEXT = '# Title\n\nSome **bold** text.\n\n- a\n- b\n\n```js\nconst x = 1\n\nlet y\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n$$\nx^2\n$$\n\nEnd'
  test('blocks add up to the text', () => {
    expect(splitBlocks(TEXT).join('')).toBe(TEXT)
  })
  test('growing text: finished blocks are kept as they were, the rest always adds up', () => {
    let cache = emptyCache()
    let frozen: string[] = []
    for (let i = 1; i <= TEXT.length; i += 2) {
      const r = growBlocks(cache, TEXT.slice(0, i))
      expect(r.blocks.join('')).toBe(TEXT.slice(0, i))
      // Finished blocks never change once finished (same strings, same order).
      expect(r.cache.done.slice(0, frozen.length)).toEqual(frozen)
      frozen = r.cache.done
      cache = r.cache
    }
    // An open code fence is never frozen: the blank line inside it does not split it.
    expect(frozen.some((b) => b.startsWith('```js\nconst x = 1\n\nlet y\n```'))).toBe(true)
  })
})

describe('conversation and sessions stores against the server', () => {
  let srv: BootedServer
  let llm: FakeLlm
  let agentId: string
  const api = () => createApi(httpTransport(srv.url, { token: srv.token }), {}, httpStream(srv.url, { token: srv.token }))

  beforeAll(async () => {
    ;[srv, llm] = await Promise.all([bootServer(), startFakeLlm()])
    const p = await srv.api('POST', '/api/providers', { name: 'Fake', baseUrl: llm.baseUrl })
    agentId = (await srv.api('POST', '/api/agents', { name: 'A', providerId: p.body.id, model: 'fake-chat', cardTemplates: ['weather'] })).body.id
  })
  afterAll(() => Promise.all([srv.close(), llm.close()]))

  test('send creates the session, streams the answer in batches, and reports the session', async () => {
    const onSessionChange = vi.fn()
    const store = createConversationStore(api(), { onSessionChange, flushMs: 10 })
    await store.getState().open(agentId, null)
    llm.script({ chunks: ['One ', 'two ', 'three'] })
    await store.getState().send('Count')
    const { items, sessionId, streaming } = store.getState()
    expect(streaming).toBe(false)
    expect(sessionId).toBeTruthy()
    expect(onSessionChange).toHaveBeenCalledWith(expect.objectContaining({ id: sessionId, agentId, userId: 'studio' }))
    expect(items.map((i) => i.kind)).toEqual(['user', 'assistant'])
    expect(items[1]).toMatchObject({ status: 'ok', parts: [{ type: 'text', text: 'One two three' }] })
  })

  test('tool steps and cards; the trace; regenerate; edit-and-resend; reopening reads the same items', async () => {
    const store = createConversationStore(api(), { flushMs: 5 })
    await store.getState().open(agentId, null)
    llm.script(
      { toolCalls: [{ name: 'show_card', arguments: { type: 'weather', data: { city: 'X', condition: 'Sunny', temperature: 20 } } }] },
      { text: 'Here.' }
    )
    await store.getState().send('Weather')
    const answer = store.getState().items[1] as AssistantItem
    expect(answer.parts.map((p) => p.type)).toEqual(['tool', 'text'])
    expect(answer.cards).toEqual([{ type: 'weather', data: expect.objectContaining({ city: 'X' }) }])
    const trace = await store.getState().trace(answer.runId!)
    expect(trace.map((s) => s.kind)).toEqual(['model', 'tool', 'model'])

    llm.script({ text: 'Regenerated.' })
    await store.getState().regenerate()
    expect(store.getState().items).toHaveLength(2)
    expect(store.getState().items[1]).toMatchObject({ parts: [{ type: 'text', text: 'Regenerated.' }] })

    llm.script({ text: 'Edited answer.' })
    const user = store.getState().items[0]
    await store.getState().edit(user.id, 'Weather please')
    expect(store.getState().items.map((i) => (i.kind === 'user' ? i.content : i.parts.map((p) => (p.type === 'text' ? p.text : '')).join('')))).toEqual([
      'Weather please',
      'Edited answer.'
    ])

    const again = createConversationStore(api())
    await again.getState().open(agentId, store.getState().sessionId)
    expect(again.getState().items.map((i) => i.kind)).toEqual(['user', 'assistant'])
  })

  test('stop leaves the answer "stopped"; a failed turn shows why on the answer', async () => {
    const store = createConversationStore(api(), { flushMs: 5 })
    await store.getState().open(agentId, null)
    llm.script({ chunks: Array.from({ length: 300 }, (_, i) => `w${i} `), chunkDelayMs: 10 })
    const sending = store.getState().send('Long')
    await vi.waitFor(() => expect((store.getState().items[1] as AssistantItem).parts.length).toBe(1))
    store.getState().stop()
    await sending
    expect(store.getState().items[1]).toMatchObject({ status: 'stopped' })

    // 400: not retried by the core, so the failure reaches the answer.
    llm.script({ status: 400, error: { message: 'model exploded' } })
    await store.getState().send('Again')
    expect(store.getState().items.at(-1)).toMatchObject({ status: 'error', error: expect.stringContaining('model exploded') })
  })

  test('a wait for input is answered through the store', async () => {
    const store = createConversationStore(api(), { flushMs: 5 })
    await store.getState().open(agentId, null)
    llm.script({ toolCalls: [{ name: 'ask_user', arguments: { question: 'Your name?' } }] }, { text: 'Thanks!' })
    const sending = store.getState().send('Book it')
    await vi.waitFor(() => expect((store.getState().items[1] as AssistantItem).wait?.waitId).toBeTruthy())
    const wait = (store.getState().items[1] as AssistantItem).wait!
    expect(wait).toMatchObject({ kind: 'input', text: 'Your name?' })
    await store.getState().answerWait(wait.waitId, 'Ada')
    await sending
    expect(store.getState().items[1]).toMatchObject({ status: 'ok', wait: { answered: true } })
    expect(JSON.stringify(llm.requests.at(-1)?.body.messages)).toContain('Ada')
  })

  test('sessions: list per agent without preview sessions, search, rename, delete', async () => {
    const server = { connection: { api: api() }, queries: createQueryClient() }
    await srv.api('POST', '/api/sessions', { agentId, userId: PREVIEW_USER, title: 'preview' })
    const list = (query?: string) => {
      const shown = new QueryObserver(server.queries, sessionsQuery(server.connection.api, sessionsInput(agentId, query)))
      return shown.refetch().then((r) => r.data ?? [])
    }
    const all = await list()
    expect(all.length).toBeGreaterThan(0)
    expect(all.some((s) => s.userId === PREVIEW_USER)).toBe(false)
    const first = all[0]
    await renameSession(server, first.id, 'Renamed trip')
    expect((await list('Renamed')).map((s) => s.id)).toEqual([first.id])
    await removeSession(server, first.id)
    expect(server.queries.getQueryData(apiKey('sessions.list', sessionsInput(agentId, 'Renamed')))).toEqual([])
    await expect(renameSession(server, 'missing', 'x')).rejects.toMatchObject({ code: 'not_found' })
  })

  test('phone store: the original protocol with the public key; unpublished says why', async () => {
    const agent = (
      await srv.api('POST', '/api/agents', {
        name: 'Pub',
        providerId: (await srv.api('GET', '/api/providers')).body[0].id,
        model: 'fake-chat',
        published: false
      })
    ).body
    const mem = new Map<string, string>()
    const storage = { get: (k: string) => mem.get(k) ?? null, set: (k: string, v: string) => void mem.set(k, v), remove: (k: string) => void mem.delete(k) }
    const store = createPhoneStore(protocolClient({ uuid: agent.uuid, key: agent.publicKey }, srv.url), agent.uuid, storage)
    await store.getState().send('Hi')
    expect(store.getState().error).toMatch(/not published/)

    await srv.api('PUT', `/api/agents/${agent.id}`, { published: true })
    llm.script({ text: 'Hello phone.' })
    await store.getState().send('Hi again')
    expect(store.getState().items.at(-1)).toMatchObject({ kind: 'assistant', text: 'Hello phone.', streaming: false })
    const session = mem.get(`agenta.phone.session.${agent.uuid}`)
    expect(session).toBeTruthy()
    llm.script({ text: 'Same session.' })
    await store.getState().send('And?')
    expect(mem.get(`agenta.phone.session.${agent.uuid}`)).toBe(session)
    store.getState().reset()
    expect(store.getState().items).toEqual([])
    expect(mem.has(`agenta.phone.session.${agent.uuid}`)).toBe(false)
  })

  test('phone chunks: text, cards, tools and errors', () => {
    let item = { kind: 'assistant' as const, id: 'a', text: '', cards: [], tools: [], sources: [], streaming: true }
    for (const c of [
      { content: 'Hi ', card: null },
      { content: '', card: null, type: 'tool_call', tool: { id: 't', name: 'show_card' } },
      { content: '', card: null, type: 'tool_result', tool: { id: 't', name: 'show_card', is_error: false } },
      { content: '', card: { type: 'weather', data: {} } },
      { content: '', card: null, type: 'error', error: { code: 'x', message: 'boom' } }
    ])
      item = applyChunk(item, c) as typeof item
    expect(item).toMatchObject({ text: 'Hi ', cards: [{ type: 'weather' }], tools: [{ name: 'show_card', done: true, isError: false }], error: 'boom' })
  })
})
