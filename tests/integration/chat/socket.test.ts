import type { Socket } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { allData, chatEnv, emitAck, nextEvent, postMessage, sseData, socketClient, textOf, type ChatEnv } from './helpers'
import { until } from '../../utils/until'

let env: ChatEnv
let agent: any
const sockets: Socket[] = []

beforeAll(async () => {
  env = await chatEnv()
  agent = await env.agent()
})
afterAll(() => env?.close())
beforeEach(() => env.llm.reset())
afterEach(() => {
  for (const s of sockets.splice(0)) s.close()
})

async function client() {
  const c = await socketClient(env.s.url)
  sockets.push(c.socket)
  return c
}

const body = (sessionId: string, socketId: string | null, message: string, extra: Record<string, unknown> = {}) => ({
  message,
  stream: true,
  session_id: sessionId,
  socket_id: socketId,
  app_uuid: agent.uuid,
  user_id: 'u1',
  is_digitalhuman: false,
  ...extra
})

/** The content of the tool message the model got in its n-th request. */
const toolResultSeen = (n: number) => env.llm.requests[n].body.messages.at(-1)

describe('Socket.IO control channel', () => {
  it('greets with connect_response carrying the socket id', async () => {
    const { socket, clientId } = await client()
    expect(clientId).toBe(socket.id)
  })

  it('client function round trip: register_functions → message with wait_id → agent_response → the model gets the result', async () => {
    const { socket, clientId } = await client()
    const ack = await emitAck(socket, 'systemdata', {
      action: 'register_functions',
      payload: [{ name: 'get_location', description: 'Where the kiosk stands' }]
    })
    expect(ack).toEqual({ status: 'success' })
    const sid = await env.init(agent)
    env.llm.script({ toolCalls: [{ id: 'call_loc', name: 'get_location', arguments: { precise: true } }] }, { text: 'You are at Gate 3.' })

    const asked = nextEvent(socket, 'message')
    const stream = postMessage(env.s, body(sid, clientId, 'where am I?')).then(allData)
    const request = await asked
    expect(request).toEqual({
      action: 'call',
      payload: { type: 'function', name: 'get_location', arguments: { precise: true } },
      wait_id: expect.stringMatching(/^wait_/)
    })
    expect(env.llm.requests[0].body.tools.map((t: any) => t.function.name)).toContain('get_location')
    const answered = await emitAck(socket, 'agent_response', { wait_id: request.wait_id, response_data: { message: 'ok', data: { gate: 3 } } })
    expect(answered).toEqual({ status: 'success' })

    const chunks = await stream
    expect(chunks.find((c) => c.type === 'wait')).toMatchObject({ wait_id: request.wait_id, wait: { kind: 'client' } })
    expect(textOf(chunks)).toBe('You are at Gate 3.')
    expect(toolResultSeen(1)).toMatchObject({ role: 'tool', tool_call_id: 'call_loc', content: '{"message":"ok","data":{"gate":3}}' })
  })

  it('page_module systemdata becomes operate_page; the agent drives a page through message', async () => {
    const { socket, clientId } = await client()
    const ack = await emitAck(socket, 'systemdata', {
      name: 'Ticket office',
      userinfo: { destination_id: 'd1' },
      type: 'page_module',
      description: 'Back office',
      pages: [
        { code: 'orders', name: 'Orders', description: 'All ticket orders' },
        { code: 'refunds', name: 'Refunds' }
      ]
    })
    expect(ack).toEqual({ status: 'success' })
    const sid = await env.init(agent)
    env.llm.script({ toolCalls: [{ name: 'operate_page', arguments: { action: 'query', code: 'orders', form: { date: '2025-05-01' } } }] }, { text: 'Shown.' })
    const asked = nextEvent(socket, 'message')
    const stream = postMessage(env.s, body(sid, clientId, 'show me May orders')).then(allData)
    const request = await asked
    expect(request).toEqual({
      action: 'query',
      payload: { type: 'page_module', code: 'orders', name: 'Orders', form: { date: '2025-05-01' } },
      wait_id: expect.any(String)
    })
    const tool = env.llm.requests[0].body.tools.find((t: any) => t.function.name === 'operate_page')
    expect(tool.function.parameters.properties.code.enum).toEqual(['orders', 'refunds'])
    socket.emit('agent_response', { wait_id: request.wait_id, response_data: { message: '12 orders', is_summarize: true } })
    expect(textOf(await stream)).toBe('Shown.')
    expect(toolResultSeen(1).content).toBe('{"message":"12 orders","is_summarize":true}')
  })

  it('ask_user sends wait_for_input and resumes on agent_response', async () => {
    const { socket, clientId } = await client()
    const sid = await env.init(agent)
    env.llm.script({ toolCalls: [{ name: 'ask_user', arguments: { question: '请输入您的确认码：' } }] }, { text: 'Confirmed.' })
    const asked = nextEvent(socket, 'wait_for_input')
    const stream = postMessage(env.s, body(sid, clientId, 'cancel my booking')).then(allData)
    const wait = await asked
    expect(wait).toEqual({ wait_id: expect.any(String), input_schema: { type: 'string', description: '请输入您的确认码：' } })
    await emitAck(socket, 'agent_response', { wait_id: wait.wait_id, response_data: { user_input: '1234' } })
    const chunks = await stream
    expect(chunks.find((c) => c.type === 'wait')).toMatchObject({ wait_id: wait.wait_id, wait: { kind: 'input', input_schema: { type: 'string' } } })
    expect(textOf(chunks)).toBe('Confirmed.')
    expect(toolResultSeen(1).content).toBe('{"user_input":"1234"}')
  })

  it('is_digitalhuman: the turn ends only after digitalhuman_completion', async () => {
    const { socket, clientId } = await client()
    const sid = await env.init(agent)
    env.llm.script({ text: 'Welcome to the museum.' })
    const speak = nextEvent(socket, 'wait_for_digitalhuman')
    const res = await postMessage(env.s, body(sid, clientId, 'hello', { is_digitalhuman: true }))
    const seen: any[] = []
    const reading = (async () => {
      for await (const d of sseData(res)) seen.push(d)
    })()
    const wait = await speak
    expect(wait).toEqual({ wait_id: expect.any(String), text: 'Welcome to the museum.' })
    // The stream's wait chunk is written just before the socket event: once it is read the turn is
    // at its hold, and the messages request below (a round trip through the same server) is where a
    // turn that did not hold would already have ended and saved its answer.
    await until(() => seen.some((c) => c.type === 'wait'), "the stream's wait chunk")
    expect(textOf(seen)).toBe('Welcome to the museum.')
    expect(seen).not.toContain('[DONE]')
    const messagesBefore = (await env.s.api('GET', `/api/sessions/${sid}/messages`)).body
    expect(messagesBefore.map((m: any) => m.role)).toEqual(['user'])
    expect(
      await emitAck(socket, 'digitalhuman_completion', { wait_id: wait.wait_id, completion_data: { duration: 3.2, status: 'finished', message: '' } })
    ).toEqual({ status: 'success' })
    await reading
    expect(seen.at(-1)).toBe('[DONE]')
    expect(seen.find((c) => c.type === 'wait')).toMatchObject({ wait_id: wait.wait_id, wait: { kind: 'digitalhuman' } })
  })

  // Nobody could answer the wait: the stream must not hold [DONE] for the 300 s wait timeout.
  it('is_digitalhuman without a control socket (none, or a stale id): the stream ends and no wait is sent', { timeout: 10_000 }, async () => {
    for (const socketId of [null, 'gone-socket']) {
      const sid = await env.init(agent)
      env.llm.script({ text: 'Welcome to the museum.' })
      const chunks = await allData(await postMessage(env.s, body(sid, socketId, 'hello', { is_digitalhuman: true })))
      expect(chunks.at(-1)).toBe('[DONE]')
      expect(textOf(chunks)).toBe('Welcome to the museum.')
      expect(chunks.find((c) => c.type === 'wait')).toBeUndefined()
    }
  })

  it('is_digitalhuman: a control socket that disconnects mid-wait ends the turn', { timeout: 10_000 }, async () => {
    const { socket, clientId } = await client()
    const sid = await env.init(agent)
    env.llm.script({ text: 'Welcome to the museum.' })
    const speak = nextEvent(socket, 'wait_for_digitalhuman')
    const stream = postMessage(env.s, body(sid, clientId, 'hello', { is_digitalhuman: true })).then(allData)
    await speak
    socket.close()
    const chunks = await stream
    expect(chunks.at(-1)).toBe('[DONE]')
    expect(textOf(chunks)).toBe('Welcome to the museum.')
  })

  it('a stale socket_id does not leave the turn waiting: no client tools, no ask_user', async () => {
    const sid = await env.init(agent)
    const chunks = await allData(await postMessage(env.s, body(sid, 'gone-socket', 'hi')))
    expect(textOf(chunks)).toBe('You said: hi')
    expect((env.llm.requests[0].body.tools ?? []).map((t: any) => t.function.name)).not.toContain('ask_user')
  })

  it('a disconnecting client ends its pending function call with an error result', async () => {
    const { socket, clientId } = await client()
    await emitAck(socket, 'systemdata', { action: 'register_functions', payload: [{ name: 'scan_ticket' }] })
    const sid = await env.init(agent)
    env.llm.script({ toolCalls: [{ name: 'scan_ticket', arguments: {} }] }, { text: 'The scanner went away.' })
    const asked = nextEvent(socket, 'message')
    const stream = postMessage(env.s, body(sid, clientId, 'scan')).then(allData)
    await asked
    socket.close()
    const chunks = await stream
    expect(chunks.find((c) => c.type === 'tool_result').tool).toMatchObject({ is_error: true, content: expect.stringContaining('disconnected') })
    expect(textOf(chunks)).toBe('The scanner went away.')
  })

  it('bad payloads get an error ack and the connection stays up', async () => {
    const { socket } = await client()
    const bad: [string, unknown, string][] = [
      ['systemdata', { action: 'register_functions', payload: 'nope' }, 'payload'],
      ['systemdata', { type: 'page_module', pages: [{ name: 'no code' }] }, 'Invalid payload'],
      ['systemdata', 'not json at all', 'Invalid payload'],
      ['systemdata', null, 'Invalid payload'],
      ['agent_response', { response_data: {} }, 'wait_id'],
      ['agent_response', { wait_id: 'wait_unknown', response_data: {} }, 'Nothing is waiting'],
      ['digitalhuman_completion', [1, 2, 3], 'Invalid payload'],
      ['digitalhuman_completion', { wait_id: 'wait_unknown' }, 'Nothing is waiting']
    ]
    for (const [event, payload, why] of bad) {
      const ack = await emitAck(socket, event, payload)
      expect(ack.status, `${event} ${JSON.stringify(payload)}`).toBe('error')
      expect(ack.message).toContain(why)
    }
    // Without an ack callback, and as JSON text: neither may throw.
    socket.emit('agent_response', { nonsense: true })
    socket.emit('systemdata')
    expect(await emitAck(socket, 'systemdata', JSON.stringify({ action: 'register_functions', payload: [{ name: 'f' }] }))).toEqual({ status: 'success' })
    expect(socket.connected).toBe(true)
  })

  it('disconnect forgets the client', async () => {
    const { socket, clientId } = await client()
    await until(() => env.s.runtime.chat.clients.has(clientId), 'the server to know the client')
    socket.close()
    await until(() => !env.s.runtime.chat.clients.has(clientId), 'the server to forget the client')
  })
})
