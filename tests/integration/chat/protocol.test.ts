import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { allData, chatEnv, postMessage, sseData, textOf, type ChatEnv } from './helpers'
import { until } from '../../utils/until'

let env: ChatEnv
let agent: any

beforeAll(async () => {
  env = await chatEnv()
  agent = await env.agent({ systemPrompt: 'You are a test agent.' })
})
afterAll(() => env?.close())
beforeEach(() => env.llm.reset())

const msg = (sessionId: string, message: string, extra: Record<string, unknown> = {}) => ({
  message,
  stream: true,
  session_id: sessionId,
  socket_id: null,
  app_uuid: agent.uuid,
  user_id: 'u1',
  is_digitalhuman: false,
  ...extra
})

describe('POST /chat-init', () => {
  it('creates a session, returns an existing one, and adopts a new id the client brings', async () => {
    const first = await env.s.api('POST', '/chat-init', { app_uuid: agent.uuid, user_id: 'u1' })
    expect(first.status).toBe(200)
    expect(first.body).toEqual({ session_id: expect.any(String) })
    const again = await env.s.api('POST', '/chat-init', { app_uuid: agent.uuid, user_id: 'u1', session_id: first.body.session_id })
    expect(again.body.session_id).toBe(first.body.session_id)
    const own = await env.s.api('POST', '/chat-init', { app_uuid: agent.uuid, user_id: 42, session_id: 'client-chosen-id' })
    expect(own.body.session_id).toBe('client-chosen-id')
    const session = await env.s.api('GET', '/api/sessions/client-chosen-id')
    expect(session.body).toMatchObject({ agentId: agent.id, userId: '42' })
  })

  it('404 for an unknown agent, 409 for another agent’s session, 400/422 for bad bodies', async () => {
    const unknown = await env.s.api('POST', '/chat-init', { app_uuid: 'no-such-agent', user_id: 'u1' })
    expect(unknown.status).toBe(404)
    expect(unknown.body.error).toMatchObject({ code: 'not_found', message: expect.stringContaining('no-such-agent') })
    const other = await env.agent()
    const sid = await env.init(other)
    const clash = await env.s.api('POST', '/chat-init', { app_uuid: agent.uuid, session_id: sid })
    expect(clash.status).toBe(409)
    const missing = await env.s.api('POST', '/chat-init', { user_id: 'u1' })
    expect(missing.status).toBe(422)
    expect(missing.body.error.message).toContain('app_uuid')
    expect((await env.s.api('POST', '/chat-init', undefined, { rawBody: '{"app_uuid":' })).status).toBe(400)
    expect((await env.s.api('POST', '/chat-init', [agent.uuid])).status).toBe(400)
  })
})

