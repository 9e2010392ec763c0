import { afterEach, describe, expect, it } from 'vitest'
import { existsSync, readFileSync } from 'node:fs'
import { tempDir } from '../utils/boot'
import { killAgentas, runAgenta as serve } from '../utils/agenta-cli'
import { childPids } from '../utils/proc'

// Drives the built `agenta` command as a user does (npm test builds it first).
afterEach(killAgentas)

describe('agenta serve', () => {
  it('prints the URL with its token, serves the studio, and stops cleanly on SIGTERM', async () => {
    const data = tempDir()
    const s = serve(['serve', '--port', '0', '--data', data, '--token', 'tok-123'])
    const { url, token } = await s.started
    expect(token).toBe('tok-123')
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(s.output()).toMatch(/Only this computer can connect/)
    expect((await fetch(`${url}/healthz`)).status).toBe(200)
    const res = await fetch(`${url}/api/info`, { headers: { authorization: `Bearer ${token}` } })
    expect(await res.json()).toMatchObject({ host: 'server', dataDir: data, dbKind: 'sqlite' })
    const page = await fetch(`${url}/`)
    expect(await page.text()).toMatch(/<div id="root">/)
    s.child.kill('SIGTERM')
    expect(await s.exited).toBe(0)
    expect(s.output()).toMatch(/Stopped\./)
  })

  it('keeps a generated token across restarts and takes its settings from the environment', async () => {
    const data = tempDir()
    const first = serve(['serve'], { AGENTA_PORT: '0', AGENTA_DATA_DIR: data })
    const a = await first.started
    const created = await fetch(`${a.url}/api/agents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Survivor' })
    })
    expect(created.status).toBe(201)
    first.child.kill('SIGINT')
    expect(await first.exited).toBe(0)

    const second = serve(['serve', '--port', '0', '--data', data])
    const b = await second.started
    expect(b.token).toBe(a.token)
    const list = await (await fetch(`${b.url}/api/agents`, { headers: { authorization: `Bearer ${b.token}` } })).json()
    expect(list.map((x: { name: string }) => x.name)).toEqual(['Survivor'])
  })

  it('ships the bundled chart, email and excel MCP servers as ready-to-use tools', async () => {
    const s = serve(['serve', '--port', '0', '--data', tempDir(), '--token', 't'])
    const { url } = await s.started
    const auth = { authorization: 'Bearer t', 'content-type': 'application/json' }
    const tools = (await (await fetch(`${url}/api/tools`, { headers: auth })).json()) as { id: string; name: string; toolType: string }[]
    expect(tools.map((t) => [t.name, t.toolType]).sort()).toEqual([
      ['chart', 'internal'],
      ['email', 'internal'],
      ['excel', 'internal']
    ])
    for (const t of tools) {
      const res = await (await fetch(`${url}/api/tools/${t.id}/test`, { method: 'POST', headers: auth })).json()
      expect(res.error).toBeUndefined()
      expect(res.ok).toBe(true)
      expect(res.tools.length).toBeGreaterThan(0)
    }
  })

  // Linux: the command starts the server again with glibc's mmap threshold fixed (bin/agenta.js).
  it.runIf(process.platform === 'linux')('runs the server with the allocator setting and takes it down when killed', async () => {
    const s = serve(['serve', '--port', '0', '--data', tempDir(), '--token', 'tok-kill'])
    const { url } = await s.started
    const [serverPid] = childPids(s.child.pid!)
    expect(readFileSync(`/proc/${serverPid}/environ`, 'utf8').split('\0')).toContain('MALLOC_MMAP_THRESHOLD_=1048576')
    // A crash of the command (SIGKILL, nothing forwarded) must not leave the server running.
    s.child.kill('SIGKILL')
    const answering = () =>
      fetch(`${url}/healthz`).then(
        () => true,
        () => false
      )
    await expect.poll(answering, { timeout: 5_000, interval: 100 }).toBe(false)
    // Gone, or a zombie waiting for whichever process adopted it to reap it.
    const running = () => existsSync(`/proc/${serverPid}`) && !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${serverPid}/stat`, 'utf8'))
    await expect.poll(running, { timeout: 5_000, interval: 100 }).toBe(false)
  })

  it('refuses bad options with a clear message', async () => {
    const s = serve(['serve', '--port', 'eighty'])
    expect(await s.exited).toBe(2)
    expect(s.errors()).toMatch(/--port must be a number/)
    const db = serve(['serve', '--db', 'postgres://x'])
    expect(await db.exited).toBe(2)
    expect(db.errors()).toMatch(/mysql:\/\//)
  })

  it('says which port is taken', async () => {
    const data = tempDir()
    const first = serve(['serve', '--port', '0', '--data', data, '--token', 't'])
    const { url } = await first.started
    const port = new URL(url).port
    const second = serve(['serve', '--port', port, '--data', tempDir(), '--token', 't'])
    expect(await second.exited).toBe(2)
    expect(second.errors()).toMatch(new RegExp(`port ${port} .*already in use`))
  })
})
