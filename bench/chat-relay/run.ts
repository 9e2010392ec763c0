// Chat relay benchmark: N concurrent streamed chats, straight to the fake LLM (openai SDK) and
// through `agenta serve`'s /chat-message (fetch), in the same run, on the same fake model.
//
//   npx electron-vite build            # the server under test is the built `agenta serve`
//   npx tsx bench/chat-relay/run.ts [--n 1,100,1000] [--chunks 50] [--chunk-delay 200] [--first-token-delay 0] [--ramp 10000]
//
// Defaults (README.md says why): 5 chunks/s per stream for 10 s, stream starts spread over 10 s,
// so all N streams are open at once at the end of the ramp and the box (fake LLM, server and these
// clients on 2 cores) can generate the traffic on time: the direct baseline holds its schedule.
//
// Open files: every stream holds a socket in this process, two in the server (client side and
// upstream) and one in the fake LLM, so 1000 streams need `ulimit -n` well above 2000 in each
// process (this machine: 20000). With a lower limit the connections fail with EMFILE, which this
// script reports as errors rather than hanging on them.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import OpenAI from 'openai'
import { childPids, memBytes } from '../../tests/utils/proc'

const root = resolve(import.meta.dirname, '../..')
const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1,100,1000' },
    chunks: { type: 'string', default: '50' },
    'chunk-delay': { type: 'string', default: '200' },
    'first-token-delay': { type: 'string', default: '0' },
    /** Stream starts are spread evenly over this many ms (the same schedule on both sides); 0 = all at once. */
    ramp: { type: 'string', default: '10000' },
    /** Seconds one phase may take before its unfinished streams count as errors. */
    'phase-timeout': { type: 'string', default: '120' },
    /** Rounds per N, alternating which side goes first; the samples are pooled. */
    rounds: { type: 'string', default: '2' },
    /** Write a V8 CPU profile of the server to this folder (open it in Chrome DevTools). */
    profile: { type: 'string' }
  }
})
const counts = values.n.split(',').map(Number)
const CHUNKS = Number(values.chunks)
const DELAY = Number(values['chunk-delay'])
const FIRST = Number(values['first-token-delay'])
const PHASE_TIMEOUT_MS = Number(values['phase-timeout']) * 1000
const ROUNDS = Math.max(1, Number(values.rounds) || 1)
const RAMP = Number(values.ramp)
if (!counts.every((n) => Number.isInteger(n) && n > 0) || !(CHUNKS >= 3) || !(DELAY >= 0) || !(RAMP >= 0)) {
  console.error(
    'usage: run.ts [--n 1,100,1000] [--chunks 50] [--chunk-delay 200] [--first-token-delay 0] [--ramp 10000] [--rounds 2] [--phase-timeout 120] [--profile DIR]'
  )
  process.exit(2)
}
// The fake echoes "You said: <message>", one chunk per word: 2 + (CHUNKS - 2) words.
const MESSAGE = Array.from({ length: CHUNKS - 2 }, (_, i) => `w${i}`).join(' ')
const TOKEN = 'bench-token'

const children: ChildProcess[] = []
const dataDir = mkdtempSync(join(tmpdir(), 'agenta-bench-'))
function cleanup() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM')
  rmSync(dataDir, { recursive: true, force: true })
}
process.on('exit', cleanup)
/** Stops the children gracefully (the server writes its CPU profile on the way out). */
async function stopChildren() {
  await Promise.all(
    children
      .filter((c) => c.exitCode === null)
      .map(
        (c) =>
          new Promise<void>((done) => {
            const force = setTimeout(() => (c.kill('SIGKILL'), done()), 10_000)
            c.once('exit', () => (clearTimeout(force), done()))
            c.kill('SIGTERM')
          })
      )
  )
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130))
// Whatever happens, the benchmark ends.
const overall = setTimeout(
  () => {
    console.error('bench: overall time limit reached')
    process.exit(1)
  },
  counts.length * ROUNDS * 2 * PHASE_TIMEOUT_MS + 120_000
)
overall.unref()

