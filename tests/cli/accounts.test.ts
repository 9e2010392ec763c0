import { afterEach, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { AGENTA_BIN, killAgentas, runAgenta } from '../utils/agenta-cli'
import { tempDir } from '../utils/boot'

/** `agenta user add` and `agenta serve --accounts`, as a script and an operator use them (the built command). */
afterEach(killAgentas)

const login = (url: string, email: string, password: string) =>
  fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })

describe('agenta user add', () => {
  it('adds the admin for a script; serve --accounts then signs them in and keeps accounts on', async () => {
    const data = tempDir()
    const add = spawnSync(process.execPath, [AGENTA_BIN, 'user', 'add', '--admin', '--email', 'ops@example.com', '--name', 'Ops', '--data', data], {
      input: 'long enough secret\n',
      encoding: 'utf8'
    })
    expect(add.stderr).toBe('')
    expect(add.status).toBe(0)
    expect(add.stdout).toMatch(/Added Ops <ops@example.com> as admin/)
    expect(add.stdout).toMatch(/Accounts are off for this data/)

    const bad = spawnSync(process.execPath, [AGENTA_BIN, 'user', 'add', '--email', 'x@example.com', '--name', 'X', '--data', data], {
      input: 'short\n',
      encoding: 'utf8'
    })
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/password: must be at least 8 characters/)

    const first = runAgenta(['serve', '--port', '0', '--data', data, '--accounts'])
    const { url } = await first.started
    expect(first.output()).toMatch(/Accounts are on: people sign in/)
    expect((await fetch(`${url}/api/agents`)).status).toBe(401)
    const res = await login(url, 'ops@example.com', 'long enough secret')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ user: { role: 'admin', email: 'ops@example.com' } })
    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)

    // Kept: the next start without the flag still has accounts on.
    const second = runAgenta(['serve', '--port', '0', '--data', data])
    const { url: url2 } = await second.started
    expect((await (await fetch(`${url2}/api/auth/state`)).json()).accounts).toBe(true)
    // Three processes start one after the other (each opens the data and migrates it).
  }, 120_000)
})
