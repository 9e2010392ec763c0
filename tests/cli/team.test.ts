import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { mkdirSync, writeFileSync } from 'node:fs'
import { io as connect, type Socket } from 'socket.io-client'
import { tempDir } from '../utils/boot'
import { createTempMysqlDb } from '../utils/mariadb'
import { startFakeLlm } from '../utils/fake-llm'
import { createLanceDbStore } from '../../src-main/vector'
import { until } from '../utils/until'
import { killAgentas, runAgenta } from '../utils/agenta-cli'

/**
 * Team mode as it is deployed: two `agenta serve` processes on one MariaDB database and one Redis
 * (the built app: `npx electron-vite build` first). They must behave as one server.
 */
const REDIS_URL = process.env.AGENTA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const TOKEN = 'team-token'

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
  killAgentas()
})

/** One server process; all of a test's processes share the data folder, the database and a Redis key prefix. */
async function serve(shared: {
  data: string
  prefix: string
  db?: string
  env?: Record<string, string>
}): Promise<{ url: string; api: Api; child: ChildProcess }> {
  const p = runAgenta(['serve', '--port', '0', '--data', shared.data, '--token', TOKEN, '--db', shared.db ?? db.url, '--redis', REDIS_URL], {
    // One process per server (no allocator re-exec), so killing it kills the server.
    AGENTA_MALLOC_TUNED: '1',
    AGENTA_REDIS_PREFIX: shared.prefix,
    ...shared.env
  })
  const { url } = await p.started
  return { url, api: api(url), child: p.child }
}

type Api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; body: any; headers: Headers }>
const api =
  (url: string): Api =>
  async (method, path, body, headers) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers }
  }