/** Starts a child and resolves with the first stdout line that matches. */
function start(cmd: string, args: string[], match: RegExp, what: string): Promise<{ child: ChildProcess; m: RegExpMatchArray }> {
  const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } })
  children.push(child)
  return new Promise((ok, fail) => {
    let out = ''
    const timer = setTimeout(() => fail(new Error(`${what} did not start in 30 s:\n${out}`)), 30_000)
    const onData = (b: Buffer) => {
      out += b.toString()
      const m = out.match(match)
      if (m) {
        clearTimeout(timer)
        child.stdout!.off('data', onData)
        child.stdout!.resume()
        ok({ child, m })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (b: Buffer) => process.stderr.write(`[${what}] ${b}`))
    child.once('exit', (code) => fail(new Error(`${what} exited (${code}) before it was ready:\n${out}`)))
  })
}

/** CPU time (user + system) the process has used so far, in ms. */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second).
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return NaN
  }
}

interface Cpu {
  wallMs: number
  llmMs: number
  serverMs: number
  benchMs: number
}

interface StreamResult {
  ok: boolean
  error?: string
  start: number
  /** Arrival time of each content chunk (performance.now()). */
  arrivals: number[]
}

async function directStream(client: OpenAI, signal: AbortSignal): Promise<StreamResult> {
  const r: StreamResult = { ok: false, start: performance.now(), arrivals: [] }
  try {
    const stream = await client.chat.completions.create({ model: 'fake-chat', messages: [{ role: 'user', content: MESSAGE }], stream: true }, { signal })
    for await (const c of stream) if (c.choices[0]?.delta?.content) r.arrivals.push(performance.now())
    r.ok = r.arrivals.length === CHUNKS
    if (!r.ok) r.error = `got ${r.arrivals.length} of ${CHUNKS} chunks`
  } catch (err) {
    r.error = (err as Error).message
  }
  return r
}

