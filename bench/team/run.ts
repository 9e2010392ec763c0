// What a second process adds to the chat relay of a team server, on MariaDB + Redis, in one run:
// chats through one `agenta serve` alone, through two behind one proxy, and a chat whose control
// socket (a client function) is on the other process. See README.md beside this file.
//
//   npx electron-vite build
//   npx tsx bench/team/run.ts [--requests 300] [--concurrency 8] [--seconds 10] [--redis redis://127.0.0.1:6379]
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { io as connect, type Socket } from 'socket.io-client'
import { startFakeLlm } from '../../tests/utils/fake-llm'
import { createTempMysqlDb } from '../../tests/utils/mariadb'
import { tempDir } from '../../tests/utils/boot'

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '10' },
    redis: { type: 'string', default: process.env.AGENTA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' }
  }
})
const REQUESTS = Number(values.requests)
const CONCURRENCY = Number(values.concurrency)
const SECONDS = Number(values.seconds)
const TOKEN = 'bench-token'
const root = resolve(import.meta.dirname, '../..')

const children: ChildProcess[] = []
const stopAll = () => children.forEach((c) => c.exitCode === null && c.kill('SIGTERM'))
process.on('exit', stopAll)

const db = await createTempMysqlDb()
const data = tempDir('agenta-bench-team-')
const prefix = `agenta-bench-${randomBytes(4).toString('hex')}:`

