// MCP tool-call latency: through the runtime's MCP layer (the ToolSpec.execute path an agent turn
// takes: binding lookup done, connection manager, call with timeout, result mapping) versus the
// official SDK client calling the same server directly. Same run, calls interleaved one by one so
// both sides see the same machine load; stdio and streamable HTTP.
//
//   npx tsx bench/mcp-call/run.ts [--n 2000] [--warmup 200] [--transports stdio,streamable-http]
//
// The peer is @modelcontextprotocol/server-everything's `echo` (a few bytes each way), so the
// figures are the protocol round trip plus our overhead, not the tool's work.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { AgentCreate, ToolCreate, type ToolConfig } from '../../src-main/contract/entities'
import type { ToolContext, ToolSpec } from '../../src-main/core/chat/tool-registry'
import { WaitRegistry } from '../../src-main/core/chat/waits'
import { createRuntime } from '../../src-main/core/runtime'

const root = resolve(import.meta.dirname, '../..')
const EVERYTHING = resolve(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js')
const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '200' },
    transports: { type: 'string', default: 'stdio,streamable-http' }
  }
})
const N = Number(values.n)
const WARMUP = Number(values.warmup)
const transports = values.transports.split(',') as ('stdio' | 'streamable-http')[]
if (!(N > 0) || !(WARMUP >= 0) || !transports.every((t) => t === 'stdio' || t === 'streamable-http')) {
  console.error('usage: run.ts [--n 2000] [--warmup 200] [--transports stdio,streamable-http]')
  process.exit(2)
}

const children: ChildProcess[] = []
const dataDir = mkdtempSync(join(tmpdir(), 'agenta-bench-mcp-'))
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => done(port))
    })
  })
}

async function startHttpPeer(): Promise<string> {
  const port = await freePort()
  const child = spawn(process.execPath, [EVERYTHING, 'streamableHttp'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] })
  children.push(child)
  await new Promise<void>((done, fail) => {
    let err = ''
    child.stderr!.on('data', (b: Buffer) => {
      err += b.toString()
      if (/listening on port/i.test(err)) done()
    })
    child.once('exit', (code) => fail(new Error(`server-everything exited with ${code}: ${err}`)))
  })
  return `http://127.0.0.1:${port}/mcp`
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
const ms = (v: number) => `${v.toFixed(3)} ms`

const runtime = await createRuntime({ dataDir, host: 'server', mcp: { autoConnect: false } })
const agent = await runtime.agents.create(AgentCreate.parse({ name: 'Bench' }))
const ctx: ToolContext = {
  agent,
  sessionId: 'bench',
  userId: 'bench',
  runId: 'bench',
  interactive: false,
  signal: new AbortController().signal,
  waits: new WaitRegistry(),
  emit: () => {}
}

const rows: string[] = []
for (const transport of transports) {
  let config: ToolConfig
  let direct: Transport
  if (transport === 'stdio') {
    config = { transport: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'], env: {} }
    direct = new StdioClientTransport({ command: process.execPath, args: [EVERYTHING, 'stdio'], stderr: 'ignore' })
  } else {
    const url = await startHttpPeer()
    config = { transport: 'streamable-http', url, headers: {} }
    direct = new StreamableHTTPClientTransport(new URL(url))
  }
  const tool = await runtime.tools.create(ToolCreate.parse({ name: `ev-${transport}`, config }))
  await runtime.mcp.setAgentTools(agent.id, [{ toolId: tool.id, enabledTools: ['echo'], requireConfirmation: false }])
  const specs = await runtime.mcp.toolProvider().toolsFor(ctx)
  const spec = specs.find((t) => t.name.endsWith('__echo')) as ToolSpec
  const client = new Client({ name: 'bench-direct', version: '1.0.0' })
  await client.connect(direct)

  const viaRuntime: number[] = []
  const viaSdk: number[] = []
  for (let i = 0; i < WARMUP + N; i++) {
    const args = { message: `ping ${i}` }
    // Alternate which side goes first so neither always runs on a freshly woken event loop.
    const order = i % 2 ? ['runtime', 'sdk'] : ['sdk', 'runtime']
    for (const side of order) {
      const t0 = performance.now()
      if (side === 'runtime') {
        const r = await spec.execute(args, ctx)
        if (r.isError || r.content !== `Echo: ping ${i}`) throw new Error(`runtime call failed: ${r.content}`)
      } else {
        const r = await client.callTool({ name: 'echo', arguments: args })
        if (r.isError) throw new Error('direct call failed')
      }
      const dt = performance.now() - t0
      if (i >= WARMUP) (side === 'runtime' ? viaRuntime : viaSdk).push(dt)
    }
  }
  await client.close()
  await runtime.tools.delete(tool.id)

  viaRuntime.sort((a, b) => a - b)
  viaSdk.sort((a, b) => a - b)
  const added = percentile(viaRuntime, 50) - percentile(viaSdk, 50)
  rows.push(
    `| ${transport} | ${ms(percentile(viaSdk, 50))} | ${ms(percentile(viaSdk, 99))} | ${ms(percentile(viaRuntime, 50))} | ${ms(percentile(viaRuntime, 99))} | ${ms(added)} | ${added < 2 ? 'yes' : 'NO'} |`
  )
}
await runtime.close()

console.log(`\nMCP tool call latency (echo), ${N} calls per side after ${WARMUP} warm-up, interleaved; Node ${process.version}\n`)
console.log('| transport | SDK direct p50 | SDK direct p99 | runtime p50 | runtime p99 | added p50 | < 2 ms |')
console.log('|---|---|---|---|---|---|---|')
for (const r of rows) console.log(r)
process.exit(0)
