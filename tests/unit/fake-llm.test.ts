import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import OpenAI, { APIError } from 'openai'
import { splitText, startFakeLlm, type FakeLlm } from '../utils/fake-llm'
import { until } from '../utils/until'

let llm: FakeLlm
let client: OpenAI

beforeAll(async () => {
  llm = await startFakeLlm()
  client = new OpenAI({ baseURL: llm.baseUrl, apiKey: 'test', maxRetries: 0 })
})
afterAll(() => llm.close())
beforeEach(() => llm.reset())

const user = (content: string) => [{ role: 'user' as const, content }]
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0)

async function collect(stream: AsyncIterable<OpenAI.ChatCompletionChunk>) {
  const chunks: OpenAI.ChatCompletionChunk[] = []
  for await (const c of stream) chunks.push(c)
  return { chunks, text: chunks.map((c) => c.choices[0]?.delta.content ?? '').join('') }
}

describe('splitText', () => {
  it('splits by word and CJK pairs and always rejoins exactly', () => {
    for (const s of ['Hello  big world\n', '  lead', '今天天气很好 ok', '', 'a\n\n']) {
      expect(splitText(s).join('')).toBe(s)
    }
    expect(splitText('Hello big world')).toEqual(['Hello', ' big', ' world'])
    expect(splitText('今天天气很好')).toEqual(['今天', '天气', '很好'])
  })
})

