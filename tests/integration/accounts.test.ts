// People on a team server (accounts on): first-run admin, sign-in and its rate limit, roles,
// personal tokens and their scopes, expired sessions, the audit log, and isolation of one person's
// chats and memories on every surface (REST, /studio socket, /v1, /mcp, /chat-message).
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import OpenAI from 'openai'
import { io as connect, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootServer, type BootedServer } from '../utils/boot'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'
import { createTempMysqlDb } from '../utils/mariadb'

let s: BootedServer
let llm: FakeLlm
let providerId: string
const pw = 'correct horse battery'
/** Session tokens (from the cookie) of each person. */
const who: Record<'admin' | 'builder' | 'member' | 'other', string> = { admin: '', builder: '', member: '', other: '' }
const ids: Record<string, string> = {}

const cookieToken = (res: { headers: Headers }) => /agenta_session=([^;]*)/.exec(res.headers.get('set-cookie') ?? '')?.[1]
const as = (token: string) => ({ token })

async function login(email: string, password = pw) {
  return s.api('POST', '/api/auth/login', { email, password }, { token: null })
}

beforeAll(async () => {
  llm = await startFakeLlm()
  s = await bootServer({ accounts: { enabled: true, loginLimit: { window: 60, max: 100 } } })
  providerId = (await s.api('POST', '/api/providers', { name: 'Fake', baseUrl: llm.baseUrl })).body.id
})
afterAll(async () => {
  await s?.close()
  await llm?.close()
})

describe('first run', () => {
  it('says accounts are on and the admin is still to be created; nothing else opens without credentials', async () => {
    const state = await s.api('GET', '/api/auth/state', undefined, { token: null })
    expect(state.body).toEqual({ accounts: true, needsSetup: true, sso: null, me: null })
    const none = await s.api('GET', '/api/agents', undefined, { token: null })
    expect(none.status).toBe(401)
    expect(none.body.error.message).toMatch(/Sign in/)
  })

  it('creates the admin once, signed in by a cookie; a second setup is refused', async () => {
    const res = await s.api('POST', '/api/auth/setup', { name: 'Ada', email: 'Ada@Example.com', password: pw }, { token: null })
    expect(res.status).toBe(200)
    expect(res.body.user).toMatchObject({ name: 'Ada', email: 'ada@example.com', role: 'admin', disabled: false })
    expect(res.headers.get('set-cookie')).toMatch(/agenta_session=.+; Path=\/; HttpOnly; SameSite=Strict/)
    who.admin = cookieToken(res)!
    ids.admin = res.body.user.id
    const again = await s.api('POST', '/api/auth/setup', { name: 'Eve', email: 'eve@example.com', password: pw }, { token: null })
    expect(again.status).toBe(409)
    const state = await s.api('GET', '/api/auth/state', undefined, { headers: { cookie: `agenta_session=${who.admin}` }, token: null })
    expect(state.body).toMatchObject({ accounts: true, needsSetup: false, me: { kind: 'user', user: { name: 'Ada', role: 'admin' } } })
  })

  it('refuses a weak password with the reason', async () => {
    const res = await s.api('POST', '/api/users', { name: 'Weak', email: 'weak@example.com', password: 'short', role: 'member' }, as(who.admin))
    expect(res.status).toBe(422)
    expect(res.body.error.message).toMatch(/password: must be at least 8/)
  })
})

