// /v1 driven by the real third-party clients an outside program uses: openai-node, LangChain's
// ChatOpenAI and the Vercel AI SDK (chat and Responses providers), against the fake model.
import { createOpenAI } from '@ai-sdk/openai'
import { tool as langchainTool } from '@langchain/core/tools'
import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages'
import { ChatOpenAI } from '@langchain/openai'
import { generateText, jsonSchema, streamText, tool as aiTool } from 'ai'
import OpenAI from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { chatEnv, type ChatEnv } from './chat/helpers'

let env: ChatEnv
let agent: any
let client: OpenAI

beforeAll(async () => {
  env = await chatEnv()
  agent = await env.agent({ name: 'Clerk', systemPrompt: 'You are a clerk.', cardTemplates: ['weather'] })
  client = new OpenAI({ baseURL: `${env.s.url}/v1`, apiKey: env.s.token, maxRetries: 0 })
})
afterAll(() => env?.close())
beforeEach(() => env.llm.reset())

const chatRequests = () => env.llm.requests.filter((r) => r.path === '/v1/chat/completions')
const sessionsOf = async (userId: string) => (await env.s.api('GET', `/api/sessions?agentId=${agent.id}&userId=${userId}`)).body as unknown[]
const weatherTool: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather of a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }
  }
}

describe('an agent with no model (6)', () => {
  it('is a 400 invalid_request_error, not a 502, streaming or not', async () => {
    const bare = await env.agent({ name: 'No model yet', providerId: null, model: null })
    for (const stream of [false, true]) {
      const res = await env.s.api('POST', '/v1/chat/completions', { model: bare.uuid, messages: [{ role: 'user', content: 'hi' }], stream })
      expect(res.status).toBe(400)
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'no_model', message: expect.stringMatching(/no model/) })
    }
    expect(chatRequests()).toHaveLength(0)
  })
})

describe('requests /v1 cannot read (6)', () => {
  it('are a 4xx in OpenAI’s error shape, not a 500', async () => {
    const cases: [string, string, Record<string, string>, number][] = [
      ['GET', '/v1/models/%ff', {}, 400],
      ['POST', '/v1/chat/completions', { 'content-type': 'application/json', 'content-encoding': 'bogus' }, 415],
      ['POST', '/v1/responses', { 'content-type': 'application/json; charset=klingon' }, 415]
    ]
    for (const [method, path, headers, status] of cases) {
      const res = await env.s.api(method, path, undefined, { headers, rawBody: method === 'POST' ? '{}' : undefined })
      expect(res.status, `${method} ${path}`).toBe(status)
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', message: expect.any(String) })
      expect(res.headers.get('x-should-retry')).toBe('false')
    }
  })
})

