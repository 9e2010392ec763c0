import { afterEach, describe, expect, it } from 'vitest'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { killAgentas, runAgenta } from '../utils/agenta-cli'
import { tempDir } from '../utils/boot'

/** `agenta backup` / `agenta restore`, and the restart a restore asks of `agenta serve` (the built command). */
afterEach(killAgentas)

const call = async (url: string, token: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  return { status: res.status, body: (await res.json()) as any }
}
const names = async (url: string, token: string) => ((await call(url, token, 'GET', '/api/agents')).body as Array<{ name: string }>).map((a) => a.name).sort()

describe('agenta backup / restore', () => {
  it('backs up while the studio runs; a restore through the API restarts `agenta serve` on the same port and token', async () => {
    const data = tempDir()
    const archive = join(tempDir(), 'studio.tar.gz')
    const s = runAgenta(['serve', '--port', '0', '--data', data])
    const { url, token } = await s.started
    await call(url, token, 'POST', '/api/agents', { name: 'One' })

    const backup = runAgenta(['backup', archive, '--data', data])
    expect(await backup.exited).toBe(0)
    expect(backup.output()).toMatch(/keep it as safe as a password/)
    // A second backup to the same file is refused rather than overwriting it.
    const again = runAgenta(['backup', archive, '--data', data])
    expect(await again.exited).toBe(2)

    await call(url, token, 'POST', '/api/agents', { name: 'Two' })
    const up = await fetch(`${url}/api/backups/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/gzip' },
      body: new Uint8Array(readFileSync(archive))
    })
    expect(up.status).toBe(201)
    const { stageId } = (await up.json()) as { stageId: string }
    expect((await call(url, token, 'POST', '/api/backup-restore', { stageId })).status).toBe(200)
    await expect.poll(() => s.output(), { timeout: 30_000 }).toMatch(/Restarted on /)
    expect(await names(url, token)).toEqual(['One'])
    s.child.kill('SIGTERM')
    expect(await s.exited).toBe(0)
  }, 120_000)

  it('restores into another folder with --yes; asks without it; refuses a damaged file', async () => {
    const source = tempDir()
    const archive = join(tempDir(), 'studio.tar.gz')
    const first = runAgenta(['serve', '--port', '0', '--data', source])
    const a = await first.started
    await call(a.url, a.token, 'POST', '/api/agents', { name: 'Moved' })
    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    expect(await runAgenta(['backup', archive, '--data', source]).exited).toBe(0)

    const target = tempDir()
    const noTty = runAgenta(['restore', archive, '--data', target])
    expect(await noTty.exited).toBe(2)
    expect(noTty.errors()).toMatch(/--yes/)

    const damaged = join(tempDir(), 'cut.tar.gz')
    writeFileSync(damaged, readFileSync(archive).subarray(0, 200))
    const bad = runAgenta(['restore', damaged, '--data', target, '--yes'])
    expect(await bad.exited).toBe(2)
    expect(bad.errors()).toMatch(/damaged/)

    const ok = runAgenta(['restore', archive, '--data', target, '--yes'])
    expect(await ok.exited).toBe(0)
    expect(ok.output()).toMatch(/Restored\./)
    const second = runAgenta(['serve', '--port', '0', '--data', target])
    const b = await second.started
    expect(await names(b.url, b.token)).toEqual(['Moved'])
    // The token came with the data: scripts given the old URL keep working.
    expect(b.token).toBe(a.token)
    second.child.kill('SIGTERM')
    expect(await second.exited).toBe(0)
  }, 120_000)
})