describe('people', () => {
  it('an admin adds a builder with a password and invites a member by link', async () => {
    const builder = await s.api('POST', '/api/users', { name: 'Bob', email: 'bob@example.com', password: pw, role: 'builder' }, as(who.admin))
    expect(builder.status).toBe(201)
    ids.builder = builder.body.id
    who.builder = cookieToken(await login('bob@example.com'))!
    expect(who.builder).toBeTruthy()

    const invite = await s.api('POST', '/api/invites', { role: 'member' }, as(who.admin))
    expect(invite.status).toBe(201)
    expect(invite.body.code).toEqual(expect.any(String))
    const joined = await s.api('POST', '/api/invites/accept', { code: invite.body.code, name: 'Mia', email: 'mia@example.com', password: pw }, { token: null })
    expect(joined.status).toBe(200)
    expect(joined.body.user).toMatchObject({ role: 'member' })
    who.member = cookieToken(joined)!
    ids.member = joined.body.user.id
    // Used once.
    const twice = await s.api('POST', '/api/invites/accept', { code: invite.body.code, name: 'Max', email: 'max@example.com', password: pw }, { token: null })
    expect(twice.status).toBe(403)

    const other = await s.api('POST', '/api/users', { name: 'Oli', email: 'oli@example.com', password: pw, role: 'member' }, as(who.admin))
    ids.other = other.body.id
    who.other = cookieToken(await login('oli@example.com'))!
  })

  it('a wrong password is 401 and says nothing more (not whether the email exists)', async () => {
    const wrong = await login('nobody@example.com', 'not the password')
    expect(wrong.status).toBe(401)
    expect(wrong.body.error).toEqual({ code: 'unauthorized', message: 'Wrong email or password' })
    const wrongPw = await login('bob@example.com', 'not the password')
    expect(wrongPw.body.error).toEqual(wrong.body.error)
  })

  it('members and builders cannot manage people or read the audit log', async () => {
    for (const t of [who.member, who.builder]) {
      expect((await s.api('GET', '/api/users', undefined, as(t))).status).toBe(403)
      expect((await s.api('POST', '/api/users', { name: 'X', email: 'x@example.com', password: pw }, as(t))).status).toBe(403)
      expect((await s.api('GET', '/api/audit', undefined, as(t))).status).toBe(403)
    }
  })
})

