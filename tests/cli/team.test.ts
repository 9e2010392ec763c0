import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import { io as connect, type Socket } from 'socket.io-client'
import { tempDir } from '../utils/boot'
import { createTempMysqlDb } from '../utils/mariadb'
import { startFakeLlm } from '../utils/fake-llm'

/**
 * Team mode as it is deployed: two `agenta serve` processes on one MariaDB database and one Redis
 * (the built app: `npx electron-vite build` first). They must behave as one server.
 */
const bin = resolve(import.meta.dirname, '../../bin/agenta.js')
const REDIS_URL = process.env.AGENTA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const TOKEN = 'team-token'

const children: ChildProcess[] = []
const sockets: Socket[] = []
let db: Awaited<ReturnType<typeof createTempMysqlDb>>

beforeAll(async () => {
  db = await createTempMysqlDb()
})
afterAll(async () => {
  await db?.drop()
})
afterEach(() => {
  for (const s of sockets.splice(0)) s.close()
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
})

/** One server process; all of a test's processes share the data folder, the database and a Redis key prefix. */
function serve(shared: { data: string; prefix: string; db?: string }): Promise<{ url: string; api: Api }> {
  const args = ['serve', '--port', '0', '--data', shared.data, '--token', TOKEN, '--db', shared.db ?? db.url, '--redis', REDIS_URL]
  const child = spawn(process.execPath, [bin, ...args], {
    // One process per server (no allocator re-exec), so killing it kills the server.
    env: { ...process.env, AGENTA_MALLOC_TUNED: '1', AGENTA_REDIS_PREFIX: shared.prefix },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  children.push(child)
  let out = ''
  let err = ''
  child.stderr!.on('data', (d) => (err += d))
  return new Promise((res, rej) => {
    child.stdout!.on('data', (d) => {
      out += d
      const m = out.match(/Studio: (http:\/\/\S+)\/\?token=/)
      if (m) res({ url: m[1], api: api(m[1]) })
    })
    child.on('exit', (code) => rej(new Error(`agenta serve exited ${code}: ${err}`)))
  })
}

type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>
const api =
  (url: string): Api =>
  async (method, path, body) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    return { status: res.status, body: await res.json() }
  }

const shared = () => ({ data: tempDir(), prefix: `agenta-test-${randomBytes(4).toString('hex')}:` })

async function until<T>(probe: () => Promise<T | undefined | false>, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await probe()
    if (v) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function runsPerSlot(scheduleId: string): Promise<Map<number, number>> {
  const { createConnection } = await import('mysql2/promise')
  const c = await createConnection({ uri: db.url })
  try {
    const [rows] = await c.query('SELECT scheduled_for AS slot, COUNT(*) AS n FROM schedule_runs WHERE schedule_id = ? GROUP BY scheduled_for', [scheduleId])
    return new Map((rows as Array<{ slot: string | number; n: string | number }>).map((r) => [Number(r.slot), Number(r.n)]))
  } finally {
    await c.end()
  }
}

function studioSocket(url: string): Promise<{ socket: Socket; seen: Array<[string, any]> }> {
  const socket = connect(`${url}/studio`, { auth: { token: TOKEN }, transports: ['websocket'], reconnection: false })
  sockets.push(socket)
  const seen: Array<[string, any]> = []
  socket.onAny((name: string, payload: unknown) => seen.push([name, payload]))
  return new Promise((res, rej) => {
    socket.on('connect', () => res({ socket, seen }))
    socket.on('connect_error', rej)
  })
}

describe('agenta serve --redis and --vector', () => {
  function exitOf(args: string[]) {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, AGENTA_MALLOC_TUNED: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    let err = ''
    child.stderr!.on('data', (d) => (err += d))
    return new Promise<{ code: number | null; err: string }>((res) => child.on('exit', (code) => res({ code, err })))
  }

  it('refuses a URL that is not redis:// and a Redis that does not answer, saying which', async () => {
    const bad = await exitOf(['serve', '--port', '0', '--data', tempDir(), '--redis', 'http://127.0.0.1:6379'])
    expect(bad.code).toBe(2)
    expect(bad.err).toMatch(/--redis takes a redis:\/\/ URL/)
    // Running alone instead would fire every schedule a second time.
    const away = await exitOf(['serve', '--port', '0', '--data', tempDir(), '--redis', 'redis://user:secret@127.0.0.1:1'])
    expect(away.code).toBe(2)
    expect(away.err).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1/)
    expect(away.err).not.toMatch(/secret/)
  })

  it('refuses a Milvus URL it cannot use with the reason, and keeps the password out of it', async () => {
    const bad = await exitOf(['serve', '--port', '0', '--data', tempDir(), '--vector', 'milvus://me:hunter2@milvus.lan:19530/a/b'])
    expect(bad.code).toBe(2)
    expect(bad.err).toMatch(/--vector: Invalid Milvus URL .*the path is one database name/)
    expect(bad.err).not.toMatch(/hunter2/)
    const scheme = await exitOf(['serve', '--port', '0', '--data', tempDir(), '--vector', 'http://milvus.lan:19530'])
    expect(scheme.err).toMatch(/the scheme must be milvus:\/\/ or milvus\+tls:\/\//)
  })
})

describe('two agenta serve processes on one MariaDB and Redis', () => {
  it('start together on an empty database (migrations run once) and answer /readyz with both engines up', async () => {
    const empty = await createTempMysqlDb()
    try {
      const s = { ...shared(), db: empty.url }
      const both = await Promise.all([serve(s), serve(s)])
      for (const p of both) {
        const ready = await fetch(`${p.url}/readyz`)
        expect(ready.status).toBe(200)
        expect(await ready.json()).toEqual({ ok: true, checks: { database: { ok: true, kind: 'mysql' }, redis: { ok: true, kind: 'redis' } } })
      }
    } finally {
      for (const c of children.splice(0)) c.kill('SIGKILL')
      await empty.drop()
    }
  })

  it('fire each slot of a schedule exactly once, whichever process the task was edited through', async () => {
    const s = shared()
    const a = await serve(s)
    const b = await serve(s)
    const agent = await a.api('POST', '/api/agents', { name: 'Night shift' })
    expect(agent.status).toBe(201)
    // Minutes are the finest grid of a repeating schedule, so each slot here is a one-off time
    // set anew, alternately through A and B; both processes have each slot due.
    const at = () => new Date(Date.now() + 3_000).toISOString()
    const created = await a.api('POST', '/api/schedules', {
      name: 'Tally',
      agentId: agent.body.id,
      instruction: 'Count the visitors',
      schedule: { type: 'once', at: at() }
    })
    expect(created.status).toBe(201)
    const id = created.body.id as string
    const slots: number[] = [created.body.nextRunAt]
    for (let i = 1; i <= 4; i++) {
      await until(async () => (await runsPerSlot(id)).has(slots.at(-1)!), `the run of slot ${i}`)
      const via = i % 2 ? b : a
      const edited = await via.api('PUT', `/api/schedules/${id}`, { schedule: { type: 'once', at: at() }, enabled: true })
      expect(edited.status).toBe(200)
      slots.push(edited.body.nextRunAt)
    }
    await until(async () => (await runsPerSlot(id)).has(slots.at(-1)!), 'the run of the last slot')
    // Every earlier slot had both processes' timers go off seconds ago.
    const runs = await runsPerSlot(id)
    expect(slots.map((slot) => runs.get(slot))).toEqual(slots.map(() => 1))
    expect(runs.size).toBe(slots.length)
  })

  it('let a chat on B call a client function of a control socket connected to A', async () => {
    const llm = await startFakeLlm()
    try {
      const s = shared()
      const a = await serve(s)
      const b = await serve(s)
      const provider = await a.api('POST', '/api/providers', { name: 'Fake', baseUrl: llm.baseUrl })
      const agent = (await a.api('POST', '/api/agents', { name: 'Kiosk', providerId: provider.body.id, model: 'fake-chat' })).body
      const control = connect(a.url, { transports: ['websocket'], reconnection: false })
      sockets.push(control)
      const clientId = await new Promise<string>((res) => control.once('connect_response', (p: { client_id: string }) => res(p.client_id)))
      const registered = await control
        .timeout(5_000)
        .emitWithAck('systemdata', { action: 'register_functions', payload: [{ name: 'get_location', description: 'Where the kiosk stands' }] })
      expect(registered).toEqual({ status: 'success' })
      // The client answers its function calls, wherever the chat runs.
      control.on('message', (m: { wait_id: string }) => void control.emit('agent_response', { wait_id: m.wait_id, response_data: { gate: 3 } }))
      llm.script({ toolCalls: [{ id: 'call_loc', name: 'get_location', arguments: {} }] }, { text: 'You are at Gate 3.' })
      const sid = (await b.api('POST', '/chat-init', { app_uuid: agent.uuid, user_id: 'kiosk-1' })).body.session_id
      const answer = await b.api('POST', '/chat-message', {
        message: 'where am I?',
        stream: false,
        session_id: sid,
        socket_id: clientId,
        app_uuid: agent.uuid,
        user_id: 'kiosk-1'
      })
      expect(answer.status).toBe(200)
      expect(answer.body.content).toBe('You are at Gate 3.')
      expect(llm.requests.at(-1)!.body.messages.at(-1).content).toBe('{"gate":3}')
    } finally {
      await llm.close()
    }
  })

  it('push an agent created through A to a /studio socket on B, once on each socket', async () => {
    const s = shared()
    const a = await serve(s)
    const b = await serve(s)
    const onA = await studioSocket(a.url)
    const onB = await studioSocket(b.url)
    const created = await a.api('POST', '/api/agents', { name: 'Greeter' })
    expect(created.status).toBe(201)
    const changed = (seen: Array<[string, any]>, id: string) => seen.filter(([n, p]) => n === 'agents.changed' && p.id === id).length
    await until(async () => changed(onB.seen, created.body.id) > 0, 'agents.changed on B')
    // A marker through B: once A's socket has it, a repeat of the first event would have come before it.
    const marker = await b.api('POST', '/api/agents', { name: 'Marker' })
    await until(async () => changed(onA.seen, marker.body.id) > 0 && changed(onB.seen, marker.body.id) > 0, 'the marker on both sockets')
    expect([changed(onA.seen, created.body.id), changed(onB.seen, created.body.id)]).toEqual([1, 1])
    expect([changed(onA.seen, marker.body.id), changed(onB.seen, marker.body.id)]).toEqual([1, 1])
  })
})
