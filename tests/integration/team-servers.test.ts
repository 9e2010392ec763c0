// "Connect to a team server…": the core's check of an address (core/team-servers.ts) against real
// servers — a team server (`agenta serve` with accounts), a single-user one, a closed port, a web
// server that is not Agenta, and look-alikes of another version or with engines down — over REST.
import { createServer } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootServer, type BootedServer } from '../utils/boot'
import { freePort } from '../utils/engines'
import { fakeAgenta } from '../utils/fake-agenta'
import { compatibleVersions } from '../../src-main/core/team-servers'
import { APP_VERSION } from '../../src-main/core/version'

let local: BootedServer
let team: BootedServer

beforeAll(async () => {
  ;[local, team] = await Promise.all([bootServer(), bootServer({ accounts: { enabled: true } })])
})
afterAll(async () => {
  await Promise.all([local?.close(), team?.close()])
})

const check = (url: string) => local.api('POST', '/api/team-servers/check', { url })

describe('teamServers.check', () => {
  it('accepts a team server, remembers it newest first, and forgets it on request', async () => {
    const res = await check(`${team.url}/some/page`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ origin: team.url, version: APP_VERSION })
    const other = await fakeAgenta({ version: APP_VERSION })
    try {
      expect((await check(other.url)).status).toBe(200)
      expect((await check(team.url)).status).toBe(200)
      const recent = await local.api('GET', '/api/team-servers')
      expect(recent.body.servers.map((s: { origin: string }) => s.origin)).toEqual([team.url, other.url])
      await local.api('POST', '/api/team-servers/forget', { origin: other.url })
      expect((await local.api('GET', '/api/team-servers')).body.servers.map((s: { origin: string }) => s.origin)).toEqual([team.url])
    } finally {
      await other.close()
    }
  })

  it('says why an address is refused, with a reason the studio translates', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`
    const web = createServer((_req, res) => res.end('<html>hello</html>'))
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r))
    const old = await fakeAgenta({ version: '9.0.0' })
    const down = await fakeAgenta({ version: APP_VERSION, ready: false })
    try {
      const cases: [string, number, string][] = [
        [closed, 400, 'team_unreachable'],
        [`http://127.0.0.1:${(web.address() as { port: number }).port}`, 400, 'team_not_agenta'],
        [old.url, 409, 'team_version'],
        [down.url, 409, 'team_not_ready'],
        // A single-user server has one token and no sign-in: not a team server.
        [local.url, 409, 'team_no_accounts']
      ]
      for (const [url, status, reason] of cases) {
        const res = await check(url)
        expect(res.status, JSON.stringify(res.body)).toBe(status)
        expect(res.body.error, url).toMatchObject({ reason, params: { origin: new URL(url).origin } })
      }
      expect((await check(old.url)).body.error.params).toMatchObject({ version: '9.0.0', ours: APP_VERSION })
      // Nothing refused is remembered.
      expect((await local.api('GET', '/api/team-servers')).body.servers.map((s: { origin: string }) => s.origin)).not.toContain(old.url)
    } finally {
      web.close()
      await old.close()
      await down.close()
    }
  })

  it('bad addresses are a 400 on the field, and only the owner may check', async () => {
    for (const url of ['', 'ftp://example.com', 'http://', 'https://exa mple.com']) {
      const res = await check(url)
      expect(res.status, url).toBe(422)
      expect(res.body.error.code).toBe('validation_failed')
      expect(res.body.error.fields[0].path).toBe('url')
    }
    expect((await local.api('POST', '/api/team-servers/check', { url: team.url }, { token: null })).status).toBe(401)
  })
})

describe('compatibleVersions', () => {
  it('same major (same minor before 1.0)', () => {
    expect(compatibleVersions('1.4.2', '1.0.0')).toBe(true)
    expect(compatibleVersions('2.0.0', '1.9.9')).toBe(false)
    expect(compatibleVersions('0.1.5', '0.1.0')).toBe(true)
    expect(compatibleVersions('0.2.0', '0.1.0')).toBe(false)
    expect(compatibleVersions('nonsense', '0.1.0')).toBe(false)
  })
})