describe('clients that retry (15)', () => {
  const down = () => ({ status: 503, error: { message: 'overloaded' } })

  it('openai-node with its default retries runs the turn once on a provider failure (x-should-retry: false)', async () => {
    env.llm.onChat(down)
    const retrying = new OpenAI({ baseURL: `${env.s.url}/v1`, apiKey: env.s.token })
    const err = await retrying.chat.completions.create({ model: agent.uuid, messages: [{ role: 'user', content: 'x' }], user: 'retry-1' }).catch((e) => e)
    expect(err).toBeInstanceOf(OpenAI.APIError)
    expect(err.status).toBe(502)
    expect(err.headers.get('x-should-retry')).toBe('false')
    // One turn: its own three attempts at the model, and one session.
    expect(chatRequests()).toHaveLength(3)
    expect(await sessionsOf('retry-1')).toHaveLength(1)
  })

  it('a 429 before any work may be retried (x-should-retry: true, retry-after); after a tool ran it may not', async () => {
    env.llm.onChat(() => ({ status: 429, error: { message: 'slow down' } }))
    const early = await env.s.api('POST', '/v1/chat/completions', { model: agent.uuid, messages: [{ role: 'user', content: 'x' }] })
    expect(early.status).toBe(429)
    expect(early.headers.get('x-should-retry')).toBe('true')
    expect(Number(early.headers.get('retry-after'))).toBeGreaterThan(0)

    env.llm.reset()
    env.llm.script({ toolCalls: [{ name: 'current_time', arguments: {} }] })
    env.llm.onChat(() => ({ status: 429, error: { message: 'slow down' } }))
    const late = await env.s.api('POST', '/v1/chat/completions', { model: agent.uuid, messages: [{ role: 'user', content: 'x' }] })
    expect(late.status).toBe(429)
    expect(late.headers.get('x-should-retry')).toBe('false')
  })

  it('Idempotency-Key: a repeated request gets the first answer, even while it is still running; the turn runs once', async () => {
    env.llm.script({ text: 'Only once.', firstTokenDelayMs: 300 })
    const ask = () =>
      client.chat.completions.create(
        { model: agent.uuid, messages: [{ role: 'user', content: 'once?' }], user: 'idem-1' },
        { headers: { 'Idempotency-Key': 'k-1' } }
      )
    const [a, b] = await Promise.all([ask(), ask()])
    const c = await ask()
    expect(a.choices[0].message.content).toBe('Only once.')
    expect(b).toEqual(a)
    expect(c).toEqual(a)
    expect(chatRequests()).toHaveLength(1)
    expect(await sessionsOf('idem-1')).toHaveLength(1)

    // Streams replay too.
    env.llm.script({ chunks: ['a ', 'b'] })
    const streamOnce = async () => {
      const s = await client.chat.completions.create(
        { model: agent.uuid, messages: [{ role: 'user', content: 'stream' }], stream: true },
        { headers: { 'Idempotency-Key': 'k-2' } }
      )
      let text = ''
      for await (const ch of s) text += ch.choices[0]?.delta.content ?? ''
      return text
    }
    expect(await streamOnce()).toBe('a b')
    expect(await streamOnce()).toBe('a b')
    expect(chatRequests()).toHaveLength(2)

    // The same key for another request is refused, not answered with the first one's result.
    const reused = await env.s.api(
      'POST',
      '/v1/chat/completions',
      { model: agent.uuid, messages: [{ role: 'user', content: 'something else' }] },
      { headers: { 'idempotency-key': 'k-1' } }
    )
    expect(reused.status).toBe(400)
    expect(reused.body.error.code).toBe('idempotency_key_reused')
  })

  it('Idempotency-Key: a client that gave up mid-stream gets the whole answer on its retry, from the one turn', async () => {
    env.llm.script({ chunks: ['one ', 'two ', 'three'], chunkDelayMs: 100 })
    const body = JSON.stringify({ model: agent.uuid, messages: [{ role: 'user', content: 'count' }], stream: true })
    const headers = { authorization: `Bearer ${env.s.token}`, 'content-type': 'application/json', 'idempotency-key': 'k-gone' }
    const gaveUp = new AbortController()
    const first = await fetch(`${env.s.url}/v1/chat/completions`, { method: 'POST', headers, body, signal: gaveUp.signal })
    const reader = first.body!.getReader()
    await reader.read()
    gaveUp.abort()
    const retry = await fetch(`${env.s.url}/v1/chat/completions`, { method: 'POST', headers, body })
    const text = (await retry.text())
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => JSON.parse(l.slice(6)).choices?.[0]?.delta?.content ?? '')
      .join('')
    expect(text).toBe('one two three')
    expect(chatRequests()).toHaveLength(1)
    expect(chatRequests()[0].aborted).toBe(false)
  })

  it('LangChain ChatOpenAI retrying a failed turn with an Idempotency-Key runs it once', async () => {
    env.llm.onChat(down)
    const model = new ChatOpenAI({
      model: agent.uuid,
      apiKey: env.s.token,
      maxRetries: 2,
      configuration: { baseURL: `${env.s.url}/v1`, defaultHeaders: { 'Idempotency-Key': 'lc-1' } }
    })
    await expect(model.invoke('hello')).rejects.toThrow(/503/)
    expect(chatRequests()).toHaveLength(3)
  })
})

