import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { bootRuntime, type BootedRuntime } from '../utils/boot'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'
import { AgentCreate, type Agent } from '../../src-main/contract/entities'
import type { TurnEvent } from '../../src-main/contract/chat'
import type { ToolSpec } from '../../src-main/core/chat/tool-registry'

/** The agent turn as the core runs it, with the fake model scripted step by step. */
let b: BootedRuntime
let llm: FakeLlm
let agent: Agent

beforeAll(async () => {
  llm = await startFakeLlm()
  b = await bootRuntime({ turn: { retry: { attempts: 3, baseDelayMs: 5 }, toolTimeoutMs: 200 } })
  const p = await b.runtime.providers.create({ name: 'fake', kind: 'custom', baseUrl: llm.baseUrl, enabled: true })
  agent = await b.runtime.agents.create(
    AgentCreate.parse({ name: 'Guide', providerId: p.id, model: 'fake-chat', systemPrompt: 'You are {{agent_name}}.', maxSteps: 4 })
  )
  // A test-only tool source, registered like MCP servers will be.
  const tools: ToolSpec[] = [
    {
      name: 'boom',
      description: 'always fails',
      parameters: { type: 'object' },
      execute: async () => {
        throw new Error('disk on fire')
      }
    },
    { name: 'slow', description: 'never ends', parameters: { type: 'object' }, execute: () => new Promise(() => {}) },
    { name: 'echo', description: 'echoes', parameters: { type: 'object' }, execute: async (args) => ({ content: `echo:${JSON.stringify(args)}` }) },
    {
      name: 'snap',
      description: 'takes a picture',
      parameters: { type: 'object' },
      execute: async () => ({ content: 'one picture', images: ['data:image/png;base64,iVBORw0KGgo='] })
    }
  ]
  b.runtime.chat.registry.register({ name: 'test', toolsFor: async () => tools })
})
afterAll(async () => {
  await b?.close()
  await llm?.close()
})
beforeEach(() => llm.reset())

async function turn(message: string | undefined, extra: Record<string, unknown> = {}) {
  const sessionId = (extra.sessionId as string) ?? (await b.runtime.chat.sessions.create({ agentId: agent.id, userId: 'u1', title: '' })).id
  const handle = await b.runtime.chat.startTurn({ sessionId, message, ...extra })
  const events: TurnEvent[] = []
  for await (const e of handle.events) events.push(e)
  return { sessionId, events, summary: await handle.done }
}
const chatRequests = () => llm.requests.filter((r) => r.path.endsWith('/chat/completions'))

