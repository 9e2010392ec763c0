import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { allData, chatEnv, postMessage, textOf, type ChatEnv } from './helpers'

let env: ChatEnv

beforeAll(async () => {
  env = await chatEnv()
})
afterAll(() => env?.close())
beforeEach(() => env.llm.reset())

const body = (agent: any, sessionId: string, message: string, extra: Record<string, unknown> = {}) => ({
  message,
  stream: true,
  session_id: sessionId,
  app_uuid: agent.uuid,
  user_id: 'u1',
  is_digitalhuman: false,
  ...extra
})

describe('tool calls over /chat-message', () => {
  it('runs current_time, feeds the result back, answers; traced and persisted', async () => {
    const agent = await env.agent()
    const sid = await env.init(agent)
    env.llm.script({ toolCalls: [{ id: 'call_clock', name: 'current_time', arguments: { timeZone: 'Asia/Shanghai' } }] }, { text: 'It is late.' })
    const chunks = await allData(await postMessage(env.s, body(agent, sid, 'what time is it?')))
    const runId = chunks[0].run_id

    const call = chunks.find((c) => c.type === 'tool_call')
    expect(call).toEqual({
      content: '',
      card: null,
      type: 'tool_call',
      tool: { id: 'call_clock', name: 'current_time', arguments: '{"timeZone":"Asia/Shanghai"}' }
    })
    const result = chunks.find((c) => c.type === 'tool_result')
    expect(result.tool).toMatchObject({ id: 'call_clock', name: 'current_time', is_error: false, duration_ms: expect.any(Number) })
    expect(JSON.parse(result.tool.content)).toMatchObject({ timeZone: 'Asia/Shanghai', iso: expect.any(String) })
    expect(textOf(chunks)).toBe('It is late.')
    expect(chunks.at(-1)).toBe('[DONE]')

    // The model's second call carried the tool result.
    const second = env.llm.requests[1].body.messages
    expect(second.at(-2)).toMatchObject({ role: 'assistant', tool_calls: [{ id: 'call_clock', function: { name: 'current_time' } }] })
    expect(second.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_clock', content: expect.stringContaining('Asia/Shanghai') })

    const steps = (await env.s.api('GET', `/api/runs/${runId}`)).body
    expect(steps.map((s: any) => [s.kind, s.name])).toEqual([
      ['model', 'fake-chat'],
      ['tool', 'current_time'],
      ['model', 'fake-chat']
    ])
    expect(steps[1]).toMatchObject({ input: '{"timeZone":"Asia/Shanghai"}', error: null })
    expect(steps.every((s: any) => s.endedAt >= s.startedAt)).toBe(true)

    const messages = (await env.s.api('GET', `/api/sessions/${sid}/messages`)).body
    expect(messages.map((m: any) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant'])
    expect(messages[1].meta.toolCalls).toEqual([{ id: 'call_clock', name: 'current_time', arguments: '{"timeZone":"Asia/Shanghai"}' }])
    expect(messages[2].meta).toMatchObject({ toolCallId: 'call_clock', toolName: 'current_time', isError: false })
    expect(messages[3]).toMatchObject({ content: 'It is late.', meta: { runId, status: 'ok' } })
  })

  it('an unknown tool becomes an error result the model sees, not a failed turn', async () => {
    const agent = await env.agent()
    const sid = await env.init(agent)
    env.llm.script({ toolCalls: [{ name: 'no_such_tool', arguments: {} }] }, { text: 'Sorry.' })
    const chunks = await allData(await postMessage(env.s, body(agent, sid, 'do it')))
    expect(chunks.find((c) => c.type === 'tool_result').tool.is_error).toBe(true)
    expect(textOf(chunks)).toBe('Sorry.')
  })
})

describe('show_card', () => {
  const weather = { city: 'Hangzhou', condition: 'Sunny', temperature: 25, humidity: 40 }

  it('sends the card in the card field (stream and non-stream)', async () => {
    const agent = await env.agent({ cardTemplates: ['weather'] })
    const sid = await env.init(agent)
    env.llm.script({ toolCalls: [{ name: 'show_card', arguments: { type: 'weather', data: weather } }] }, { text: 'Here is the weather.' })
    const chunks = await allData(await postMessage(env.s, body(agent, sid, 'weather?')))
    const cards = chunks.filter((c) => c !== '[DONE]' && c.card !== null)
    expect(cards).toEqual([{ content: '', card: { type: 'weather', data: weather } }])
    // The tool was offered with the card schema.
    const offered = env.llm.requests[0].body.tools.map((t: any) => t.function.name)
    expect(offered).toContain('show_card')

    env.llm.script({ toolCalls: [{ name: 'show_card', arguments: { type: 'weather', data: weather } }] }, { text: 'Again.' })
    const res = await env.s.api('POST', '/chat-message', body(agent, sid, 'once more', { stream: false }))
    expect(res.body).toMatchObject({ content: 'Again.', card: { type: 'weather', data: weather }, cards: [{ type: 'weather', data: weather }] })
    const last = (await env.s.api('GET', `/api/sessions/${sid}/messages`)).body.at(-1)
    expect(last.meta.cards).toEqual([{ type: 'weather', data: weather }])
  })

  it('an invalid card is not sent; the model gets an error result naming the field', async () => {
    const agent = await env.agent({ cardTemplates: ['weather'] })
    const sid = await env.init(agent)
    env.llm.script({ toolCalls: [{ name: 'show_card', arguments: { type: 'weather', data: { city: 'Hangzhou' } } }] }, { text: 'Could not show it.' })
    const chunks = await allData(await postMessage(env.s, body(agent, sid, 'weather?')))
    expect(chunks.filter((c) => c !== '[DONE]' && c.card !== null)).toEqual([])
    expect(chunks.find((c) => c.type === 'tool_result').tool.is_error).toBe(true)
    const toolMsg = env.llm.requests[1].body.messages.at(-1)
    expect(toolMsg.role).toBe('tool')
    expect(toolMsg.content).toMatch(/not shown.*data\.condition/)
  })

  it('agents without card templates are not offered show_card', async () => {
    const agent = await env.agent()
    const sid = await env.init(agent)
    await allData(await postMessage(env.s, body(agent, sid, 'hi')))
    const offered = (env.llm.requests[0].body.tools ?? []).map((t: any) => t.function.name)
    expect(offered).not.toContain('show_card')
    expect(offered).not.toContain('ask_user')
  })
})
