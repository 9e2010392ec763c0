// Idle memory of `agenta serve`: the RSS of the command, its server and every child process
// (bundled MCP servers included), on a fresh data folder, once start-up has settled.
//   npx electron-vite build && npx tsx bench/serve-idle/run.ts [--runs 3] [--settle-ms 3000]
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { childPids, memBytes } from '../../tests/utils/proc'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, 'settle-ms': { type: 'string', default: '3000' } } })
const bin = resolve(import.meta.dirname, '../../bin/agenta.js')
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The pid and every descendant's. */
function tree(pid: number): number[] {
  let kids: number[] = []
  try {
    kids = childPids(pid)
  } catch {
    // gone
  }
  return [pid, ...kids.flatMap(tree)]
}

async function once(): Promise<{ total: number; processes: number; server: number }> {
  const data = mkdtempSync(join(tmpdir(), 'agenta-idle-'))
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data', data, '--token', 't'], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  try {
    let url = ''
    while (!url) {
      await sleep(50)
      url = out.match(/Studio: (http:\/\/\S+)\/\?token=/)?.[1] ?? ''
    }
    // Start-up has settled when no MCP server is still connecting.
    for (;;) {
      const status = (await (await fetch(`${url}/api/tool-status`, { headers: { authorization: 'Bearer t' } })).json()) as { state: string }[]
      if (!status.some((s) => s.state === 'connecting')) break
      await sleep(100)
    }
    await sleep(Number(values['settle-ms']))
    const pids = tree(child.pid!)
    const [serverPid] = childPids(child.pid!)
    return { total: pids.reduce((n, p) => n + memBytes(p, 'VmRSS'), 0), processes: pids.length, server: memBytes(serverPid, 'VmRSS') }
  } finally {
    const gone = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await gone
    rmSync(data, { recursive: true, force: true })
  }
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`
const results = []
for (let i = 0; i < Number(values.runs); i++) results.push(await once())
results.sort((a, b) => a.total - b.total)
const mid = results[Math.floor(results.length / 2)]
for (const r of results) process.stdout.write(`run: ${mb(r.total)} in ${r.processes} processes (server ${mb(r.server)})\n`)
process.stdout.write(`median idle RSS: ${mb(mid.total)} in ${mid.processes} processes (server ${mb(mid.server)})\n`)
