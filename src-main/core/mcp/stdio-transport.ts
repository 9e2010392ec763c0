import { spawn, type ChildProcess } from 'node:child_process'
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'

const STDERR_LINES = 30
const STDERR_BYTES = 4_000

/** Every live child, so the exit hook can still kill them when the app leaves without closing. */
const live = new Set<StdioTransport>()
let exitHookInstalled = false
function installExitHook() {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // 'exit' handlers must be synchronous: a kill is, awaiting a graceful close is not.
  process.once('exit', () => {
    for (const t of live) t.killNow()
  })
}

export interface StdioParams {
  /** Absolute path (resolved by the caller, so a miss is reported with the PATH searched). */
  command: string
  args: string[]
  env: Record<string, string>
  cwd?: string
  /** How long a child may take to exit after its stdin closes before it is signalled. */
  graceMs?: number
}

/**
 * MCP over a child's stdin/stdout. Own instead of the SDK's so that: the child leads its own
 * process group and closing kills the whole group (a wrapper like `npx` or `uvx` leaves no
 * grandchild behind); the exit code and the last stderr lines are kept for error messages; and
 * children still die when the app exits without closing.
 */
export class StdioTransport implements Transport {
  onclose?: () => void
  onerror?: (error: Error) => void
  onmessage?: (message: JSONRPCMessage) => void

  private child?: ChildProcess
  private readonly buffer = new ReadBuffer()
  private tail = ''
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null
  private closed = false
  /** Kept after exit: the group outlives its leader when a wrapper spawned the real server. */
  private spawnedPid?: number
  private readonly group = process.platform !== 'win32'

  constructor(private readonly params: StdioParams) {}

  get pid(): number | null {
    return this.child?.pid ?? null
  }
  get exit() {
    return this.exitInfo
  }
  stderrTail(): string {
    const lines = this.tail.split(/\r?\n/).filter((l) => l.trim())
    return lines.slice(-STDERR_LINES).join('\n').slice(-STDERR_BYTES)
  }

  start(): Promise<void> {
    if (this.child) throw new Error('StdioTransport already started')
    installExitHook()
    return new Promise((resolve, reject) => {
      // Windows runs .cmd shims (npx.cmd) only through cmd.exe, which needs the line quoted by us.
      const isScript = process.platform === 'win32' && /\.(cmd|bat)$/i.test(this.params.command)
      const [file, args] = isScript ? [[this.params.command, ...this.params.args].map(winQuote).join(' '), []] : [this.params.command, this.params.args]
      const child = spawn(file, args, {
        env: this.params.env,
        cwd: this.params.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: this.group,
        windowsHide: true,
        shell: isScript
      })
      this.child = child
      live.add(this)
      child.once('error', (err) => {
        live.delete(this)
        reject(err)
        this.onerror?.(err)
      })
      child.once('spawn', () => {
        this.spawnedPid = child.pid
        resolve()
      })
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal }
        // Whatever the leader left running (a crashed wrapper's server) goes with it; it would
        // also hold the pipes open, and 'close' would never come.
        this.signal('SIGKILL')
      })
      child.once('close', () => {
        live.delete(this)
        this.child = undefined
        this.finish()
      })
      child.stdout!.on('data', (chunk: Buffer) => {
        try {
          this.buffer.append(chunk)
        } catch (err) {
          this.onerror?.(err as Error)
          void this.close()
          return
        }
        for (;;) {
          let message: JSONRPCMessage | null
          try {
            message = this.buffer.readMessage()
          } catch (err) {
            // A server that logs to stdout: skip the line, keep the connection.
            this.onerror?.(new Error(`not a protocol message on stdout: ${(err as Error).message}`))
            continue
          }
          if (!message) break
          this.onmessage?.(message)
        }
      })
      child.stderr!.on('data', (b: Buffer) => {
        this.tail = (this.tail + b.toString('utf8')).slice(-STDERR_BYTES * 2)
      })
      // EPIPE when the child died: the 'close' event reports it, this only must not crash us.
      child.stdin!.on('error', () => undefined)
      child.stdout!.on('error', () => undefined)
    })
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child?.stdin
      if (!stdin || stdin.destroyed) return reject(new Error('Not connected: the server process is not running'))
      if (stdin.write(serializeMessage(message))) resolve()
      else stdin.once('drain', () => resolve())
    })
  }

  /** Closes stdin (servers exit on EOF), then signals the group if it lingers. */
  async close(): Promise<void> {
    const child = this.child
    if (!child) return this.finish()
    const gone = new Promise<void>((r) => child.once('close', () => r()))
    child.stdin?.end()
    const grace = this.params.graceMs ?? 1_000
    const waited = await Promise.race([gone.then(() => true), delay(grace).then(() => false)])
    if (!waited) {
      this.signal('SIGTERM')
      if (!(await Promise.race([gone.then(() => true), delay(grace).then(() => false)]))) this.signal('SIGKILL')
      await Promise.race([gone, delay(grace)])
    }
    this.finish()
  }

  /** Synchronous last resort (process exit). */
  killNow(): void {
    this.signal('SIGKILL')
  }

  private signal(sig: NodeJS.Signals) {
    const pid = this.spawnedPid
    if (!pid) return
    try {
      if (this.group) process.kill(-pid, sig)
      else if (this.child) this.child.kill(sig)
    } catch {
      // already gone
    }
  }

  private finish() {
    if (this.closed) return
    this.closed = true
    this.buffer.clear()
    this.onclose?.()
  }
}

/** One argument for cmd.exe: quoted when it holds spaces or shell characters, inner quotes escaped. */
export function winQuote(arg: string): string {
  if (arg && !/[\s"&|<>^%()!,;=]/.test(arg)) return arg
  return `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref())
