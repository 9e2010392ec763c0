// Real MCP peers for the tests: the reference servers from npm, started with this Node (never npx,
// which may download) and our bundled servers through tsx.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '../../..')
export const EVERYTHING_BIN = resolve(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js')
export const FILESYSTEM_BIN = resolve(ROOT, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js')

export const everythingStdio = () => ({ transport: 'stdio' as const, command: process.execPath, args: [EVERYTHING_BIN, 'stdio'], env: {} })
export const bundledStdio = (name: string, env: Record<string, string> = {}) => ({
  transport: 'stdio' as const,
  command: process.execPath,
  args: ['--import', 'tsx', `mcp/${name}/main.ts`],
  env,
  cwd: ROOT
})

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer()
    s.once('error', fail)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => done(port))
    })
  })
}

export interface HttpPeer {
  url: string
  port: number
  child: ChildProcess
  /** Kills the process at once (SIGKILL), as a crash would. */
  kill(): Promise<void>
  /** Starts it again on the same port. */
  restart(): Promise<void>
  stop(): Promise<void>
}

/** server-everything over HTTP ('sse' → /sse, 'streamableHttp' → /mcp) on a fixed free port. */
export async function startEverythingHttp(mode: 'sse' | 'streamableHttp'): Promise<HttpPeer> {
  const port = await freePort()
  const peer: HttpPeer = {
    url: `http://127.0.0.1:${port}${mode === 'sse' ? '/sse' : '/mcp'}`,
    port,
    child: undefined as unknown as ChildProcess,
    async kill() {
      const c = peer.child
      if (c.exitCode !== null || c.signalCode !== null) return
      const gone = new Promise((r) => c.once('exit', r))
      c.kill('SIGKILL')
      await gone
    },
    async restart() {
      await peer.kill()
      peer.child = await launch()
    },
    stop: () => peer.kill()
  }
  const launch = () =>
    new Promise<ChildProcess>((done, fail) => {
      const child = spawn(process.execPath, [EVERYTHING_BIN, mode], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] })
      let err = ''
      const timer = setTimeout(() => fail(new Error(`server-everything ${mode} did not start: ${err}`)), 15_000)
      child.stderr!.on('data', (b: Buffer) => {
        err += b.toString()
        if (/running on port|listening on port/i.test(err)) {
          clearTimeout(timer)
          done(child)
        }
      })
      child.once('exit', (code) => {
        clearTimeout(timer)
        fail(new Error(`server-everything ${mode} exited with ${code}: ${err}`))
      })
    })
  peer.child = await launch()
  return peer
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