describe('clients that expect more of the OpenAI API (16)', () => {
  it('GET /v1/models/{id}', async () => {
    const m = await client.models.retrieve(agent.uuid)
    expect(m).toMatchObject({ id: agent.uuid, object: 'model', owned_by: 'agenta' })
    await expect(client.models.retrieve('nobody')).rejects.toBeInstanceOf(OpenAI.NotFoundError)
    const pub = await env.agent({ name: 'Published clerk', published: true })
    const keyed = new OpenAI({ baseURL: `${env.s.url}/v1`, apiKey: pub.publicKey, maxRetries: 0 })
    expect((await keyed.models.retrieve(pub.uuid)).id).toBe(pub.uuid)
    await expect(keyed.models.retrieve(agent.uuid)).rejects.toBeInstanceOf(OpenAI.NotFoundError)
  })

  it('caller tools: the model’s call comes back as tool_calls, and the role:tool follow-up continues', async () => {
    env.llm.script({ toolCalls: [{ id: 'call_w', name: 'get_weather', arguments: { city: 'Oslo' } }] })
    const first = await client.chat.completions.create({
      model: agent.uuid,
      messages: [{ role: 'user', content: 'weather in Oslo?' }],
      tools: [weatherTool],
      tool_choice: 'auto'
    })
    expect(first.choices[0].finish_reason).toBe('tool_calls')
    expect(first.choices[0].message.tool_calls).toEqual([{ id: 'call_w', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }])
    const sent = chatRequests()[0].body
    expect(sent.tools.map((t: any) => t.function.name)).toEqual(expect.arrayContaining(['get_weather', 'current_time']))
    expect(sent.tool_choice).toBe('auto')
    expect(chatRequests()).toHaveLength(1)

    env.llm.script({ text: 'Sunny in Oslo.' })
    const second = await client.chat.completions.create({
      model: agent.uuid,
      messages: [{ role: 'user', content: 'weather in Oslo?' }, first.choices[0].message, { role: 'tool', tool_call_id: 'call_w', content: '{"sky":"sunny"}' }],
      tools: [weatherTool]
    })
    expect(second.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'Sunny in Oslo.' } })
    const msgs = chatRequests()[1].body.messages
    expect(msgs.slice(-2)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_w', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_w', content: '{"sky":"sunny"}' }
    ])
  })

  it('tool calls and results that do not pair up are a 400 naming the call, before any model request', async () => {
    const call = { id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }
    const cases: [unknown[], RegExp][] = [
      [
        [
          { role: 'user', content: 'q' },
          { role: 'tool', tool_call_id: 'c9', content: 'r' }
        ],
        /"c9" does not follow/
      ],
      [
        [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: null, tool_calls: [call] },
          { role: 'user', content: 'and?' }
        ],
        /"c1" have no tool message/
      ]
    ]
    for (const [messages, why] of cases) {
      const res = await env.s.api('POST', '/v1/chat/completions', { model: agent.uuid, messages, tools: [weatherTool] })
      expect(res.status).toBe(400)
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param: 'messages', message: expect.stringMatching(why) })
    }
    expect(chatRequests()).toHaveLength(0)
  })

  it('caller tools when streaming: tool_call deltas and finish_reason tool_calls', async () => {
    env.llm.script({ toolCalls: [{ id: 'call_s', name: 'get_weather', arguments: { city: 'Rome' } }] })
    const stream = await client.chat.completions.create({
      model: agent.uuid,
      messages: [{ role: 'user', content: 'Rome?' }],
      tools: [weatherTool],
      stream: true
    })
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = []
    for await (const c of stream) chunks.push(c)
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])
    expect(calls[0]).toMatchObject({ index: 0, id: 'call_s', type: 'function', function: { name: 'get_weather' } })
    expect(calls.map((c) => c.function?.arguments ?? '').join('')).toBe('{"city":"Rome"}')
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('tool_calls')
  })

  it('LangChain bindTools gets tool_calls back and continues with ToolMessage', async () => {
    const getWeather = langchainTool(async () => 'sunny', { name: 'get_weather', description: 'Weather of a city', schema: z.object({ city: z.string() }) })
    const model = new ChatOpenAI({ model: agent.uuid, apiKey: env.s.token, maxRetries: 0, configuration: { baseURL: `${env.s.url}/v1` } }).bindTools([
      getWeather
    ])
    env.llm.script({ toolCalls: [{ id: 'call_l', name: 'get_weather', arguments: { city: 'Lima' } }] })
    const ai = await model.invoke([new HumanMessage('Lima?')])
    expect(ai.tool_calls).toEqual([expect.objectContaining({ id: 'call_l', name: 'get_weather', args: { city: 'Lima' } })])
    env.llm.script({ text: 'Sunny in Lima.' })
    const next = await model.invoke([new HumanMessage('Lima?'), ai as AIMessage, new ToolMessage({ tool_call_id: 'call_l', content: 'sunny' })])
    expect(next.content).toBe('Sunny in Lima.')
  })

  it('AI SDK chat provider: tools without execute come back as toolCalls, streaming and not', async () => {
    const provider = createOpenAI({ baseURL: `${env.s.url}/v1`, apiKey: env.s.token })
    const weather = aiTool({
      description: 'Weather of a city',
      inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } } })
    })
    env.llm.script({ toolCalls: [{ id: 'call_a', name: 'get_weather', arguments: { city: 'Kyiv' } }] })
    const r = await generateText({ model: provider.chat(agent.uuid), prompt: 'Kyiv?', tools: { get_weather: weather }, maxRetries: 0 })
    expect(r.finishReason).toBe('tool-calls')
    expect(r.toolCalls).toEqual([expect.objectContaining({ toolCallId: 'call_a', toolName: 'get_weather', input: { city: 'Kyiv' } })])

    env.llm.script({ toolCalls: [{ id: 'call_b', name: 'get_weather', arguments: { city: 'Baku' } }] })
    const s = streamText({ model: provider.chat(agent.uuid), prompt: 'Baku?', tools: { get_weather: weather }, maxRetries: 0 })
    expect(await s.finishReason).toBe('tool-calls')
    expect(await s.toolCalls).toEqual([expect.objectContaining({ toolCallId: 'call_b', toolName: 'get_weather', input: { city: 'Baku' } })])
  })

  it('response_format and the sampling parameters reach the model', async () => {
    const format = { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } } } } as const
    env.llm.script({ text: '{"a":"b"}' })
    const r = await client.chat.completions.create({
      model: agent.uuid,
      messages: [{ role: 'user', content: 'json' }],
      response_format: format,
      temperature: 0.2,
      max_tokens: 50,
      tools: [weatherTool],
      parallel_tool_calls: false
    })
    expect(r.choices[0].message.content).toBe('{"a":"b"}')
    const sent = chatRequests()[0].body
    expect(sent).toMatchObject({ response_format: format, temperature: 0.2, max_tokens: 50, parallel_tool_calls: false })
    // On the last step no tools are offered, and parallel_tool_calls (refused without tools) goes with them.
    const oneStep = await env.agent({ name: 'One step', maxSteps: 1 })
    env.llm.script({ text: 'ok' })
    await client.chat.completions.create({ model: oneStep.uuid, messages: [{ role: 'user', content: 'x' }], tools: [weatherTool], parallel_tool_calls: false })
    expect(chatRequests()[1].body).not.toHaveProperty('tools')
    expect(chatRequests()[1].body).not.toHaveProperty('parallel_tool_calls')
    // max_completion_tokens (what newer clients send) arrives as the one limit the model call takes.
    env.llm.script({ text: 'ok' })
    await client.chat.completions.create({ model: agent.uuid, messages: [{ role: 'user', content: 'x' }], max_completion_tokens: 7 })
    expect(chatRequests()[2].body).toMatchObject({ max_tokens: 7 })
    expect(chatRequests()[2].body).not.toHaveProperty('max_completion_tokens')
  })

  it('what an agent cannot do is a 400 that says so: n > 1, logprobs, audio, legacy functions', async () => {
    const base = { model: agent.uuid, messages: [{ role: 'user', content: 'x' }] }
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ n: 2 }, /\bn\b/],
      [{ logprobs: true }, /logprobs/],
      [{ modalities: ['text', 'audio'] }, /audio/],
      [{ functions: [{ name: 'f' }] }, /tools/],
      [
        {
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'what is this?' },
                { type: 'image_url', image_url: { url: 'data:,' } }
              ]
            }
          ]
        },
        /image_url/
      ]
    ]
    for (const [extra, why] of cases) {
      const res = await env.s.api('POST', '/v1/chat/completions', { ...base, ...extra })
      expect(res.status, JSON.stringify(extra)).toBe(400)
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', message: expect.stringMatching(why) })
    }
    expect(chatRequests()).toHaveLength(0)
    const sdk = await client.chat.completions.create({ ...base, n: 3 } as any).catch((e) => e)
    expect(sdk).toBeInstanceOf(OpenAI.BadRequestError)
  })

  it('cards reach /v1 callers in the `cards` extension field, streaming and not', async () => {
    const weather = { city: 'Bergen', condition: 'Rain', temperature: 9, humidity: 90 }
    const showCard = { toolCalls: [{ name: 'show_card', arguments: { type: 'weather', data: weather } }] }
    env.llm.script(showCard, { text: 'Rain.' })
    const r = (await client.chat.completions.create({ model: agent.uuid, messages: [{ role: 'user', content: 'Bergen?' }] })) as any
    expect(r.choices[0].message.cards).toEqual([{ type: 'weather', data: weather }])
    env.llm.script(showCard, { text: 'Rain.' })
    const stream = await client.chat.completions.create({ model: agent.uuid, messages: [{ role: 'user', content: 'Bergen?' }], stream: true })
    const cards: unknown[] = []
    for await (const c of stream) cards.push(...(((c.choices[0]?.delta as any)?.cards as unknown[]) ?? []))
    expect(cards).toEqual([{ type: 'weather', data: weather }])
  })

  it('/v1/responses: the AI SDK’s default provider, generateText and streamText', async () => {
    const provider = createOpenAI({ baseURL: `${env.s.url}/v1`, apiKey: env.s.token })
    env.llm.script({ chunks: ['Hello ', 'there.'] })
    const r = await generateText({ model: provider(agent.uuid), system: 'Be brief.', prompt: 'hi', maxRetries: 0 })
    expect(r.text).toBe('Hello there.')
    expect(r.usage.inputTokens).toBeGreaterThan(0)
    const sent = chatRequests()[0].body.messages
    expect(sent[0].content).toContain('Be brief.')
    expect(sent.at(-1)).toEqual({ role: 'user', content: 'hi' })

    env.llm.script({ chunks: ['Streamed ', 'text.'] })
    const s = streamText({ model: provider(agent.uuid), prompt: 'stream please', maxRetries: 0 })
    let text = ''
    for await (const t of s.textStream) text += t
    expect(text).toBe('Streamed text.')
    expect(await s.finishReason).toBe('stop')

    // openai-node's own Responses client, and what is not supported there.
    env.llm.script({ text: 'Plain.' })
    const plain = await client.responses.create({ model: agent.uuid, input: 'plain?' })
    expect(plain.output_text).toBe('Plain.')
    const refused = await env.s.api('POST', '/v1/responses', { model: agent.uuid, input: 'x', previous_response_id: 'resp_1' })
    expect(refused.status).toBe(400)
    expect(refused.body.error.message).toMatch(/previous_response_id/)
    const items = await env.s.api('POST', '/v1/responses', { model: agent.uuid, input: [{ type: 'function_call_output', call_id: 'c', output: 'o' }] })
    expect(items.status).toBe(400)
    expect(items.body.error.message).toMatch(/other item types .* are not supported/)
  })
})