describe('roles', () => {
  let agent: any
  it('routes outside the endpoint table keep the same roles: avatar files for builders, backup files for admins', async () => {
    const avatar = await s.api('POST', '/api/digital-humans', { name: 'Hall', kind: 'glb', look: 'guide' }, as(who.builder))
    expect(avatar.status).toBe(201)
    expect((await s.api('GET', `/api/digital-humans/${avatar.body.id}/model`, undefined, as(who.member))).status).toBe(403)
    expect((await s.api('GET', `/api/digital-humans/${avatar.body.id}/model`, undefined, as(who.builder))).status).toBe(404)
    expect((await s.api('GET', '/api/backups/any.tar.gz/file', undefined, as(who.builder))).status).toBe(403)
    expect((await s.api('GET', '/api/backups/any.tar.gz/file', undefined, { token: null })).status).toBe(401)
    expect((await s.api('GET', '/api/usage', undefined, as(who.builder))).status).toBe(403)
  })
  it('a member cannot edit agents or read providers (keys); a builder can build', async () => {
    const m = await s.api('POST', '/api/agents', { name: 'Nope' }, as(who.member))
    expect(m.status).toBe(403)
    expect(m.body.error.message).toMatch(/agents.create is for a builder or above; you are a member/)
    expect((await s.api('GET', '/api/providers', undefined, as(who.member))).status).toBe(403)
    expect((await s.api('GET', `/api/providers/${providerId}`, undefined, as(who.member))).status).toBe(403)
    // A builder sees providers (keys masked, as for everyone) but cannot change them.
    const list = await s.api('GET', '/api/providers', undefined, as(who.builder))
    expect(list.status).toBe(200)
    expect((await s.api('PUT', `/api/providers/${providerId}`, { name: 'Mine' }, as(who.builder))).status).toBe(403)

    const created = await s.api('POST', '/api/agents', { name: 'Guide', providerId, model: 'fake-chat' }, as(who.builder))
    expect(created.status).toBe(201)
    agent = created.body
  })

  it('a new agent is its builder’s until shared; members chat with what is shared with them', async () => {
    expect((await s.api('GET', '/api/agents', undefined, as(who.member))).body.map((a: any) => a.id)).not.toContain(agent.id)
    expect((await s.api('GET', `/api/agents/${agent.id}`, undefined, as(who.member))).status).toBe(403)
    expect((await s.api('POST', '/api/sessions', { agentId: agent.id }, as(who.member))).status).toBe(403)
    // Another builder's agent cannot be changed by them (only its builder or an admin).
    expect((await s.api('PUT', `/api/agents/${agent.id}/sharing`, { everyone: true }, as(who.member))).status).toBe(403)
    const shared = await s.api('PUT', `/api/agents/${agent.id}/sharing`, { everyone: false, people: [ids.member, ids.other] }, as(who.builder))
    expect(shared.body).toMatchObject({ ownerId: ids.builder, everyone: false, people: [ids.member, ids.other] })
    expect((await s.api('GET', '/api/agents', undefined, as(who.member))).body.map((a: any) => a.id)).toContain(agent.id)
    expect((await s.api('PUT', `/api/agents/${agent.id}`, { name: 'Mine now' }, as(who.member))).status).toBe(403)
  })

  it('indexing files by server path is for admins only', async () => {
    const kb = await s.api('POST', '/api/knowledge-bases', { name: 'Docs' }, as(who.builder))
    expect(kb.status).toBe(201)
    const res = await s.api('POST', `/api/knowledge-bases/${kb.body.id}/add-paths`, { paths: ['/etc'] }, as(who.builder))
    expect(res.status).toBe(403)
    expect(res.body.error.message).toMatch(/knowledgeBases.addPaths is for an admin/)
  })

  describe('isolation', () => {
    let session: string
    it('one person cannot read or continue another’s sessions, runs or memories', async () => {
      const mine = await s.api('POST', '/api/sessions', { agentId: agent.id }, as(who.member))
      expect(mine.status).toBe(201)
      expect(mine.body.userId).toBe(ids.member)
      session = mine.body.id
      // Naming someone else is refused.
      expect((await s.api('POST', '/api/sessions', { agentId: agent.id, userId: ids.other }, as(who.member))).status).toBe(403)
      expect((await s.api('GET', `/api/sessions?userId=${ids.member}`, undefined, as(who.other))).status).toBe(403)
      for (const path of [`/api/sessions/${session}`, `/api/sessions/${session}/messages`]) {
        const res = await s.api('GET', path, undefined, as(who.other))
        expect(res.status, path).toBe(403)
        expect(JSON.stringify(res.body)).not.toContain(agent.name)
      }
      expect((await s.api('DELETE', `/api/sessions/${session}`, undefined, as(who.other))).status).toBe(403)
      // Lists are one's own.
      expect((await s.api('GET', '/api/sessions', undefined, as(who.other))).body).toEqual([])
      expect((await s.api('GET', '/api/sessions', undefined, as(who.member))).body.map((x: any) => x.id)).toEqual([session])
      // The studio's streamed turn too.
      const turn = await s.api('POST', '/api/chat/turn', { sessionId: session, message: 'hi' }, as(who.other))
      expect(turn.status).toBe(403)

      const memory = await s.api('POST', '/api/memories', { text: 'likes tea' }, as(who.member))
      expect(memory.status).toBe(201)
      expect(memory.body.userId).toBe(ids.member)
      expect((await s.api('PUT', `/api/memories/${memory.body.id}`, { text: 'x' }, as(who.other))).status).toBe(403)
      expect((await s.api('DELETE', `/api/memories/${memory.body.id}`, undefined, as(who.other))).status).toBe(403)
      expect((await s.api('GET', '/api/memories', undefined, as(who.other))).body).toEqual([])
      expect((await s.api('GET', '/api/memory-users', undefined, as(who.other))).body).toEqual([])
      expect((await s.api('DELETE', `/api/memory-users/${ids.member}`, undefined, as(who.other))).status).toBe(403)
    })

    it('/chat-message: a person chats as themselves in their own sessions only', async () => {
      const post = (token: string, body: Record<string, unknown>) =>
        fetch(`${s.url}/chat-message`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ app_uuid: agent.uuid, stream: false, ...body })
        })
      const ok = await post(who.member, { session_id: session, message: 'hello' })
      expect(ok.status).toBe(200)
      expect(await ok.json()).toMatchObject({ status: 'ok' })
      const theirs = await post(who.other, { session_id: session, message: 'peek' })
      expect(theirs.status).toBe(403)
      const impersonate = await post(who.member, { session_id: session, message: 'hi', user_id: ids.other })
      expect(impersonate.status).toBe(403)
      // The run of that turn is the member's alone.
      const runs = await s.api('GET', `/api/sessions/${session}/messages`, undefined, as(who.member))
      const runId = runs.body.find((m: any) => m.runId)?.runId
      if (runId) expect((await s.api('GET', `/api/runs/${runId}`, undefined, as(who.other))).status).toBe(403)
    })

    it('/v1 and /mcp list and run only the agents shared with the caller', async () => {
      const hidden = await s.api('POST', '/api/agents', { name: 'Secret', providerId, model: 'fake-chat' }, as(who.builder))
      const token = await s.api('POST', '/api/tokens', { name: 'script', scopes: ['chat'] }, as(who.member))
      expect(token.status).toBe(201)
      expect(token.body.token).toMatch(/^agt_/)
      const client = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: token.body.token, maxRetries: 0 })
      const models = (await client.models.list()).data.map((m) => m.id)
      expect(models).toContain(agent.uuid)
      expect(models).not.toContain(hidden.body.uuid)
      // Not shared: as if it did not exist.
      await expect(client.chat.completions.create({ model: hidden.body.uuid, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
        status: 404
      })
      const answer = await client.chat.completions.create({ model: agent.uuid, messages: [{ role: 'user', content: 'hi' }] })
      expect(answer.choices[0]?.message.content).toBeTruthy()

      const mcp = new Client({ name: 'test', version: '1.0.0' })
      await mcp.connect(
        new StreamableHTTPClientTransport(new URL(`${s.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token.body.token}` } } })
      )
      const tools = (await mcp.listTools()).tools.map((t) => t.name)
      expect(tools).toEqual(['ask_guide'])
      await mcp.close()
    })
  })
})

