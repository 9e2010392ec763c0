import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { allData, chatEnv, socketClient, textOf, type ChatEnv } from './helpers'

let env: ChatEnv
let shop: any
let open: any
let draft: any
const SHOP = 'https://shop.example'

beforeAll(async () => {
  env = await chatEnv()
  shop = await env.agent({ published: true, allowedOrigins: [SHOP] })
  open = await env.agent({ published: true })
  draft = await env.agent()
})
afterAll(() => env?.close())

/** A request with no studio token, only what a website widget would send. */
async function call(path: string, body: unknown, headers: Record<string, string> = {}, method = 'POST') {
  const res = await fetch(env.s.url + path, {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await res.text()
  let parsed: any = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // SSE or empty
  }
  return { status: res.status, body: parsed, headers: res.headers }
}

const init = (agent: any) => ({ app_uuid: agent.uuid, user_id: 'visitor' })

describe('public keys', () => {
  it('open their own published agent through Bearer, X-Agenta-Key or ?key=', async () => {
    const bearer = await call('/chat-init', init(open), { authorization: `Bearer ${open.publicKey}` })
    expect(bearer.status).toBe(200)
    expect((await call('/chat-init', init(open), { 'x-agenta-key': open.publicKey })).status).toBe(200)
    expect((await call(`/chat-init?key=${open.publicKey}`, init(open))).status).toBe(200)

    const res = await fetch(`${env.s.url}/chat-message`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${open.publicKey}` },
      body: JSON.stringify({ message: 'hi from a widget', stream: true, session_id: bearer.body.session_id, app_uuid: open.uuid, user_id: 'visitor' })
    })
    expect(res.status).toBe(200)
    expect(textOf(await allData(res))).toBe('You said: hi from a widget')
  })

  it('401 without credentials, with a wrong key, or with another agent’s key', async () => {
    const none = await call('/chat-init', init(open))
    expect(none.status).toBe(401)
    expect(none.body.error.message).toMatch(/public key/)
    expect((await call('/chat-init', init(open), { authorization: 'Bearer pk_wrong' })).status).toBe(401)
    expect((await call('/chat-init', init(open), { authorization: 'Bearer not-the-token' })).status).toBe(401)
    const foreign = await call('/chat-init', init(open), { 'x-agenta-key': shop.publicKey })
    expect(foreign.status).toBe(401)
    expect((await call('/chat-message', { message: 'x', session_id: 's', app_uuid: open.uuid }, { 'x-agenta-key': shop.publicKey })).status).toBe(401)
    // The key never opens the studio API.
    expect((await call('/api/agents', undefined, { authorization: `Bearer ${open.publicKey}` }, 'GET')).status).toBe(401)
  })

  it('403 with a message while the agent is unpublished, and again after unpublishing', async () => {
    const res = await call('/chat-init', init(draft), { 'x-agenta-key': draft.publicKey })
    expect(res.status).toBe(403)
    expect(res.body.error.message).toMatch(/not published/)
    const temp = await env.agent({ published: true })
    expect((await call('/chat-init', init(temp), { 'x-agenta-key': temp.publicKey })).status).toBe(200)
    await env.s.api('PUT', `/api/agents/${temp.id}`, { published: false })
    expect((await call('/chat-init', init(temp), { 'x-agenta-key': temp.publicKey })).status).toBe(403)
    const rotated = (await env.s.api('POST', `/api/agents/${temp.id}/rotate-key`)).body
    await env.s.api('PUT', `/api/agents/${temp.id}`, { published: true })
    expect((await call('/chat-init', init(temp), { 'x-agenta-key': temp.publicKey })).status).toBe(401)
    expect((await call('/chat-init', init(temp), { 'x-agenta-key': rotated.publicKey })).status).toBe(200)
  })

  it('unknown agent → 404, malformed body → 422, even with a key', async () => {
    expect((await call('/chat-init', { app_uuid: 'nobody' }, { 'x-agenta-key': open.publicKey })).status).toBe(404)
    const bad = await call('/chat-message', { stream: true }, { 'x-agenta-key': open.publicKey })
    expect(bad.status).toBe(422)
    expect(bad.body.error.message).toContain('message')
  })
})

describe('origins and CORS', () => {
  it('answers an allowed origin with CORS headers, preflight included', async () => {
    const pre = await call(
      '/chat-message',
      undefined,
      { origin: SHOP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-agenta-key' },
      'OPTIONS'
    )
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-origin')).toBe(SHOP)
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/X-Agenta-Key/i)
    expect(pre.headers.get('access-control-allow-methods')).toMatch(/POST/)
    const res = await call('/chat-init', init(shop), { origin: SHOP, 'x-agenta-key': shop.publicKey })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP)
    expect(res.headers.get('vary')).toMatch(/Origin/)
  })

  it('refuses other origins: no CORS headers, 403 for the key, preflight refused', async () => {
    const evil = 'https://evil.example'
    const pre = await call('/chat-init', undefined, { origin: evil, 'access-control-request-method': 'POST' }, 'OPTIONS')
    expect(pre.status).toBe(403)
    expect(pre.headers.get('access-control-allow-origin')).toBeNull()
    const res = await call('/chat-init', init(shop), { origin: evil, 'x-agenta-key': shop.publicKey })
    expect(res.status).toBe(403)
    expect(res.body.error.message).toContain(evil)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('gives CORS headers only for the agent that lists the origin', async () => {
    // `open` lists no origins: its key works from anywhere, but browsers on SHOP get no CORS for it.
    const res = await call('/chat-init', init(open), { origin: SHOP, 'x-agenta-key': open.publicKey })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('lets Socket.IO handshakes in from listed origins only', async () => {
    const ok = await socketClient(env.s.url, { extraHeaders: { origin: SHOP } })
    expect(ok.clientId).toBe(ok.socket.id)
    ok.socket.close()
    await expect(socketClient(env.s.url, { extraHeaders: { origin: 'https://evil.example' } })).rejects.toThrow()
  })
})