describe('chat completions', () => {
  it('streams scripted text that reassembles, with usage when asked', async () => {
    llm.script({ text: 'The quick brown fox 跳过了懒狗.', usage: { prompt_tokens: 7, completion_tokens: 9 } })
    const { chunks, text } = await collect(
      await client.chat.completions.create({
        model: 'fake-chat',
        messages: user('hi'),
        stream: true,
        stream_options: { include_usage: true }
      })
    )
    expect(text).toBe('The quick brown fox 跳过了懒狗.')
    expect(chunks.length).toBeGreaterThan(5)
    expect(chunks[0].object).toBe('chat.completion.chunk')
    expect(chunks[0].choices[0].delta.role).toBe('assistant')
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe('stop')
    expect(chunks.at(-1)?.choices).toEqual([])
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 9, total_tokens: 16 })
    expect(llm.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions', aborted: false })
    expect(llm.requests[0].body.stream).toBe(true)
  })

  it('uses exact chunks when given and omits usage unless asked', async () => {
    llm.script({ chunks: ['ab', 'c', 'd e'] })
    const { chunks } = await collect(await client.chat.completions.create({ model: 'fake-chat', messages: user('x'), stream: true }))
    expect(chunks.map((c) => c.choices[0].delta.content).filter(Boolean)).toEqual(['ab', 'c', 'd e'])
    expect(chunks.every((c) => c.usage === undefined)).toBe(true)
  })

  it('reassembles parallel tool calls through the SDK stream helper', async () => {
    const weatherArgs = { city: 'Paris', unit: 'celsius', days: [1, 2, 3] }
    llm.script({
      reasoning: 'Need weather and time.',
      toolCalls: [
        { id: 'call_w', name: 'get_weather', arguments: weatherArgs },
        { name: 'get_time', arguments: { timezone: 'Europe/Paris' } }
      ]
    })
    const argDeltas: string[] = []
    let reasoning = ''
    const stream = client.chat.completions
      .stream({ model: 'fake-chat', messages: user('weather?'), tools: [] })
      .on('tool_calls.function.arguments.delta', (e) => argDeltas.push(e.arguments_delta))
      .on('chunk', (c) => (reasoning += (c.choices[0]?.delta as any)?.reasoning_content ?? ''))
    const done = await stream.finalChatCompletion()
    const choice = done.choices[0]
    expect(choice.finish_reason).toBe('tool_calls')
    const calls = choice.message.tool_calls!.map((c) => (c.type === 'function' ? c : null)!)
    expect(calls.map((c) => c.function.name)).toEqual(['get_weather', 'get_time'])
    expect(calls[0].id).toBe('call_w')
    expect(calls[1].id).toMatch(/^call_/)
    expect(JSON.parse(calls[0].function.arguments)).toEqual(weatherArgs)
    expect(JSON.parse(calls[1].function.arguments)).toEqual({ timezone: 'Europe/Paris' })
    expect(argDeltas.length).toBeGreaterThan(2)
    // The SDK keeps only the last unknown delta field, so reasoning is checked on the raw chunks.
    expect(reasoning).toBe('Need weather and time.')
  })

  it('answers non-stream requests, with tool calls too', async () => {
    llm.script({ text: 'plain answer' }, { toolCalls: [{ name: 'f', arguments: { a: 1 } }] })
    const r = await client.chat.completions.create({ model: 'fake-chat', messages: user('q') })
    expect(r.object).toBe('chat.completion')
    expect(r.choices[0].message.content).toBe('plain answer')
    expect(r.choices[0].finish_reason).toBe('stop')
    expect(r.usage?.total_tokens).toBeGreaterThan(0)
    const t = await client.chat.completions.create({ model: 'fake-chat', messages: user('q') })
    expect(t.choices[0].finish_reason).toBe('tool_calls')
    expect(t.choices[0].message.content).toBeNull()
    const call = t.choices[0].message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall
    expect(JSON.parse(call.function.arguments)).toEqual({ a: 1 })
  })

  it('echoes the last user message by default, and onChat answers when the queue is empty', async () => {
    const messages = [
      { role: 'user' as const, content: 'first' },
      { role: 'assistant' as const, content: 'ok' },
      { role: 'user' as const, content: [{ type: 'text' as const, text: '再见 friend' }] }
    ]
    const r = await client.chat.completions.create({ model: 'fake-chat', messages })
    expect(r.choices[0].message.content).toBe('You said: 再见 friend')

    llm.onChat((body) => (body.messages.length > 1 ? { text: 'dynamic' } : undefined))
    llm.script({ text: 'scripted first' })
    const texts: (string | null)[] = []
    for (let i = 0; i < 2; i++) {
      texts.push((await client.chat.completions.create({ model: 'fake-chat', messages })).choices[0].message.content)
    }
    texts.push((await client.chat.completions.create({ model: 'fake-chat', messages: user('solo') })).choices[0].message.content)
    expect(texts).toEqual(['scripted first', 'dynamic', 'You said: solo'])
  })

  it('surfaces 429 and 500 as APIError with OpenAI error bodies', async () => {
    llm.script({ status: 429, error: { message: 'Slow down', code: 'rate_limit_exceeded' } }, { status: 500, error: { message: 'Boom', type: 'server_error' } })
    const e429 = await client.chat.completions.create({ model: 'fake-chat', messages: user('a') }).catch((e) => e)
    expect(e429).toBeInstanceOf(APIError)
    expect(e429.status).toBe(429)
    expect(e429.code).toBe('rate_limit_exceeded')
    const e500 = await client.chat.completions.create({ model: 'fake-chat', messages: user('a'), stream: true }).catch((e) => e)
    expect(e500).toBeInstanceOf(APIError)
    expect(e500.status).toBe(500)
    expect(e500.message).toContain('Boom')
  })

  it('rejects an unknown model with 404 model_not_found, and follows setModels', async () => {
    const err = await client.chat.completions.create({ model: 'gpt-nope', messages: user('a') }).catch((e) => e)
    expect(err).toBeInstanceOf(APIError)
    expect(err.status).toBe(404)
    expect(err.code).toBe('model_not_found')

    llm.setModels([{ id: 'gpt-nope' }])
    const ok = await client.chat.completions.create({ model: 'gpt-nope', messages: user('a') })
    expect(ok.model).toBe('gpt-nope')
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(['gpt-nope'])
  })

  it('fails mid-stream after N chunks', async () => {
    llm.script({ text: 'one two three four five', failAfterChunks: 2 })
    const got: string[] = []
    const err = await (async () => {
      const stream = await client.chat.completions.create({ model: 'fake-chat', messages: user('a'), stream: true })
      for await (const c of stream) if (c.choices[0]?.delta.content) got.push(c.choices[0].delta.content)
    })().catch((e) => e)
    expect(err).toBeInstanceOf(Error)
    expect(got).toEqual(['one', ' two'])
  })

  it('stalls after N chunks with the connection open, until the client gives up', async () => {
    llm.script({ text: 'one two three four', stallAfterChunks: 2 })
    const ac = new AbortController()
    const got: string[] = []
    const stream = await client.chat.completions.create({ model: 'fake-chat', messages: user('a'), stream: true }, { signal: ac.signal })
    for await (const c of stream) {
      if (c.choices[0]?.delta.content) got.push(c.choices[0].delta.content)
      if (got.length === 2) ac.abort()
    }
    expect(got).toEqual(['one', ' two'])
    await until(() => llm.requests[0]?.aborted, 'the request to be aborted')
  })

  it('sends verbatim deltas, odd token counts and a raw body when scripted to', async () => {
    llm.script({ deltas: [{ content: 123 }], usage: { prompt_tokens: 'a', completion_tokens: 1 } })
    const raw = await fetch(`${llm.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-chat', messages: user('a'), stream: true, stream_options: { include_usage: true } })
    })
    const events = (await raw.text())
      .split('\n\n')
      .filter((e) => e.startsWith('data: {'))
      .map((e) => JSON.parse(e.slice(6)))
    expect(events.map((e) => e.choices[0]?.delta.content)).toContain(123)
    expect(events.at(-1).usage).toMatchObject({ prompt_tokens: 'a', completion_tokens: 1 })

    llm.script({ body: { contentType: 'text/html', text: '<html>login</html>' } })
    const page = await fetch(`${llm.baseUrl}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'fake-chat', messages: user('a'), stream: true })
    })
    expect([page.status, page.headers.get('content-type'), await page.text()]).toEqual([200, 'text/html', '<html>login</html>'])
  })

  it('hangs until the client times out', async () => {
    llm.script({ hang: true })
    const err = await client.chat.completions.create({ model: 'fake-chat', messages: user('a') }, { timeout: 150 }).catch((e) => e)
    expect(err).toBeInstanceOf(OpenAI.APIConnectionTimeoutError)
    await until(() => llm.requests[0]?.aborted, 'the request to be aborted')
  })
})

