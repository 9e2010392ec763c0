import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../utils/boot'
import { createTempMysqlDb } from '../utils/mariadb'
import { AGENTA_BIN, killAgentas, runAgenta } from '../utils/agenta-cli'
import { until } from '../utils/until'

/**
 * Push and pull between two `agenta serve` processes as they are run (the built command: `npx
 * electron-vite build` first): a desktop-like one on SQLite with its own token, and a team server
 * on MariaDB (accounts on) whose builder was added with `agenta user add`.
 */
let db: Awaited<ReturnType<typeof createTempMysqlDb>>

beforeAll(async () => {
  db = await createTempMysqlDb()
})
afterAll(async () => {
  await db?.drop()
})
afterEach(killAgentas)

async function serve(args: string[]): Promise<string> {
  return (await runAgenta(['serve', '--port', '0', ...args], { AGENTA_MALLOC_TUNED: '1' }).started).url
}

async function call(url: string, method: string, path: string, auth: { token?: string; cookie?: string }, body?: unknown) {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (auth.token) headers.authorization = `Bearer ${auth.token}`
  if (auth.cookie) headers.authorization = `Bearer ${auth.cookie}`
  const res = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers }
}

describe('agenta serve ⇄ agenta serve', () => {
  it('pushes an agent with its knowledge to a MariaDB team server; a change there is a conflict, overwrite resolves it', async () => {
    const pw = 'long enough secret'
    const teamData = tempDir()
    const add = spawnSync(
      process.execPath,
      [AGENTA_BIN, 'user', 'add', '--role', 'builder', '--email', 'bob@example.com', '--name', 'Bob', '--db', db.url, '--data', teamData],
      {
        input: `${pw}\n`,
        encoding: 'utf8'
      }
    )
    expect(add.status).toBe(0)
    const [teamUrl, deskUrl] = await Promise.all([
      serve(['--data', teamData, '--db', db.url, '--token', 'team-owner']),
      serve(['--data', tempDir(), '--token', 'desk-token'])
    ])
    const desk = { token: 'desk-token' }

    // Bob makes a personal token on the team server.
    const login = await call(teamUrl, 'POST', '/api/auth/login', {}, { email: 'bob@example.com', password: pw })
    expect(login.status).toBe(200)
    const bob = { cookie: /agenta_session=([^;]*)/.exec(login.headers.get('set-cookie') ?? '')![1] }
    const token = (await call(teamUrl, 'POST', '/api/tokens', bob, { name: 'desktop', scopes: ['read', 'build'] })).body.token

    // The desktop: an agent bound to a knowledge base with one file.
    const kb = (await call(deskUrl, 'POST', '/api/knowledge-bases', desk, { name: 'Handbook' })).body
    const dir = tempDir('team-sync-cli-')
    writeFileSync(join(dir, 'parking.txt'), 'Visitors park behind the north gate; the car park holds 300 cars.')
    expect((await call(deskUrl, 'POST', `/api/knowledge-bases/${kb.id}/add-paths`, desk, { paths: [dir] })).status).toBe(200)
    const agent = (await call(deskUrl, 'POST', '/api/agents', desk, { name: 'Gatekeeper', systemPrompt: 'Answer visitors.' })).body
    await call(deskUrl, 'PUT', `/api/agents/${agent.id}/knowledge-bases`, desk, { bindings: [{ kbId: kb.id }] })

    expect((await call(deskUrl, 'PUT', '/api/team-link', desk, { url: teamUrl, token })).status).toBe(200)
    expect((await call(deskUrl, 'POST', '/api/team-link/test', desk)).body).toMatchObject({ name: 'Bob', role: 'builder' })
    const pushed = await call(deskUrl, 'POST', `/api/agents/${agent.id}/push`, desk, {})
    expect(pushed.status).toBe(200)
    expect(pushed.body).toMatchObject({ action: 'created', documentsQueued: 1 })
    const teamAgentId = pushed.body.agent.id

    // The document is ingested there and found by search.
    const teamKb = (await call(teamUrl, 'GET', '/api/knowledge-bases', bob)).body.find((k: { name: string }) => k.name === 'Handbook')
    await until(
      async () => (await call(teamUrl, 'GET', `/api/knowledge-bases/${teamKb.id}/documents`, bob)).body.items[0]?.status === 'ready',
      'the pushed document to be ingested on the team server',
      { timeoutMs: 30_000 }
    )
    const hits = await call(teamUrl, 'POST', `/api/knowledge-bases/${teamKb.id}/search`, bob, { query: 'car park north gate', mode: 'fulltext' })
    expect(hits.status).toBe(200)
    expect(JSON.stringify(hits.body)).toContain('300 cars')

    // Changed on both sides: refused with the fields, nothing written; overwrite resolves it.
    await call(teamUrl, 'PUT', `/api/agents/${teamAgentId}`, bob, { systemPrompt: 'Team version' })
    await call(deskUrl, 'PUT', `/api/agents/${agent.id}`, desk, { systemPrompt: 'Desk version' })
    const conflict = await call(deskUrl, 'POST', `/api/agents/${agent.id}/push`, desk, {})
    expect(conflict.status).toBe(409)
    expect(conflict.body.error).toMatchObject({
      reason: 'sync_conflict',
      details: { differences: [{ field: 'systemPrompt', theirs: 'Team version', ours: 'Desk version' }] }
    })
    expect((await call(teamUrl, 'GET', `/api/agents/${teamAgentId}`, bob)).body.systemPrompt).toBe('Team version')
    expect((await call(deskUrl, 'POST', `/api/agents/${agent.id}/push`, desk, { onConflict: 'overwrite' })).body.action).toBe('updated')
    expect((await call(teamUrl, 'GET', `/api/agents/${teamAgentId}`, bob)).body.systemPrompt).toBe('Desk version')
  }, 120_000)
})
