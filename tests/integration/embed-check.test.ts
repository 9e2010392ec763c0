// /embed/check/<uuid>: the verdict the embed widget asks for before it frames the phone page
// (issue 15, item 9). Real server, real HTTP, Origin headers as a browser sends them cross-site.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootServer, type BootedServer } from '../utils/boot'

let srv: BootedServer
let agent: { id: string; uuid: string; publicKey: string }

const check = async (uuid: string, key: string, origin?: string) => {
  const res = await fetch(`${srv.url}/embed/check/${uuid}?key=${encodeURIComponent(key)}`, { headers: origin ? { origin } : {} })
  return { status: res.status, cors: res.headers.get('access-control-allow-origin'), body: await res.json() }
}

beforeAll(async () => {
  srv = await bootServer()
  agent = (await srv.api('POST', '/api/agents', { name: 'Shop helper' })).body
  const put = await srv.api('PUT', `/api/agents/${agent.id}`, { published: true, allowedOrigins: ['https://shop.example'] })
  expect(put.status).toBe(200)
})

afterAll(() => srv?.close())

describe('/embed/check', () => {
  it('serves an allowed site with the right key, whatever the case of its origin', async () => {
    expect(await check(agent.uuid, agent.publicKey, 'https://shop.example')).toEqual({ status: 200, cors: '*', body: { ok: true } })
    expect((await check(agent.uuid, agent.publicKey, 'HTTPS://Shop.Example')).body).toEqual({ ok: true })
  })

  it('names the cause: origin not allowed, wrong key, not published or unknown', async () => {
    expect((await check(agent.uuid, agent.publicKey, 'https://evil.example')).body).toEqual({ ok: false, reason: 'origin', origin: 'https://evil.example' })
    expect((await check(agent.uuid, 'pk_wrong', 'https://shop.example')).body).toMatchObject({ ok: false, reason: 'key' })
    expect((await check(agent.uuid, '', 'https://shop.example')).body).toMatchObject({ ok: false, reason: 'key' })
    expect((await check('not-a-uuid', agent.publicKey, 'https://shop.example')).body).toMatchObject({ ok: false, reason: 'unavailable' })
    await srv.api('PUT', `/api/agents/${agent.id}`, { published: false })
    expect((await check(agent.uuid, agent.publicKey, 'https://shop.example')).body).toMatchObject({ ok: false, reason: 'unavailable' })
    await srv.api('PUT', `/api/agents/${agent.id}`, { published: true })
  })
})
