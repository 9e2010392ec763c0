import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import type { Socket } from 'socket.io-client'
import { bootServer, type BootedServer } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'
import { createTempMysqlDb } from '../../utils/mariadb'
import { redisCoordination } from '../../../src-main/core/coordination'
import { allData, emitAck, nextEvent, postMessage, socketClient, textOf } from '../chat/helpers'

/**
 * Two server processes of one team server (two runtimes here, each with its own Redis
 * connections, as separate processes have) on one MariaDB database and one Redis: a turn waits in
 * the process that runs it, and its answer may arrive at the other one.
 */
const REDIS_URL = process.env.AGENTA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

let db: Awaited<ReturnType<typeof createTempMysqlDb>>
let llm: FakeLlm
let a: BootedServer
let b: BootedServer
let agent: any
const sockets: Socket[] = []

beforeAll(async () => {
  db = await createTempMysqlDb()
  llm = await startFakeLlm()
  const prefix = `agenta-test-${randomBytes(4).toString('hex')}:`
  const boot = () => bootServer({ store: { kind: 'mysql', url: db.url }, coordination: redisCoordination({ url: REDIS_URL, prefix }) })
  a = await boot()
  b = await boot()
  const provider = await a.api('POST', '/api/providers', { name: 'Fake', baseUrl: llm.baseUrl })
  agent = (await a.api('POST', '/api/agents', { name: 'Concierge', providerId: provider.body.id, model: 'fake-chat' })).body
})
afterAll(async () => {
  for (const s of sockets.splice(0)) s.close()
  await a?.close()
  await b?.close()
  await llm?.close()
  await db?.drop()
})

async function client(s: BootedServer) {
  const c = await socketClient(s.url)
  sockets.push(c.socket)
  return c
}

async function askUserTurn(answerer: string) {
  const { socket, clientId } = await client(a)
  const sid = (await a.api('POST', '/chat-init', { app_uuid: agent.uuid, user_id: answerer })).body.session_id
  llm.script({ toolCalls: [{ name: 'ask_user', arguments: { question: 'Your booking code?' } }] }, { text: 'Found it.' })
  const asked = nextEvent<{ wait_id: string }>(socket, 'wait_for_input')
  const stream = postMessage(a, {
    message: 'find my booking',
    stream: true,
    session_id: sid,
    socket_id: clientId,
    app_uuid: agent.uuid,
    user_id: answerer
  }).then(allData)
  return { wait: await asked, stream }
}

describe('waits across the processes of a team server', () => {
  it('a turn on A resumes when its client answers on a socket connected to B', async () => {
    const { wait, stream } = await askUserTurn('u-socket')
    const elsewhere = await client(b)
    expect(await emitAck(elsewhere.socket, 'agent_response', { wait_id: wait.wait_id, response_data: { user_input: 'BK-42' } })).toEqual({
      status: 'success'
    })
    const chunks = await stream
    expect(textOf(chunks)).toBe('Found it.')
    expect(llm.requests.at(-1)!.body.messages.at(-1).content).toBe('{"user_input":"BK-42"}')
  })

  it('a turn on A resumes when the answer is posted to B', async () => {
    const { wait, stream } = await askUserTurn('u-rest')
    const answered = await b.api('POST', `/api/chat/waits/${wait.wait_id}`, { data: 'BK-7' })
    expect(answered).toMatchObject({ status: 200, body: { ok: true } })
    expect(textOf(await stream)).toBe('Found it.')
    // Answered once: the wait is gone on every process.
    expect((await b.api('POST', `/api/chat/waits/${wait.wait_id}`, { data: 'again' })).status).toBe(404)
    expect((await a.api('POST', `/api/chat/waits/${wait.wait_id}`, { data: 'again' })).status).toBe(404)
  })

  it('a chat on B calls a client function of a control socket connected to A, and resumes on its answer', async () => {
    const { socket, clientId } = await client(a)
    expect(
      await emitAck(socket, 'systemdata', { action: 'register_functions', payload: [{ name: 'get_location', description: 'Where the kiosk stands' }] })
    ).toEqual({ status: 'success' })
    const sid = (await b.api('POST', '/chat-init', { app_uuid: agent.uuid, user_id: 'u-kiosk' })).body.session_id
    llm.script({ toolCalls: [{ id: 'call_loc', name: 'get_location', arguments: { precise: true } }] }, { text: 'You are at Gate 3.' })
    const asked = nextEvent<any>(socket, 'message')
    const stream = postMessage(b, {
      message: 'where am I?',
      stream: true,
      session_id: sid,
      socket_id: clientId,
      app_uuid: agent.uuid,
      user_id: 'u-kiosk'
    }).then(allData)
    const request = await asked
    expect(request).toEqual({ action: 'call', payload: { type: 'function', name: 'get_location', arguments: { precise: true } }, wait_id: expect.any(String) })
    expect(await emitAck(socket, 'agent_response', { wait_id: request.wait_id, response_data: { gate: 3 } })).toEqual({ status: 'success' })
    expect(textOf(await stream)).toBe('You are at Gate 3.')
    expect(llm.requests.at(-1)!.body.messages.at(-1).content).toBe('{"gate":3}')
  })

  it('a chat on B waiting on a client of A ends at once when that client disconnects', async () => {
    const { socket, clientId } = await client(a)
    await emitAck(socket, 'systemdata', { action: 'register_functions', payload: [{ name: 'scan', description: 'Scan a ticket' }] })
    const sid = (await b.api('POST', '/chat-init', { app_uuid: agent.uuid, user_id: 'u-gone' })).body.session_id
    llm.script({ toolCalls: [{ id: 'call_scan', name: 'scan', arguments: {} }] }, { text: 'No scan then.' })
    const asked = nextEvent<any>(socket, 'message')
    const stream = postMessage(b, { message: 'scan it', stream: true, session_id: sid, socket_id: clientId, app_uuid: agent.uuid, user_id: 'u-gone' }).then(
      allData
    )
    await asked
    socket.close()
    expect(textOf(await stream)).toBe('No scan then.')
    expect(llm.requests.at(-1)!.body.messages.at(-1).content).toBe('The client disconnected before answering.')
  })

  it('an answer for a wait no process holds is refused on either process', async () => {
    const b1 = await client(b)
    expect(await emitAck(b1.socket, 'agent_response', { wait_id: 'wait_nobody', response_data: {} })).toMatchObject({ status: 'error' })
    expect((await b.api('POST', '/api/chat/waits/wait_nobody', { data: 1 })).body.error.code).toBe('not_found')
  })
})
