import OpenAI from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { chatEnv, type ChatEnv } from './helpers'

let env: ChatEnv
let agent: any
let client: OpenAI

beforeAll(async () => {
  env = await chatEnv()
  agent = await env.agent({ name: 'Guide', systemPrompt: 'You guide visitors.' })
  client = new OpenAI({ baseURL: `${env.s.url}/v1`, apiKey: env.s.token, maxRetries: 0 })
})
afterAll(() => env?.close())
beforeEach(() => env.llm.reset())

describe('GET /v1/models', () => {
  it('lists agents as models', async () => {
    const page = await client.models.list()
    const model = page.data.find((m) => m.id === agent.uuid)
    expect(model).toMatchObject({ id: agent.uuid, object: 'model', owned_by: 'agenta', name: 'Guide', created: expect.any(Number) })
  })

  it('with a public key, lists only that agent', async () => {
    const pub = await env.agent({ name: 'Public guide', published: true })
    const keyed = new OpenAI({ baseURL: `${env.s.url}/v1`, apiKey: pub.publicKey, maxRetries: 0 })
    const page = await keyed.models.list()
    expect(page.data.map((m) => m.id)).toEqual([pub.uuid])
    const answer = await keyed.chat.completions.create({ model: 'Public guide', messages: [{ role: 'user', content: 'hey' }] })
    expect(answer.choices[0].message.content).toBe('You said: hey')
    await expect(keyed.chat.completions.create({ model: agent.uuid, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(OpenAI.NotFoundError)
    const draft = await env.agent()
    const draftClient = new OpenAI({ baseURL: `${env.s.url}/v1`, apiKey: draft.publicKey, maxRetries: 0 })
    await expect(draftClient.models.list()).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError)
  })
})

describe('POST /v1/chat/completions', () => {
  it('answers non-stream in OpenAI’s format, with history and system messages passed to the turn', async () => {
    env.llm.script({ chunks: ['The ', 'east ', 'gate.'], usage: { prompt_tokens: 11, completion_tokens: 3 } })
    const res = await client.chat.completions.create({
      model: agent.uuid,
      messages: [
        { role: 'system', content: 'Answer in one line.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello! How can I help?' },
        { role: 'user', content: [{ type: 'text', text: 'Where is the exit?' }] }
      ],
      user: 'visitor-7'
    })
    expect(res).toMatchObject({
      id: expect.stringMatching(/^chatcmpl-/),
      object: 'chat.completion',
      model: agent.uuid,
      choices: [{ index: 0, message: { role: 'assistant', content: 'The east gate.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 }
    })
    const sent = env.llm.requests[0].body.messages
    expect(sent[0].role).toBe('system')
    expect(sent[0].content).toContain('You guide visitors.')
    expect(sent[0].content).toContain('Answer in one line.')
    expect(sent.slice(1)).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello! How can I help?' },
      { role: 'user', content: 'Where is the exit?' }
    ])
    // Recorded in a session of its own, under the request's user.
    const sessions = (await env.s.api('GET', `/api/sessions?agentId=${agent.id}&userId=visitor-7`)).body
    expect(sessions).toHaveLength(1)
  })

  it('streams chat.completion.chunk objects, with usage when asked, by agent name', async () => {
    env.llm.script({ chunks: ['one ', 'two ', 'three'] })
    const stream = await client.chat.completions.create({
      model: 'Guide',
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
      stream_options: { include_usage: true }
    })
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = []
    for await (const c of stream) chunks.push(c)
    expect(chunks[0].choices[0].delta).toMatchObject({ role: 'assistant', content: '' })
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('one two three')
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0].id && c.model === 'Guide')).toBe(true)
    const finish = chunks.at(-2)!
    expect(finish.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' })
    const usage = chunks.at(-1)!
    expect(usage.choices).toEqual([])
    expect(usage.usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) })
  })

  it('ends the raw stream with data: [DONE]', async () => {
    const res = await fetch(`${env.s.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.s.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: agent.uuid, messages: [{ role: 'user', content: 'x' }], stream: true })
    })
    const text = await res.text()
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true)
    expect(text).not.toContain('"usage"')
  })

  it('runs the agent’s tools inside the turn and returns only the answer', async () => {
    env.llm.script({ toolCalls: [{ name: 'current_time', arguments: {} }] }, { text: 'It is noon.' })
    const res = await client.chat.completions.create({ model: agent.uuid, messages: [{ role: 'user', content: 'time?' }] })
    expect(res.choices[0].message.content).toBe('It is noon.')
    expect(res.choices[0].message.tool_calls).toBeUndefined()
    expect(env.llm.requests).toHaveLength(2)
  })

  it('unknown model → NotFoundError (model_not_found); wrong key → AuthenticationError', async () => {
    const missing = await client.chat.completions.create({ model: 'no-such-agent', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e)
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError)
    expect(missing.code).toBe('model_not_found')
    const wrong = new OpenAI({ baseURL: `${env.s.url}/v1`, apiKey: 'wrong', maxRetries: 0 })
    await expect(wrong.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError)
    await expect(wrong.chat.completions.create({ model: agent.uuid, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError
    )
  })

  it('malformed requests → 400 in OpenAI’s error shape', async () => {
    const cases: [unknown, RegExp][] = [
      [{ model: agent.uuid, messages: [] }, /messages/],
      [{ messages: [{ role: 'user', content: 'x' }] }, /model/],
      [{ model: agent.uuid, messages: [{ role: 'wizard', content: 'x' }] }, /messages/],
      [
        {
          model: agent.uuid,
          messages: [
            { role: 'user', content: 'x' },
            { role: 'assistant', content: 'y' }
          ]
        },
        /last message/
      ],
      [{ model: agent.uuid, messages: [{ role: 'user', content: 'x' }], stream: 'yes' }, /stream/]
    ]
    for (const [body, why] of cases) {
      const res = await env.s.api('POST', '/v1/chat/completions', body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body).toEqual({ error: { message: expect.stringMatching(why), type: 'invalid_request_error', param: expect.anything(), code: null } })
    }
    const badJson = await env.s.api('POST', '/v1/chat/completions', undefined, { rawBody: '{"model":' })
    expect(badJson.status).toBe(400)
    expect(badJson.body.error.type).toBe('invalid_request_error')
    const sdk = await client.chat.completions.create({ model: agent.uuid, messages: [] }).catch((e) => e)
    expect(sdk).toBeInstanceOf(OpenAI.BadRequestError)
    const route = await env.s.api('GET', '/v1/nothing')
    expect(route.status).toBe(404)
    expect(route.body.error.code).toBe('unknown_url')
  })

  it('a provider failure after the retries is an API error, in both modes', async () => {
    const down = { status: 503, error: { message: 'overloaded' } }
    env.llm.script(down, down, down)
    const err = await client.chat.completions.create({ model: agent.uuid, messages: [{ role: 'user', content: 'x' }] }).catch((e) => e)
    expect(err).toBeInstanceOf(OpenAI.APIError)
    expect(err.status).toBe(502)
    expect(err.message).toMatch(/503/)
    env.llm.script(down, down, down)
    const stream = await client.chat.completions.create({ model: agent.uuid, messages: [{ role: 'user', content: 'x' }], stream: true })
    await expect(
      (async () => {
        for await (const _ of stream) {
          // drain
        }
      })()
    ).rejects.toThrow(/503/)
  })
})