describe('agent turn', () => {
  it('streams the answer with the rendered system prompt and persists both sides', async () => {
    llm.script({ chunks: ['Hello', ', ', 'visitor'] })
    const studioEvents: unknown[] = []
    const off = b.runtime.events.subscribe((name, payload) => name === 'sessions.changed' && studioEvents.push(payload))
    const { sessionId, events, summary } = await turn('hi there')
    off()
    // Created, then the turn ended: open session lists refresh (title, order).
    expect(studioEvents).toEqual([
      { id: sessionId, agentId: agent.id },
      { id: sessionId, agentId: agent.id }
    ])
    expect(events.filter((e) => e.type === 'delta').map((e) => (e as { content: string }).content)).toEqual(['Hello', ', ', 'visitor'])
    expect(summary).toMatchObject({ status: 'ok', text: 'Hello, visitor' })
    expect(chatRequests()[0].body.messages[0]).toEqual({ role: 'system', content: 'You are Guide.' })
    const stored = await b.runtime.chat.sessions.messages(sessionId)
    expect(stored.map((m) => [m.role, m.content, m.meta.status])).toEqual([
      ['user', 'hi there', undefined],
      ['assistant', 'Hello, visitor', 'ok']
    ])
    expect((await b.runtime.chat.sessions.get(sessionId)).title).toBe('hi there')
  })

  it('runs parallel tool calls, feeds every result back, and traces each step', async () => {
    llm.script(
      {
        toolCalls: [
          { name: 'echo', arguments: { a: 1 } },
          { name: 'current_time', arguments: {} },
          { name: 'boom', arguments: {} }
        ]
      },
      { text: 'done' }
    )
    const { events, summary } = await turn('use tools')
    expect(summary.status).toBe('ok')
    const results = events.filter((e): e is Extract<TurnEvent, { type: 'tool_result' }> => e.type === 'tool_result')
    expect(results.map((r) => [r.name, r.isError])).toEqual([
      ['echo', false],
      ['current_time', false],
      ['boom', true]
    ])
    expect(results[2].content).toMatch(/disk on fire/)
    const second = chatRequests()[1].body.messages
    const toolMsgs = second.filter((m: { role: string }) => m.role === 'tool')
    expect(toolMsgs).toHaveLength(3)
    expect(toolMsgs[0].content).toBe('echo:{"a":1}')
    expect(toolMsgs[2].content).toMatch(/boom failed: disk on fire/)
    const steps = await b.runtime.chat.runSteps(summary.runId)
    expect(steps.map((s) => `${s.kind}:${s.name}`).sort()).toEqual(['model:fake-chat', 'model:fake-chat', 'tool:boom', 'tool:current_time', 'tool:echo'])
    expect(steps.find((s) => s.name === 'boom')?.error).toMatch(/disk on fire/)
  })

  it('shows images from tools to the model right after the tool results', async () => {
    llm.script({ toolCalls: [{ name: 'snap', arguments: {} }] }, { text: 'I see it' })
    await turn('look')
    const msgs = chatRequests()[1].body.messages
    const last = msgs.at(-1)
    expect(msgs.at(-2)).toMatchObject({ role: 'tool', content: 'one picture' })
    expect(last.role).toBe('user')
    expect(last.content[1]).toEqual({ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } })
  })

  it('sends attached images to the model and reads attached documents, also in later turns', async () => {
    llm.script({ text: 'a red dot and a menu' }, { text: 'still see it' })
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=='
    const menu = Buffer.from('# 菜单\n\n红烧肉 48 元\n清蒸鱼 68 元').toString('base64')
    const { sessionId, summary } = await turn('what is this?', {
      attachments: [
        { name: 'dot.png', mimeType: 'image/png', data: png },
        { name: 'menu.md', mimeType: 'text/markdown', data: menu }
      ]
    })
    expect(summary.status).toBe('ok')
    const user = chatRequests()[0].body.messages.at(-1)
    expect(user.content[0].text).toMatch(/what is this\?[\s\S]*\[Attached file: menu\.md\][\s\S]*红烧肉 48 元/)
    expect(user.content[1]).toEqual({ type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } })
    const stored = (await b.runtime.chat.sessions.messages(sessionId))[0]
    expect(stored.content).toBe('what is this?')
    expect(stored.meta.attachments?.map((a) => [a.name, a.kind])).toEqual([
      ['dot.png', 'image'],
      ['menu.md', 'file']
    ])
    await turn('and now?', { sessionId })
    expect(JSON.stringify(chatRequests()[1].body.messages)).toContain(`data:image/png;base64,${png}`)
  })

  it('refuses an unreadable attachment before saving anything', async () => {
    const sessionId = (await b.runtime.chat.sessions.create({ agentId: agent.id, userId: 'u1', title: '' })).id
    const { summary } = await turn('read this', {
      sessionId,
      attachments: [{ name: 'broken.pdf', mimeType: 'application/pdf', data: Buffer.from('%PDF-1.4 garbage').toString('base64') }]
    })
    expect(summary.status).toBe('error')
    expect(summary.error?.message).toMatch(/broken\.pdf/)
    expect(await b.runtime.chat.sessions.messages(sessionId)).toEqual([])
    expect(chatRequests()).toHaveLength(0)
  })

  it('ends a tool that hangs with a timeout result, and bad arguments with an error the model sees', async () => {
    llm.script(
      {
        toolCalls: [
          { name: 'slow', arguments: {} },
          { name: 'echo', arguments: '{not json' },
          { name: 'nope', arguments: {} }
        ]
      },
      { text: 'ok' }
    )
    const { events } = await turn('go')
    const results = events.filter((e): e is Extract<TurnEvent, { type: 'tool_result' }> => e.type === 'tool_result')
    expect(results.map((r) => r.content)).toEqual([
      expect.stringMatching(/did not finish within/),
      expect.stringMatching(/not a JSON object/),
      expect.stringMatching(/no tool named "nope"/)
    ])
    expect(results.every((r) => r.isError)).toBe(true)
  })

  it('stops offering tools at the step limit so the model must answer', async () => {
    llm.onChat(() => ({ toolCalls: [{ name: 'echo', arguments: {} }] }))
    const { summary } = await turn('loop forever')
    const reqs = chatRequests()
    expect(reqs).toHaveLength(4)
    expect(reqs.slice(0, 3).every((r) => Array.isArray(r.body.tools))).toBe(true)
    expect(reqs[3].body.tools).toBeUndefined()
    expect(summary.status).toBe('ok')
  })

  it('retries a 500 before the first token, but keeps the partial answer when the stream breaks later', async () => {
    llm.script({ status: 500, error: { message: 'overloaded' } }, { text: 'recovered' })
    expect((await turn('retry me')).summary).toMatchObject({ status: 'ok', text: 'recovered' })

    llm.script(
      { status: 429, error: { message: 'slow down' } },
      { status: 429, error: { message: 'slow down' } },
      { status: 429, error: { message: 'slow down' } }
    )
    const limited = await turn('limited')
    expect(limited.summary).toMatchObject({ status: 'error', error: { code: 'rate_limited' } })
    expect(chatRequests()).toHaveLength(5)

    llm.script({ chunks: ['part one ', 'part two ', 'never'], failAfterChunks: 2 })
    const broken = await turn('break')
    expect(broken.summary.status).toBe('error')
    expect(broken.events.at(-2)).toMatchObject({ type: 'error' })
    const stored = await b.runtime.chat.sessions.messages(broken.sessionId)
    expect(stored.at(-1)).toMatchObject({ role: 'assistant', content: 'part one part two ', meta: { status: 'error' } })
  })

  it('says clearly when the key is wrong or the model unknown', async () => {
    const p = await b.runtime.providers.create({ name: 'nokey', kind: 'custom', baseUrl: llm.baseUrl, enabled: true })
    const other = await b.runtime.agents.create(AgentCreate.parse({ name: 'Wrong model', providerId: p.id, model: 'gpt-imaginary' }))
    const sessionId = (await b.runtime.chat.sessions.create({ agentId: other.id, userId: 'u', title: '' })).id
    const { summary } = await turn('hi', { sessionId })
    expect(summary.error).toMatchObject({ code: 'model_not_found', message: expect.stringMatching(/model name/) })
  })

  // How soon after the cancel the model request ends is measured by bench/chat-relay/abort.ts.
  it('cancels: aborts the model request and keeps the partial answer as stopped', async () => {
    llm.script({ chunks: Array.from({ length: 50 }, (_, i) => `w${i} `), chunkDelayMs: 20 })
    const sessionId = (await b.runtime.chat.sessions.create({ agentId: agent.id, userId: 'u1', title: '' })).id
    const handle = await b.runtime.chat.startTurn({ sessionId, message: 'long answer please' })
    let deltas = 0
    for await (const e of handle.events) if (e.type === 'delta' && ++deltas === 3) handle.cancel()
    const summary = await handle.done
    expect(summary.status).toBe('stopped')
    const req = chatRequests()[0]
    await expect.poll(() => req.aborted).toBe(true)
    const last = (await b.runtime.chat.sessions.messages(sessionId)).at(-1)!
    expect(last.meta.status).toBe('stopped')
    expect(last.content.startsWith('w0 w1 w2 ')).toBe(true)
  })

  it('regenerates the last answer and edits an earlier message', async () => {
    llm.script({ text: 'first answer' }, { text: 'second answer' }, { text: 'answer to edit' })
    const { sessionId } = await turn('question one')
    await turn(undefined, { sessionId, regenerate: true })
    let stored = await b.runtime.chat.sessions.messages(sessionId)
    expect(stored.map((m) => m.content)).toEqual(['question one', 'second answer'])
    await turn('question one, edited', { sessionId, editMessageId: stored[0].id })
    stored = await b.runtime.chat.sessions.messages(sessionId)
    expect(stored.map((m) => m.content)).toEqual(['question one, edited', 'answer to edit'])
    expect(chatRequests()[2].body.messages.filter((m: { role: string }) => m.role !== 'system')).toEqual([{ role: 'user', content: 'question one, edited' }])
  })

  it('runs two turns on one session one after the other, each seeing the previous', async () => {
    llm.script({ text: 'A1', firstTokenDelayMs: 50 }, { text: 'B1' })
    const sessionId = (await b.runtime.chat.sessions.create({ agentId: agent.id, userId: 'u1', title: '' })).id
    const [a, c] = await Promise.all([b.runtime.chat.startTurn({ sessionId, message: 'A' }), b.runtime.chat.startTurn({ sessionId, message: 'B' })])
    await Promise.all([a.done, c.done])
    expect((await b.runtime.chat.sessions.messages(sessionId)).map((m) => m.content)).toEqual(['A', 'A1', 'B', 'B1'])
    expect(chatRequests()[1].body.messages.map((m: { content: string }) => m.content)).toEqual(['You are Guide.', 'A', 'A1', 'B'])
    // Both turns were asked for while the session had no title: the first message names it, the queued one does not rename it.
    expect((await b.runtime.chat.sessions.get(sessionId)).title).toBe('A')
  })

  it('has the trace, the answer and the session time saved when done arrives', async () => {
    llm.script({ text: 'Saved answer' })
    const sessionId = (await b.runtime.chat.sessions.create({ agentId: agent.id, userId: 'u1', title: 'kept' })).id
    const before = (await b.runtime.chat.sessions.get(sessionId)).updatedAt
    const handle = await b.runtime.chat.startTurn({ sessionId, message: 'save me' })
    let seen: { messages: string[]; steps: number; updatedAt: number } | undefined
    for await (const e of handle.events) {
      if (e.type !== 'done') continue
      const [messages, steps, session] = await Promise.all([
        b.runtime.chat.sessions.messages(sessionId),
        b.runtime.chat.runSteps(await handle.runId),
        b.runtime.chat.sessions.get(sessionId)
      ])
      seen = { messages: messages.map((m) => m.content), steps: steps.length, updatedAt: session.updatedAt }
      expect(messages.at(-1)?.id).toBe(e.messageId)
    }
    expect(seen).toMatchObject({ messages: ['save me', 'Saved answer'], steps: 1 })
    expect(seen!.updatedAt).toBeGreaterThanOrEqual(before)
    expect((await b.runtime.chat.sessions.get(sessionId)).title).toBe('kept')
  })

  it('refuses a turn for an unknown session and an agent without a model', async () => {
    await expect(b.runtime.chat.startTurn({ sessionId: 'missing', message: 'x' })).rejects.toMatchObject({ code: 'not_found' })
    const bare = await b.runtime.agents.create(AgentCreate.parse({ name: 'No model', providerId: null, model: null }))
    const sessionId = (await b.runtime.chat.sessions.create({ agentId: bare.id, userId: 'u', title: '' })).id
    const { summary } = await turn('hello?', { sessionId })
    expect(summary.error).toMatchObject({ code: 'no_model', message: expect.stringMatching(/No model/i) })
  })
})