describe('tokens', () => {
  it('a token does only what its scopes allow, and cannot mint a stronger one', async () => {
    const read = await s.api('POST', '/api/tokens', { name: 'ci', scopes: ['read'] }, as(who.builder))
    expect(read.status).toBe(201)
    expect((await s.api('GET', '/api/agents', undefined, as(read.body.token))).status).toBe(200)
    const write = await s.api('POST', '/api/agents', { name: 'From CI' }, as(read.body.token))
    expect(write.status).toBe(403)
    expect(write.body.error.message).toMatch(/lacks the "build" scope/)
    expect((await s.api('POST', '/api/tokens', { name: 'more', scopes: ['build'] }, as(read.body.token))).status).toBe(403)
    // A member cannot give a token builder scopes.
    expect((await s.api('POST', '/api/tokens', { name: 'x', scopes: ['build'] }, as(who.member))).status).toBe(403)
    // Listed without the secret; revoked, it stops working.
    const listed = await s.api('GET', '/api/tokens', undefined, as(who.builder))
    expect(listed.body).toEqual([expect.objectContaining({ id: read.body.id, prefix: read.body.token.slice(0, 10), scopes: ['read'] })])
    expect(JSON.stringify(listed.body)).not.toContain(read.body.token)
    expect((await s.api('DELETE', `/api/tokens/${read.body.id}`, undefined, as(who.member))).status).toBe(404)
    expect((await s.api('DELETE', `/api/tokens/${read.body.id}`, undefined, as(who.builder))).status).toBe(200)
    const gone = await s.api('GET', '/api/agents', undefined, as(read.body.token))
    expect(gone.status).toBe(401)
    // Stored only as a hash.
    const rows = await s.runtime.store.db.selectFrom('api_tokens').select('token_hash').execute()
    expect(JSON.stringify(rows)).not.toContain(read.body.token)
  })
})

describe('sessions that end', () => {
  it('an expired session is 401 with a message to sign in again', async () => {
    const bogus = await s.api('POST', '/api/invites/accept', { code: 'x'.repeat(20), name: 'n', email: 'n@example.com', password: pw }, { token: null })
    expect(bogus.status).toBe(403)
    const fresh = cookieToken(await login('mia@example.com'))!
    expect((await s.api('GET', '/api/sessions', undefined, as(fresh))).status).toBe(200)
    await s.runtime.store.db
      .updateTable('auth_sessions')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('token', '=', fresh)
      .execute()
    const res = await s.api('GET', '/api/sessions', undefined, as(fresh))
    expect(res.status).toBe(401)
    expect(res.body.error.message).toMatch(/expired or was ended: sign in again/)
  })

  it('a disabled person is signed out everywhere and cannot sign in', async () => {
    expect((await s.api('PUT', `/api/users/${ids.other}`, { disabled: true }, as(who.admin))).status).toBe(200)
    expect((await s.api('GET', '/api/sessions', undefined, as(who.other))).status).toBe(401)
    // The last admin cannot be demoted.
    const demote = await s.api('PUT', `/api/users/${ids.admin}`, { role: 'member' }, as(who.admin))
    expect(demote.status).toBe(409)
  })
})

describe('the audit log', () => {
  it('records who changed agents, providers and people, for admins', async () => {
    const res = await s.api('GET', '/api/audit?limit=500', undefined, as(who.admin))
    expect(res.status).toBe(200)
    const actions = res.body.map((e: any) => `${e.actorName}:${e.action}`)
    expect(actions).toEqual(
      expect.arrayContaining(['Bob:agents.create', 'Bob:agents.setSharing', 'Ada:users.create', 'Ada:users.update', 'owner:providers.create'])
    )
    // Reads are not changes.
    expect(actions.some((a: string) => a.endsWith('.list') || a.endsWith('.get'))).toBe(false)
  })
})