describe('timing', () => {
  // How soon the fake notices (the baseline of bench/chat-relay/abort.ts) is measured there.
  it('records a client abort', async () => {
    llm.script({ text: 'word '.repeat(200), chunkDelayMs: 20 })
    const ac = new AbortController()
    const stream = await client.chat.completions.create({ model: 'fake-chat', messages: user('a'), stream: true }, { signal: ac.signal })
    let n = 0
    // The SDK ends iteration quietly on abort rather than throwing.
    for await (const _ of stream) if (++n === 3) ac.abort()
    expect(n).toBeLessThan(10)
    await until(() => llm.requests[0].aborted, 'the request to be aborted')
    expect(llm.requests[0].abortedAt).toEqual(expect.any(Number))
  })

  it('honours first-token and per-chunk delays', async () => {
    llm.script({ chunks: ['a', 'b', 'c', 'd', 'e', 'f'], firstTokenDelayMs: 150, chunkDelayMs: 40 })
    const t0 = performance.now()
    const stream = await client.chat.completions.create({ model: 'fake-chat', messages: user('a'), stream: true })
    const at: number[] = []
    for await (const c of stream) if (c.choices[0]?.delta.content) at.push(performance.now() - t0)
    expect(at).toHaveLength(6)
    // Counted from the request: a busy client reads a chunk late, never early, so a gap between two
    // chunks can look short. How close to its schedule the fake stays is a figure, not a bound:
    // bench/chat-relay's direct side (gap and lateness against the schedule).
    expect(at[0]).toBeGreaterThanOrEqual(149)
    expect(at[5]).toBeGreaterThanOrEqual(349)
  })

  // How fast is for bench/chat-relay (the fake is its baseline); here: all of them, whole.
  it('serves 1000 concurrent streams', async () => {
    llm.onChat(() => ({ text: 'a b c d e', chunkDelayMs: 20 }))
    const bodies = await Promise.all(
      Array.from({ length: 1000 }, () =>
        fetch(`${llm.baseUrl}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'fake-chat', stream: true, messages: user('x') })
        }).then((r) => r.text())
      )
    )
    expect(bodies.every((b) => b.endsWith('data: [DONE]\n\n'))).toBe(true)
    expect(llm.requests).toHaveLength(1000)
  })

  it('close() ends open streams', async () => {
    const other = await startFakeLlm()
    other.script({ hang: true })
    const c = new OpenAI({ baseURL: other.baseUrl, apiKey: 'x', maxRetries: 0 })
    const pending = c.chat.completions.create({ model: 'fake-chat', messages: user('a') }).catch((e) => e)
    await until(() => other.requests.length > 0, 'the request at the other server')
    await other.close()
    expect(await pending).toBeInstanceOf(Error)
  })
})

describe('auth', () => {
  it('returns 401 invalid_api_key for a wrong key and accepts the right one', async () => {
    const secured = await startFakeLlm({ apiKey: 'sk-right' })
    try {
      const bad = new OpenAI({ baseURL: secured.baseUrl, apiKey: 'sk-wrong', maxRetries: 0 })
      const err = await bad.models.list().catch((e) => e)
      expect(err).toBeInstanceOf(OpenAI.AuthenticationError)
      expect(err.status).toBe(401)
      expect(err.code).toBe('invalid_api_key')
      const good = new OpenAI({ baseURL: secured.baseUrl, apiKey: 'sk-right', maxRetries: 0 })
      expect((await good.models.list()).data.map((m) => m.id)).toEqual(['fake-chat', 'fake-embed', 'fake-rerank'])
      expect(secured.requests.map((r) => r.headers.authorization)).toEqual(['Bearer sk-wrong', 'Bearer sk-right'])
    } finally {
      await secured.close()
    }
  })
})

describe('embeddings', () => {
  const vectors = async (input: string[], encoding_format?: 'float') =>
    (await client.embeddings.create({ model: 'fake-embed', input, encoding_format })).data.map((d) => d.embedding)

  it('returns deterministic unit vectors of the configured dimension, in both encodings', async () => {
    const [a, b] = await vectors(['hello world', 'hello world'])
    const [c] = await vectors(['hello world'], 'float')
    expect(a).toHaveLength(64)
    expect(dot(a, a)).toBeCloseTo(1, 5)
    expect(a).toEqual(b)
    a.forEach((x, i) => expect(x).toBeCloseTo(c[i], 6))

    const single = await client.embeddings.create({ model: 'fake-embed', input: 'one string' })
    expect(single.data).toHaveLength(1)

    const wide = await startFakeLlm({ embeddingDim: 256 })
    try {
      const c2 = new OpenAI({ baseURL: wide.baseUrl, apiKey: 'x', maxRetries: 0 })
      const r = await c2.embeddings.create({ model: 'fake-embed', input: 'x' })
      expect(r.data[0].embedding).toHaveLength(256)
    } finally {
      await wide.close()
    }
  })

  it('can ignore encoding_format and always send floats, and change its vector length', async () => {
    const floats = await startFakeLlm({ ignoreEncodingFormat: true })
    try {
      const body = (encoding_format: string) => JSON.stringify({ model: 'fake-embed', input: ['x'], encoding_format })
      const post = (encoding_format: string) =>
        fetch(`${floats.baseUrl}/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(encoding_format) }).then((r) =>
          r.json()
        )
      const asked = await post('base64')
      expect(asked.data[0].embedding).toHaveLength(64)
      expect(typeof asked.data[0].embedding[0]).toBe('number')
      floats.setEmbeddingDim(32)
      expect((await post('float')).data[0].embedding).toHaveLength(32)
    } finally {
      await floats.close()
    }
  })

  it('puts related texts closer than unrelated ones, also for Chinese', async () => {
    const triples = [
      ['how do I reset my password', 'steps to reset a forgotten password', 'the weather in Paris is sunny today'],
      ['database connection failed', 'failed to open database connection', 'I love eating apples'],
      ['如何重置我的密码', '忘记密码后怎么重置', '今天巴黎天气晴朗'],
      ['机器学习模型训练', '训练深度学习模型', '我喜欢吃苹果']
    ]
    for (const [query, related, unrelated] of triples) {
      const [q, rel, unrel] = await vectors([query, related, unrelated])
      expect(dot(q, rel), query).toBeGreaterThan(dot(q, unrel) + 0.1)
    }
  })

  it('404s an unknown embedding model', async () => {
    const err = await client.embeddings.create({ model: 'nope', input: 'x' }).catch((e) => e)
    expect(err.status).toBe(404)
  })
})

describe('rerank', () => {
  const rerank = async (query: string, documents: unknown[], top_n?: number) => {
    const res = await fetch(`${llm.baseUrl}/rerank`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-rerank', query, documents, top_n })
    })
    return (await res.json()).results as { index: number; relevance_score: number }[]
  }

  it('orders documents by term overlap and honours top_n', async () => {
    const results = await rerank('reset password', ['bananas are yellow', 'how to reset your password', 'password rules'])
    expect(results.map((r) => r.index)).toEqual([1, 2, 0])
    expect(results[0].relevance_score).toBeGreaterThan(results[1].relevance_score)
    expect(results[1].relevance_score).toBeGreaterThan(results[2].relevance_score)

    const zh = await rerank('重置密码', ['今天天气很好', { text: '重置密码的步骤' }, '密码规则'], 2)
    expect(zh.map((r) => r.index)).toEqual([1, 2])
    expect(llm.requests.map((r) => r.path)).toEqual(['/v1/rerank', '/v1/rerank'])
  })
})
