import { afterEach, describe, expect, it } from 'vitest'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import { tempDir } from '../utils/boot'

/** `agenta user add` and `agenta serve --accounts`, as a script and an operator use them (the built command). */
const bin = resolve(import.meta.dirname, '../../bin/agenta.js')
const children: ChildProcess[] = []

function serve(args: string[]) {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
  const started = new Promise<string>((res, rej) => {
    child.stdout!.on('data', () => {
      const m = out.match(/Studio: (http:\/\/\S+)\/\?token=/)
      if (m) res(m[1]!)
    })
    void exited.then((code) => rej(new Error(`exited ${code}`)))
  })
  return { child, started, exited, output: () => out }
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
})

const login = (url: string, email: string, password: string) =>
  fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })

describe('agenta user add', () => {
  it('adds the admin for a script; serve --accounts then signs them in and keeps accounts on', async () => {
    const data = tempDir()
    const add = spawnSync(process.execPath, [bin, 'user', 'add', '--admin', '--email', 'ops@example.com', '--name', 'Ops', '--data', data], {
      input: 'long enough secret\n',
      encoding: 'utf8'
    })
    expect(add.stderr).toBe('')
    expect(add.status).toBe(0)
    expect(add.stdout).toMatch(/Added Ops <ops@example.com> as admin/)
    expect(add.stdout).toMatch(/Accounts are off for this data/)

    const bad = spawnSync(process.execPath, [bin, 'user', 'add', '--email', 'x@example.com', '--name', 'X', '--data', data], {
      input: 'short\n',
      encoding: 'utf8'
    })
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/password: must be at least 8 characters/)

    const first = serve(['serve', '--port', '0', '--data', data, '--accounts'])
    const url = await first.started
    expect(first.output()).toMatch(/Accounts are on: people sign in/)
    expect((await fetch(`${url}/api/agents`)).status).toBe(401)
    const res = await login(url, 'ops@example.com', 'long enough secret')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ user: { role: 'admin', email: 'ops@example.com' } })
    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)

    // Kept: the next start without the flag still has accounts on.
    const second = serve(['serve', '--port', '0', '--data', data])
    const url2 = await second.started
    expect((await (await fetch(`${url2}/api/auth/state`)).json()).accounts).toBe(true)
    // Three processes start one after the other (each opens the data and migrates it).
  }, 120_000)
})