describe('studio events', () => {
  it('reach only those allowed to see them: a person’s chats go to that person', async () => {
    const open = (token: string) =>
      new Promise<{ socket: Socket; got: string[] }>((resolve, reject) => {
        const got: string[] = []
        const socket = connect(`${s.url}/studio`, { auth: { token }, transports: ['websocket'], reconnection: false })
        socket.onAny((name: string, payload: any) => got.push(`${name}:${payload?.id ?? payload?.userId ?? ''}`))
        socket.on('connect', () => resolve({ socket, got }))
        socket.on('connect_error', reject)
      })
    await expect(open('nonsense')).rejects.toThrow(/unauthorized/)
    const member = await open(who.member)
    const builder = await open(who.builder)
    const mine = await s.api('POST', '/api/sessions', { agentId: (await s.api('GET', '/api/agents', undefined, as(who.member))).body[0].id }, as(who.member))
    await s.api('PUT', `/api/providers/${providerId}`, { name: 'Fake 2' })
    // A marker every builder and member receives, sent last: when it has arrived, so has everything before it.
    const marker = await s.api('POST', '/api/agents', { name: 'Marker' })
    await expect.poll(() => member.got.includes(`agents.changed:${marker.body.id}`) && builder.got.includes(`agents.changed:${marker.body.id}`)).toBe(true)
    expect(member.got).toContain(`sessions.changed:${mine.body.id}`)
    expect(builder.got).not.toContain(`sessions.changed:${mine.body.id}`)
    expect(member.got.some((e) => e.startsWith('providers.changed'))).toBe(false)
    expect(builder.got).toContain(`providers.changed:${providerId}`)
    member.socket.close()
    builder.socket.close()
  })
})

describe('the login rate limit', () => {
  it('refuses the 4th sign-in a minute from one address with 429, even with the right password', async () => {
    const limited = await bootServer({ accounts: { enabled: true, loginLimit: { window: 60, max: 3 } } })
    try {
      await limited.api('POST', '/api/auth/setup', { name: 'Ada', email: 'ada@example.com', password: pw }, { token: null })
      const attempt = (password: string) => limited.api('POST', '/api/auth/login', { email: 'ada@example.com', password }, { token: null })
      expect((await attempt('guess one')).status).toBe(401)
      expect((await attempt('guess two')).status).toBe(401)
      expect((await attempt(pw)).status).toBe(200)
      const res = await attempt(pw)
      expect(res.status).toBe(429)
      expect(res.body.error).toMatchObject({
        code: 'too_many_requests',
        message: expect.stringMatching(/Too many sign-in attempts from this address: try again in \d+ seconds/)
      })
      expect(cookieToken(res)).toBeUndefined()
    } finally {
      await limited.close()
    }
  })
})

describe('on MariaDB (a team server)', () => {
  it('has accounts on by default, and the same setup, sign-in and expiry work there', async () => {
    const db = await createTempMysqlDb()
    const team = await bootServer({ store: { kind: 'mysql', url: db.url } })
    try {
      expect((await team.api('GET', '/api/auth/state', undefined, { token: null })).body).toEqual({ accounts: true, needsSetup: true, sso: null, me: null })
      const admin = await team.api('POST', '/api/auth/setup', { name: 'Ada', email: 'ada@example.com', password: pw }, { token: null })
      expect(admin.status).toBe(200)
      const signedIn = await team.api('POST', '/api/auth/login', { email: 'ada@example.com', password: pw }, { token: null })
      expect(signedIn.status).toBe(200)
      const token = cookieToken(signedIn)!
      expect((await team.api('GET', '/api/users', undefined, { token })).body).toEqual([expect.objectContaining({ email: 'ada@example.com', role: 'admin' })])
      const t = await team.api('POST', '/api/tokens', { name: 'ci', scopes: ['read'] }, { token })
      expect((await team.api('GET', '/api/agents', undefined, { token: t.body.token })).status).toBe(200)
      await team.runtime.store.db
        .updateTable('auth_sessions')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('token', '=', token)
        .execute()
      expect((await team.api('GET', '/api/users', undefined, { token })).status).toBe(401)
    } finally {
      await team.close()
      await db.drop()
    }
  })
})