const shared = () => ({ data: tempDir(), prefix: `agenta-test-${randomBytes(4).toString('hex')}:` })

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
  async function exitOf(args: string[]) {
    const p = runAgenta(args, { AGENTA_MALLOC_TUNED: '1' })
    return { code: await p.exited, err: p.errors() }
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
      killAgentas()
      await empty.drop()
    }
  })

  // Five slots 3 s apart on the real clock, after two processes boot: ≥ 15 s however fast the machine.
  it('fire each slot of a schedule exactly once, whichever process the task was edited through', { timeout: 120_000 }, async () => {
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

  it('answer 409 to "run now" on B while A runs the task, and stop it from B', async () => {
    const llm = await startFakeLlm()
    try {
      const s = shared()
      const a = await serve(s)
      const b = await serve(s)
      const provider = await a.api('POST', '/api/providers', { name: `Fake ${randomBytes(3).toString('hex')}`, baseUrl: llm.baseUrl })
      expect(provider.status).toBe(201)
      const agent = (await a.api('POST', '/api/agents', { name: 'Clerk', providerId: provider.body.id, model: 'fake-chat' })).body
      const task = (
        await a.api('POST', '/api/schedules', { name: 'Report', agentId: agent.id, instruction: 'Write it', schedule: { type: 'daily', time: '03:00' } })
      ).body
      // The model never answers: the run goes on until it is stopped.
      llm.script({ hang: true })
      const started = await a.api('POST', `/api/schedules/${task.id}/run`, {})
      expect(started.status).toBe(200)
      expect(started.body.status).toBe('running')
      const again = await b.api('POST', `/api/schedules/${task.id}/run`, {})
      expect(again.status).toBe(409)
      expect(again.body.error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/already running/) })
      expect((await b.api('GET', `/api/schedules/${task.id}`)).body.running).toBe(true)
      const stopped = await b.api('POST', `/api/schedules/${task.id}/cancel`, {})
      expect(stopped.status).toBe(200)
      expect(stopped.body).toMatchObject({ id: started.body.id, status: 'cancelled' })
    } finally {
      await llm.close()
    }
  })

  it("apply a published agent's allowed origins changed through A to requests on B", async () => {
    const s = shared()
    const a = await serve(s)
    const b = await serve(s)
    const agent = (await a.api('POST', '/api/agents', { name: 'Shop help', published: true, allowedOrigins: ['https://shop.example'] })).body
    const preflight = (origin: string) => fetch(`${b.url}/chat-init`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } })
    const chatInit = (origin: string) =>
      b.api('POST', '/chat-init', { app_uuid: agent.uuid, user_id: 'visitor' }, { authorization: `Bearer ${agent.publicKey}`, origin })
    expect((await preflight('https://shop.example')).headers.get('access-control-allow-origin')).toBe('https://shop.example')
    expect((await chatInit('https://shop.example')).status).toBe(200)
    expect((await chatInit('https://new-shop.example')).status).toBe(403)

    const moved = await a.api('PUT', `/api/agents/${agent.id}`, { allowedOrigins: ['https://new-shop.example'] })
    expect(moved.status).toBe(200)
    await until(async () => (await preflight('https://new-shop.example')).status === 204, 'B to allow the new origin')
    expect((await preflight('https://shop.example')).headers.get('access-control-allow-origin')).toBeNull()
    expect((await chatInit('https://new-shop.example')).status).toBe(200)
    expect((await chatInit('https://shop.example')).status).toBe(403)
  })

  it('finish in B the ingestion of A killed mid-way, with no duplicate chunk', async () => {
    // Slow embeddings: on a quiet machine both processes once finished all 120 files before the kill.
    const llm = await startFakeLlm({ embeddingDelayMs: 100 })
    try {
      // A short lease, so B takes A's documents over within seconds of the kill.
      const s = { ...shared(), env: { AGENTA_INGEST_LEASE_MS: '2000' } }
      const FILES = 120
      const folder = join(s.data, 'corpus')
      mkdirSync(folder, { recursive: true })
      for (let i = 0; i < FILES; i++) {
        const lines = [`# Document ${i}`, '', `Marker DOC${i}MARK for document number ${i}.`]
        for (let p = 0; p < 12; p++) lines.push('', `Paragraph ${p} of file ${i}: the scenic area keeps its records, and visitors read them at the hall.`)
        writeFileSync(join(folder, `doc-${String(i).padStart(3, '0')}.md`), lines.join('\n'))
      }
      const a = await serve(s)
      const b = await serve(s)
      const provider = await a.api('POST', '/api/providers', { name: `Fake ${randomBytes(3).toString('hex')}`, baseUrl: llm.baseUrl })
      expect(provider.status).toBe(201)
      const model = await a.api('POST', '/api/models', { providerId: provider.body.id, modelId: 'fake-embed', type: 'embedding' })
      expect(model.body).toMatchObject({ modelId: 'fake-embed' })
      const kb = (await a.api('POST', '/api/knowledge-bases', { name: 'Records', embeddingModelId: model.body.id })).body
      const added = await a.api('POST', `/api/knowledge-bases/${kb.id}/add-paths`, { paths: [folder] })
      expect(added.status).toBeLessThan(300)
      const status = async () => (await b.api('GET', `/api/knowledge-bases/${kb.id}/status`)).body
      // Kill A as soon as it has made documents ready and still holds others.
      await until(async () => ((await status()).counts.byStatus.ready ?? 0) >= 5, 'the first documents to be ready', { timeoutMs: 60_000 })
      a.child.kill('SIGKILL')
      await new Promise((r) => a.child.once('exit', r))
      const atKill = await status()
      expect(atKill.counts.byStatus.ready ?? 0).toBeLessThan(FILES)

      await until(async () => (await status()).counts.byStatus.ready === FILES, 'B to finish every document', { timeoutMs: 120_000 })
      const done = await status()
      expect(done.counts.byStatus).toEqual({ ready: FILES })
      // One row per served chunk in the shared vector folder: nothing from A's cut attempts is left.
      const { createConnection } = await import('mysql2/promise')
      const c = await createConnection({ uri: db.url })
      const [rows] = await c.query('SELECT collection FROM knowledge_bases WHERE id = ?', [kb.id])
      const [docs] = await c.query('SELECT SUM(chunk_count) AS n FROM documents WHERE kb_id = ?', [kb.id])
      await c.end()
      const chunkSum = Number((docs as Array<{ n: number }>)[0].n)
      const vectors = createLanceDbStore({ dir: join(s.data, 'vectors'), maintenance: false })
      await vectors.open()
      try {
        expect(await vectors.count((rows as Array<{ collection: string }>)[0].collection)).toBe(chunkSum)
      } finally {
        await vectors.close()
      }
      expect(done.chunks).toBe(chunkSum)
    } finally {
      await llm.close()
    }
  }, 240_000)
})
