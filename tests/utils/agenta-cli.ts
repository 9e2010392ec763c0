import { spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'

/** The built command (`npx electron-vite build` first). */
export const AGENTA_BIN = resolve(import.meta.dirname, '../../bin/agenta.js')

export interface AgentaProcess {
  child: ChildProcess
  /** The studio's address and token once `agenta serve` prints them; rejects if it exits first. */
  started: Promise<{ url: string; token: string }>
  exited: Promise<number | null>
  /** What it wrote to stdout and stderr so far. */
  output(): string
  errors(): string
}

const running: ChildProcess[] = []

/** Runs `agenta <args>` as its own process, with `env` over this process's environment. */
export function runAgenta(args: string[], env: Record<string, string> = {}): AgentaProcess {
  const child = spawn(process.execPath, [AGENTA_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  running.push(child)
  let out = ''
  let err = ''
  child.stderr!.on('data', (d) => (err += d))
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
  const started = new Promise<{ url: string; token: string }>((res, rej) => {
    child.stdout!.on('data', (d) => {
      out += d
      const m = out.match(/Studio: (http:\/\/\S+)\/\?token=(\S+)/)
      if (m) res({ url: m[1], token: m[2] })
    })
    void exited.then((code) => rej(new Error(`agenta ${args[0]} exited ${code}: ${err}`)))
  })
  // A test that never awaits `started` (a command that is meant to fail) must not leave it unhandled.
  started.catch(() => {})
  return { child, started, exited, output: () => out, errors: () => err }
}

/** Kills every process `runAgenta` started that still runs: call in `afterEach`. */
export function killAgentas() {
  for (const c of running.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
}