function serve(): Promise<string> {
  const args = ['bin/agenta.js', 'serve', '--port', '0', '--data', data, '--token', TOKEN, '--db', db.url, '--redis', values.redis!]
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, AGENTA_MALLOC_TUNED: '1', AGENTA_REDIS_PREFIX: prefix, AGENTA_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  children.push(child)
  let out = ''
  return new Promise((res, rej) => {
    child.stdout!.on('data', (d) => {
      out += d
      const m = out.match(/Studio: (http:\/\/\S+)\/\?token=/)
      if (m) res(m[1])
    })
    child.on('exit', (code) => rej(new Error(`agenta serve exited ${code}`)))
  })
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

const llm = await startFakeLlm()
// A message asking for the kiosk's location makes the model call the client function once.
llm.onChat((body) => {
  const last = body.messages.at(-1)
  if (last.role === 'user' && String(last.content).startsWith('where')) return { toolCalls: [{ id: 'call_loc', name: 'get_location', arguments: {} }] }
  return { text: last.role === 'tool' ? 'You are at Gate 3.' : 'Hello there, how can I help?' }
})

const a = await serve()
const b = await serve()
// The proxy in its own process, as a deployment has it (deploy/dev-proxy.mjs: sticky by cookie;
// these clients keep no cookie, so their requests alternate between the two processes).
const viaProxy = await new Promise<string>((res, rej) => {
  const child = spawn(process.execPath, ['deploy/dev-proxy.mjs', '0', new URL(a).port, new URL(b).port], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(child)
  child.stdout!.on('data', (d) => {
    const m = String(d).match(/(http:\/\/127\.0\.0\.1:\d+)/)
    if (m) res(m[1])
  })
  child.on('exit', (code) => rej(new Error(`dev-proxy exited ${code}`)))
})

const provider = await call(a, 'POST', '/api/providers', { name: 'Fake', baseUrl: llm.baseUrl })
const agent = (await call(a, 'POST', '/api/agents', { name: 'Kiosk', providerId: provider.body.id, model: 'fake-chat' })).body

/** A control socket on a process, with its client function answered at once. */
async function controlSocket(base: string): Promise<{ socket: Socket; id: string }> {
  const socket = connect(base, { transports: ['websocket'], reconnection: false })
  const id = await new Promise<string>((r) => socket.once('connect_response', (p: { client_id: string }) => r(p.client_id)))
  await socket
    .timeout(5_000)
    .emitWithAck('systemdata', { action: 'register_functions', payload: [{ name: 'get_location', description: 'Where the kiosk stands' }] })
  socket.on('message', (m: { wait_id?: string }) => m.wait_id && socket.emit('agent_response', { wait_id: m.wait_id, response_data: { gate: 3 } }))
  return { socket, id }
}
const socketOnA = await controlSocket(a)

/** One session per worker (a session's turns run one after another, across processes too). */
async function sessions(base: string, n: number): Promise<string[]> {
  const out: string[] = []
  for (let i = 0; i < n; i++) out.push((await call(base, 'POST', '/chat-init', { app_uuid: agent.uuid, user_id: `bench-${i}` })).body.session_id)
  return out
}

interface Scenario {
  name: string
  base: string
  message: string
  socketId?: string
}
const scenarios: Scenario[] = [
  { name: 'one process', base: a, message: 'hello' },
  { name: 'two processes, one proxy', base: viaProxy, message: 'hello' },
  { name: 'client function, socket on same process', base: a, message: 'where am I?', socketId: socketOnA.id },
  { name: 'client function, socket on other process', base: b, message: 'where am I?', socketId: socketOnA.id }
]

async function chat(s: Scenario, session: string): Promise<boolean> {
  const res = await call(s.base, 'POST', '/chat-message', {
    message: s.message,
    stream: false,
    session_id: session,
    app_uuid: agent.uuid,
    user_id: 'bench',
    ...(s.socketId && { socket_id: s.socketId })
  }).catch(() => ({ status: 0, body: null }))
  return res.status === 200 && typeof res.body?.content === 'string' && res.body.content.length > 0
}

const pct = (xs: number[], p: number) => xs.slice().sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]

/** REQUESTS chats, CONCURRENCY at a time: latency of each. */
async function latency(s: Scenario, pool: string[]) {
  const ms: number[] = []
  let errors = 0
  let next = 0
  await Promise.all(
    pool.map(async (session) => {
      while (next < REQUESTS) {
        next++
        const t = performance.now()
        if (!(await chat(s, session))) errors++
        ms.push(performance.now() - t)
      }
    })
  )
  return { ms, errors }
}

/** As many chats as the workers get through in SECONDS: chats per second. */
async function throughput(s: Scenario, pool: string[]) {
  let done = 0
  let errors = 0
  const end = performance.now() + SECONDS * 1000
  await Promise.all(
    pool.map(async (session) => {
      while (performance.now() < end) {
        if (await chat(s, session)) done++
        else errors++
      }
    })
  )
  return { perSecond: done / SECONDS, errors }
}

const pools = new Map<Scenario, string[]>()
for (const s of scenarios) pools.set(s, await sessions(s.base, CONCURRENCY))
// Warm-up: every path once.
for (const s of scenarios) await chat(s, pools.get(s)![0])

const results: Record<string, { p50: number; p99: number; errors: number; n: number }> = {}
// Two rounds, the order reversed in the second, samples pooled.
const samples = new Map<Scenario, { ms: number[]; errors: number }>(scenarios.map((s) => [s, { ms: [], errors: 0 }]))
for (const order of [scenarios, [...scenarios].reverse()])
  for (const s of order) {
    const r = await latency(s, pools.get(s)!)
    samples.get(s)!.ms.push(...r.ms)
    samples.get(s)!.errors += r.errors
  }
for (const [s, r] of samples) results[s.name] = { p50: pct(r.ms, 50), p99: pct(r.ms, 99), errors: r.errors, n: r.ms.length }

const tpOne = await throughput(scenarios[0], pools.get(scenarios[0])!)
const tpTwo = await throughput(scenarios[1], pools.get(scenarios[1])!)

const line = (name: string) => {
  const r = results[name]
  return `${name.padEnd(42)} p50 ${r.p50.toFixed(1).padStart(7)} ms  p99 ${r.p99.toFixed(1).padStart(7)} ms  errors ${r.errors}/${r.n}`
}
for (const s of scenarios) console.log(line(s.name))
const one = results['one process']
const two = results['two processes, one proxy']
const same = results['client function, socket on same process']
const other = results['client function, socket on other process']
console.log(`p99 added by the second process (and the proxy):   ${(two.p99 - one.p99).toFixed(1)} ms`)
console.log(`p99 added by a socket on the other process:       ${(other.p99 - same.p99).toFixed(1)} ms`)
console.log(
  `throughput, ${CONCURRENCY} at a time for ${SECONDS} s: one ${tpOne.perSecond.toFixed(1)}/s, two behind the proxy ${tpTwo.perSecond.toFixed(1)}/s, ratio ${(tpTwo.perSecond / tpOne.perSecond).toFixed(2)} (errors ${tpOne.errors}/${tpTwo.errors})`
)
console.log(JSON.stringify({ results, throughput: { one: tpOne, two: tpTwo }, load: (await import('node:os')).loadavg() }))

socketOnA.socket.close()
stopAll()
await llm.close()
await db.drop()
process.exit(0)