async function relayStream(url: string, appUuid: string, sessionId: string, signal: AbortSignal): Promise<StreamResult> {
  const r: StreamResult = { ok: false, start: performance.now(), arrivals: [] }
  try {
    const res = await fetch(`${url}/chat-message`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({
        message: MESSAGE,
        stream: true,
        session_id: sessionId,
        socket_id: null,
        app_uuid: appUuid,
        user_id: 'bench',
        is_digitalhuman: false
      }),
      signal
    })
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`)
    const decoder = new TextDecoder()
    let buf = ''
    let done = false
    const reader = res.body!.getReader()
    for (;;) {
      const { value: bytes, done: ended } = await reader.read()
      if (ended) break
      const now = performance.now()
      buf += decoder.decode(bytes, { stream: true })
      let at
      while ((at = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, at)
        buf = buf.slice(at + 2)
        if (!frame.startsWith('data: ')) continue
        const data = frame.slice(6)
        if (data === '[DONE]') {
          done = true
          continue
        }
        const chunk = JSON.parse(data) as { content: string; type?: string; error?: { message: string } }
        if (chunk.type === 'error') throw new Error(`error chunk: ${chunk.error?.message}`)
        if (chunk.content) r.arrivals.push(now)
      }
    }
    r.ok = done && r.arrivals.length === CHUNKS
    if (!r.ok) r.error = done ? `got ${r.arrivals.length} of ${CHUNKS} chunks` : 'stream ended without [DONE]'
  } catch (err) {
    r.error = (err as Error).message
  }
  return r
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN)

function summarise(results: StreamResult[]) {
  const good = results.filter((r) => r.ok)
  const gaps: number[] = []
  const lateness: number[] = []
  const ttfc: number[] = []
  for (const r of good) {
    ttfc.push(r.arrivals[0] - r.start)
    for (let i = 1; i < r.arrivals.length; i++) {
      gaps.push(r.arrivals[i] - r.arrivals[i - 1])
      // How far chunk i is behind the fake's schedule, counted from the stream's first chunk.
      lateness.push(r.arrivals[i] - r.arrivals[0] - i * DELAY)
    }
  }
  for (const a of [gaps, lateness, ttfc]) a.sort((x, y) => x - y)
  const errors = results.filter((r) => !r.ok)
  return {
    errors: errors.length,
    firstError: errors[0]?.error,
    gapP50: pct(gaps, 50),
    gapP99: pct(gaps, 99),
    lateP50: pct(lateness, 50),
    lateP99: pct(lateness, 99),
    ttfcP50: pct(ttfc, 50),
    ttfcP99: pct(ttfc, 99)
  }
}

/** Starts stream i of n at its place in the ramp; its clock (TTFC) starts when it is sent. */
async function onRamp<T>(i: number, n: number, fn: () => Promise<T>): Promise<T> {
  if (RAMP > 0 && n > 1) await new Promise((r) => setTimeout(r, (i * RAMP) / n))
  return fn()
}

async function inBatches<T>(n: number, size: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = []
  for (let i = 0; i < n; i += size) out.push(...(await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, j) => fn(i + j)))))
  return out
}

async function api(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const json = (await res.json()) as any
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

async function main() {
  if (!existsSync(join(root, 'out/main/cli.js'))) {
    console.error('bench: build first (npx electron-vite build)')
    process.exit(2)
  }
  const llm = await start(
    process.execPath,
    ['--import', 'tsx', 'tests/utils/fake-llm-cli.ts', '--port', '0', '--chunk-delay', String(DELAY), '--first-token-delay', String(FIRST)],
    /(http:\/\/127\.0\.0\.1:\d+\/v1)/,
    'fake-llm'
  )
  const llmUrl = llm.m[1]
  const profile = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${resolve(values.profile)}`] : []
  const server = await start(
    process.execPath,
    [...profile, 'bin/agenta.js', 'serve', '--port', '0', '--data', dataDir, '--token', TOKEN],
    /API:\s+(http:\/\/[^\s]+)\/api/,
    'agenta serve'
  )
  const url = server.m[1]
  // On Linux `agenta` starts the server as its child (bin/agenta.js: allocator settings); measure that one.
  const serverPid = childPids(server.child.pid!)[0] ?? server.child.pid!

  const provider = await api(url, 'POST', '/api/providers', { name: 'Fake', baseUrl: llmUrl })
  const agent = await api(url, 'POST', '/api/agents', { name: 'Bench', providerId: provider.id, model: 'fake-chat' })
  const direct = new OpenAI({ baseURL: llmUrl, apiKey: 'x', maxRetries: 0, timeout: PHASE_TIMEOUT_MS })
  const newSession = async () => (await api(url, 'POST', '/chat-init', { app_uuid: agent.uuid, user_id: 'bench' })).session_id as string

  // Warm both paths (JIT, connection set-up, SQLite pages) so N=1 measures steady state.
  {
    const sid = await newSession()
    await directStream(direct, AbortSignal.timeout(30_000))
    await relayStream(url, agent.uuid, sid, AbortSignal.timeout(30_000))
  }

  /** Runs one phase and reports the CPU each process spent on it: who saturates the two cores. */
  async function phase<T>(run: () => Promise<T>): Promise<{ result: T; cpu: Cpu }> {
    const before = { llm: cpuMs(llm.child.pid!), server: cpuMs(serverPid), bench: process.cpuUsage(), wall: performance.now() }
    const result = await run()
    const bench = process.cpuUsage(before.bench)
    return {
      result,
      cpu: {
        wallMs: Math.round(performance.now() - before.wall),
        llmMs: cpuMs(llm.child.pid!) - before.llm,
        serverMs: cpuMs(serverPid) - before.server,
        benchMs: Math.round((bench.user + bench.system) / 1000)
      }
    }
  }

  const sumCpu = (a: Cpu | undefined, b: Cpu): Cpu =>
    a ? { wallMs: a.wallMs + b.wallMs, llmMs: a.llmMs + b.llmMs, serverMs: a.serverMs + b.serverMs, benchMs: a.benchMs + b.benchMs } : b
  const rows: Record<string, unknown>[] = []
  for (const n of counts) {
    const loadAvg = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
    const directRuns: StreamResult[] = []
    const relayRuns: StreamResult[] = []
    let cpuDirect: Cpu | undefined
    let cpuRelay: Cpu | undefined
    let peakRss = 0
    // Other work on the machine comes and goes: alternate which side runs first and pool rounds.
    for (let round = 0; round < ROUNDS; round++) {
      const sessions = await inBatches(n, 50, newSession)
      const runDirect = async () => {
        const p = await phase(() =>
          Promise.all(Array.from({ length: n }, (_, i) => onRamp(i, n, () => directStream(direct, AbortSignal.timeout(PHASE_TIMEOUT_MS)))))
        )
        directRuns.push(...p.result)
        cpuDirect = sumCpu(cpuDirect, p.cpu)
      }
      const runRelay = async () => {
        peakRss = Math.max(peakRss, memBytes(serverPid, 'VmRSS'))
        const poll = setInterval(() => (peakRss = Math.max(peakRss, memBytes(serverPid, 'VmRSS'))), 50)
        const p = await phase(() =>
          Promise.all(sessions.map((sid, i) => onRamp(i, n, () => relayStream(url, agent.uuid, sid, AbortSignal.timeout(PHASE_TIMEOUT_MS)))))
        )
        clearInterval(poll)
        relayRuns.push(...p.result)
        cpuRelay = sumCpu(cpuRelay, p.cpu)
      }
      for (const run of round % 2 ? [runRelay, runDirect] : [runDirect, runRelay]) {
        await run()
        await new Promise((r) => setTimeout(r, 500))
      }
    }
    const d = summarise(directRuns)
    const t = summarise(relayRuns)
    const row = {
      n,
      rounds: ROUNDS,
      errorsDirect: d.errors,
      errorsRelay: t.errors,
      gapP50Added: t.gapP50 - d.gapP50,
      gapP99Added: t.gapP99 - d.gapP99,
      lateP99Added: t.lateP99 - d.lateP99,
      ttfcP50Added: t.ttfcP50 - d.ttfcP50,
      ttfcP99Added: t.ttfcP99 - d.ttfcP99,
      direct: d,
      relay: t,
      serverPeakRssMb: Math.round(peakRss / 2 ** 20),
      serverCpuMsPerStream: cpuRelay!.serverMs / (n * ROUNDS),
      serverHwmMb: Math.round(memBytes(serverPid, 'VmHWM') / 2 ** 20),
      cpuDirect,
      cpuRelay,
      loadAvgBefore: loadAvg
    }
    rows.push(row)
    if (d.firstError || t.firstError) console.error(`N=${n} first errors: direct=${d.firstError ?? '-'} relay=${t.firstError ?? '-'}`)
  }

  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-')
  const header = [
    'N',
    'errors d/r',
    'gap p50 d/r (+added) ms',
    'gap p99 d/r (+added) ms',
    'late p99 +added ms',
    'TTFC p50 +added ms',
    'TTFC p99 +added ms',
    'server RSS peak MB',
    'server CPU ms/stream'
  ]
  const lines = rows.map((r: any) => [
    String(r.n),
    `${r.errorsDirect}/${r.errorsRelay}`,
    `${f(r.direct.gapP50)}/${f(r.relay.gapP50)} (${f(r.gapP50Added)})`,
    `${f(r.direct.gapP99)}/${f(r.relay.gapP99)} (${f(r.gapP99Added)})`,
    f(r.lateP99Added),
    f(r.ttfcP50Added),
    f(r.ttfcP99Added),
    String(r.serverPeakRssMb),
    f(r.serverCpuMsPerStream)
  ])
  console.log(`\nchat relay: ${CHUNKS} chunks every ${DELAY} ms, first token after ${FIRST} ms, stream starts spread over ${RAMP} ms\n`)
  console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`)
  for (const l of lines) console.log(`| ${l.join(' | ')} |`)
  console.log(JSON.stringify({ bench: 'chat-relay', chunks: CHUNKS, chunkDelayMs: DELAY, firstTokenDelayMs: FIRST, rampMs: RAMP, rows }))
}

main().then(
  () => stopChildren().then(() => process.exit(0)),
  (err) => {
    console.error('bench failed:', err)
    process.exit(1)
  }
)