describe('POST /chat-message', () => {
  it('streams {content, card} chunks with the exact SSE framing, ends with [DONE], and persists the turn', async () => {
    const sid = await env.init(agent)
    env.llm.script({ chunks: ['Agenta 是一个', '功能强大的', ' "studio"'] })
    const res = await postMessage(env.s, msg(sid, '你好'))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(res.headers.get('x-accel-buffering')).toBe('no')
    expect(res.headers.get('cache-control')).toMatch(/no-cache/)
    const raw = await res.text()
    const blocks = raw.split('\n\n')
    expect(blocks.pop()).toBe('')
    expect(blocks[0]).toMatch(/^data: \{"content":"","card":null,"run_id":"[^"]+","session_id":"[^"]+"\}$/)
    expect(blocks.slice(1)).toEqual([
      'data: {"content":"Agenta 是一个","card":null}',
      'data: {"content":"功能强大的","card":null}',
      'data: {"content":" \\"studio\\"","card":null}',
      'data: [DONE]'
    ])
    const runId = JSON.parse(blocks[0].slice(6)).run_id
    const messages = (await env.s.api('GET', `/api/sessions/${sid}/messages`)).body
    expect(messages.map((m: any) => [m.role, m.content])).toEqual([
      ['user', '你好'],
      ['assistant', 'Agenta 是一个功能强大的 "studio"']
    ])
    expect(messages[1].meta).toMatchObject({ runId, status: 'ok' })
    // The agent's system prompt leads what the model saw.
    expect(env.llm.requests[0].body.messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('You are a test agent.') })
  })

  it('answers stream:false with one JSON object', async () => {
    const sid = await env.init(agent)
    const res = await env.s.api('POST', '/chat-message', msg(sid, 'hello there', { stream: false }))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/application\/json/)
    expect(res.body).toEqual({ content: 'You said: hello there', card: null, cards: [], session_id: sid, run_id: expect.any(String), status: 'ok' })
  })

  it('sends history: the second turn sees the first', async () => {
    const sid = await env.init(agent)
    await allData(await postMessage(env.s, msg(sid, 'one')))
    await allData(await postMessage(env.s, msg(sid, 'two')))
    const seen = env.llm.requests[1].body.messages.filter((m: any) => m.role !== 'system').map((m: any) => m.content)
    expect(seen).toEqual(['one', 'You said: one', 'two'])
  })

  it('names the bad field of a malformed body; 404 for an unknown session or agent', async () => {
    const sid = await env.init(agent)
    const cases: [Record<string, unknown>, string][] = [
      [{ ...msg(sid, 'x'), message: '' }, 'message'],
      [{ ...msg(sid, 'x'), session_id: undefined }, 'session_id'],
      [{ ...msg(sid, 'x'), app_uuid: undefined }, 'app_uuid'],
      [{ ...msg(sid, 'x'), stream: 'yes' }, 'stream'],
      [{ ...msg(sid, 'x'), is_digitalhuman: 'no' }, 'is_digitalhuman']
    ]
    for (const [body, field] of cases) {
      const res = await env.s.api('POST', '/chat-message', body)
      expect(res.status, field).toBe(422)
      expect(res.body.error.code).toBe('validation_failed')
      expect(res.body.error.message).toContain(field)
    }
    const notJson = await env.s.api('POST', '/chat-message', undefined, { rawBody: 'message=hi' })
    expect(notJson.status).toBe(400)
    const badJson = await env.s.api('POST', '/chat-message', undefined, { rawBody: '{"message": "hi",' })
    expect(badJson.status).toBe(400)
    expect(badJson.body.error.code).toBe('bad_request')

    const noSession = await env.s.api('POST', '/chat-message', msg('missing-session', 'x'))
    expect(noSession.status).toBe(404)
    expect(noSession.body.error.message).toContain('missing-session')
    const noAgent = await env.s.api('POST', '/chat-message', { ...msg(sid, 'x'), app_uuid: 'missing-agent' })
    expect(noAgent.status).toBe(404)
    expect(env.llm.requests).toHaveLength(0)
  })

  it('runs two concurrent turns on one session one after the other, without interleaving', async () => {
    const sid = await env.init(agent)
    env.llm.onChat((body) => {
      const last = body.messages.at(-1).content
      return { chunks: [`re:${last}`, ' a', ' b', ' c'], firstTokenDelayMs: 30, chunkDelayMs: 10 }
    })
    const [a, b] = await Promise.all([postMessage(env.s, msg(sid, 'first')).then(allData), postMessage(env.s, msg(sid, 'second')).then(allData)])
    expect(textOf(a)).toBe('re:first a b c')
    expect(textOf(b)).toBe('re:second a b c')
    expect(a.at(-1)).toBe('[DONE]')
    expect(b.at(-1)).toBe('[DONE]')
    const messages = (await env.s.api('GET', `/api/sessions/${sid}/messages`)).body.map((m: any) => `${m.role}:${m.content}`)
    expect(messages).toEqual(['user:first', 'assistant:re:first a b c', 'user:second', 'assistant:re:second a b c'])
  })

  // How soon after the close the model request ends is measured by bench/chat-relay/abort.ts.
  it('closing the response aborts the model request and keeps the partial answer as stopped', async () => {
    const sid = await env.init(agent)
    env.llm.script({ chunks: Array.from({ length: 100 }, (_, i) => `w${i} `), chunkDelayMs: 30 })
    const ac = new AbortController()
    const res = await postMessage(env.s, msg(sid, 'long one'), { signal: ac.signal })
    let seen = ''
    try {
      for await (const d of sseData(res)) {
        if (d !== '[DONE]') seen += d.content
        if (seen.includes('w2 ')) ac.abort()
      }
    } catch (err) {
      expect((err as Error).name).toBe('AbortError')
    }
    await until(() => env.llm.requests[0]?.aborted, 'the model request to be aborted')
    const stopped = await until(async () => {
      const messages = (await env.s.api('GET', `/api/sessions/${sid}/messages`)).body
      return messages.find((m: any) => m.role === 'assistant')
    }, 'the stopped answer to be saved')
    expect(stopped.meta.status).toBe('stopped')
    expect(stopped.content).toMatch(/^w0 w1 w2 /)
    expect(stopped.content).not.toContain('w99')
  })

  it('retries a provider 500 before the first token', async () => {
    const sid = await env.init(agent)
    env.llm.script({ status: 500, error: { message: 'boom' } }, { text: 'recovered fine' })
    const chunks = await allData(await postMessage(env.s, msg(sid, 'hi')))
    expect(textOf(chunks)).toBe('recovered fine')
    expect(chunks.some((c) => c.type === 'error')).toBe(false)
    expect(env.llm.requests).toHaveLength(2)
  })

  it('ends with an error chunk then [DONE] when 429s outlast the retries', async () => {
    const sid = await env.init(agent)
    const limited = { status: 429, error: { message: 'slow down' } }
    env.llm.script(limited, limited, limited)
    const chunks = await allData(await postMessage(env.s, msg(sid, 'hi')))
    expect(env.llm.requests).toHaveLength(3)
    expect(chunks.at(-2)).toEqual({ content: '', card: null, type: 'error', error: { code: 'rate_limited', message: expect.stringContaining('429') } })
    expect(chunks.at(-1)).toBe('[DONE]')
    const res = await env.s.api('POST', '/chat-message', msg(sid, 'again', { stream: false }))
    expect(res.body).toMatchObject({ status: 'ok' })
  })
})

describe('POST /api/chat/turn (studio)', () => {
  it('streams raw turn events ending with done', async () => {
    const sid = await env.init(agent)
    env.llm.script({ chunks: ['a', 'b'] })
    const res = await fetch(`${env.s.url}/api/chat/turn`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.s.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: sid, message: 'studio says hi' })
    })
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const events = await allData(res)
    expect(events.map((e) => e.type)).toEqual(['start', 'delta', 'delta', 'done'])
    expect(events[0]).toMatchObject({ sessionId: sid, runId: expect.any(String) })
    expect(events.at(-1)).toMatchObject({ status: 'ok', messageId: expect.any(String), usage: { promptTokens: expect.any(Number) } })
  })

  it('needs the studio token and a valid body', async () => {
    const sid = await env.init(agent)
    expect((await env.s.api('POST', '/api/chat/turn', { sessionId: sid, message: 'x' }, { token: null })).status).toBe(401)
    const bad = await env.s.api('POST', '/api/chat/turn', { message: 'x' })
    expect(bad.status).toBe(422)
    expect(bad.body.error.message).toContain('sessionId')
    expect((await env.s.api('POST', '/api/chat/turn', { sessionId: 'nope', message: 'x' })).status).toBe(404)
  })
})
